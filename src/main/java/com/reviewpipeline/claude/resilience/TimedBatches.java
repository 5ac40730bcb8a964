package com.reviewpipeline.claude.resilience;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.model.Batch;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Claude instance's batches waiting on a timer (the rate limiter, a retry's delay, a hold's probe). Undeploying a
 * verticle cancels the timers it set, so an instance that a scale-down stops hands those still waiting at its drain
 * deadline to the instances that stay; otherwise their events would stay in flight in a running ingest instance.
 * Used from the instance's event loop.
 */
public final class TimedBatches {

  private static final Logger LOG = LoggerFactory.getLogger(TimedBatches.class);

  /** By timer id. */
  private final Map<Long, Batch> waiting = new HashMap<>();

  /** Runs {@code then} after {@code delayMs}, {@code batch} counted as waiting meanwhile. */
  public void later(Vertx vertx, long delayMs, Batch batch, Runnable then) {
    long id = vertx.setTimer(delayMs, t -> {
      waiting.remove(t);
      then.run();
    });
    waiting.put(id, batch);
  }

  /** Cancels the timers and hands their batches to the other instances, attempts counted anew; returns how many. */
  public int handOn(Vertx vertx) {
    int n = waiting.size();
    if (n > 0) {
      LOG.warn("claude.stopping batches_handed_on={} (waiting for a retry, the rate limiter or a probe at the drain "
          + "deadline)", n);
      waiting.forEach((id, b) -> {
        vertx.cancelTimer(id);
        Handoff.send(vertx, Addresses.BATCH_READY, b);
      });
      waiting.clear();
    }
    return n;
  }
}
