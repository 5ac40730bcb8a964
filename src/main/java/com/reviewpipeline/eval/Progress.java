package com.reviewpipeline.eval;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The progress line: requests done of all, from the cache, rate of requests sent, spend, ETA; at most once a second. */
final class Progress {

  private final PrintStream out;
  private final int total;
  private final long startNanos = System.nanoTime();
  private int done;
  private int cached;
  private int sent;
  private double usd;
  private long lastPrint;

  Progress(PrintStream out, int total) {
    this.out = out;
    this.total = total;
  }

  synchronized void record(BatchJudge.Outcome o) {
    done++;
    cached += o.cached() ? 1 : 0;
    sent += o.sent() ? 1 : 0;
    usd += o.usd();
    long now = System.nanoTime();
    if (done == total || now - lastPrint >= TimeUnit.SECONDS.toNanos(1)) {
      lastPrint = now;
      out.println(line(now));
    }
  }

  String line(long now) {
    double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
    double rate = done / seconds;
    long eta = rate <= 0 ? 0 : Math.round((total - done) / rate);
    return String.format(Locale.ROOT, "eval  %d/%d requests (%d%%, %d from cache, %d sent)  %.1f req/s  spent $%.4f"
        + "  ETA %dm%02ds", done, total, total == 0 ? 100 : done * 100 / total, cached, sent, rate, usd, eta / 60,
        eta % 60);
  }
}
