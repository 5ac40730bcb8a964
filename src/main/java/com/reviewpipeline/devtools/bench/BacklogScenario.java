package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.app.Topics;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 4, backlog: {@code run} in a child JVM with a 256 MB heap against a large backlog while the simulator holds
 * every request, then drains it. Target: peak heap within 256 MB and every event with a result.
 */
final class BacklogScenario {

  private static final String HEAP = "-Xmx256m";

  private final BenchStack bench;
  private final Path out;

  /** @param out directory for the child's log, {@code backlog-pipeline.log} */
  BacklogScenario(BenchStack bench, Path out) {
    this.bench = bench;
    this.out = out;
  }

  /** The child's heap in use right after a full collection it is asked for ({@code jcmd <pid> GC.run}). */
  static long heapAfterGc(Process p, HttpClient http, int port) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process gc = new ProcessBuilder(jcmd, String.valueOf(p.pid()), "GC.run").redirectErrorStream(true).start();
    gc.getInputStream().readAllBytes();
    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
      throw new IllegalStateException("jcmd GC.run failed for the pipeline process");
    }
    return ChildJvm.stats(http, port).getJsonObject("jvm").getLong("heap_used_mb");
  }

  /**
   * @param n events in the backlog
   * @param stall seconds the simulator holds every request before answering
   */
  JsonObject run(int n, int stall) throws Exception {
    BenchKafka clients = bench.clients;
    String run = "b" + UUID.randomUUID().toString().substring(0, 6);
    List<String> sets = new java.util.ArrayList<>(bench.sets(run, BenchStack.NO_LIMITS));
    // the shipped verdict cache, so that the heap after the drain holds it full (max_entries verdicts)
    sets.add("verdict_cache.enabled=true");
    Vertx simVertx = Vertx.vertx();
    Path log = out.resolve("backlog-pipeline.log");
    try {
      AppConfig base = bench.config(simVertx, sets);
      ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(20, 0).merge(new JsonObject().put("hold", true)));
      simVertx.deployVerticle(sim).await();
      Topics.ensure(base.kafka(), base.messageBatches().topic());
      String events = base.kafka().eventsTopic();
      long p0 = System.currentTimeMillis();
      clients.produceBacklog(events, n, "bk-", 14, true);
      System.out.printf("produced %,d events in %.1f s; simulator holding every request%n", n, (System.currentTimeMillis() - p0) / 1000.0);

      Process p = ChildJvm.start(List.of(HEAP), sets, sim.baseUrl(), log);
      try {
        int port = ChildJvm.adminPort(p, log, 120_000);
        HttpClient http = HttpClient.newHttpClient();
        long maxInFlight = 0;
        long peakRss = 0;
        long stallEnd = System.currentTimeMillis() + stall * 1000L;
        JsonObject st = ChildJvm.stats(http, port);
        while (System.currentTimeMillis() < stallEnd) {
          Thread.sleep(1000);
          st = ChildJvm.stats(http, port);
          maxInFlight = Math.max(maxInFlight, st.getJsonObject("totals").getLong("in_flight"));
          peakRss = Math.max(peakRss, ChildJvm.rssKb(p.pid(), "VmHWM"));
        }
        long consumedDuringStall = st.getJsonObject("totals").getLong("consumed");
        long heapAfterGcStalled = heapAfterGc(p, http, port);
        System.out.printf("heap after GC at the end of the stall (every in-flight event held): %d MB%n",
            heapAfterGcStalled);
        System.out.printf("stall %d s: consumed %,d, in flight at most %,d, simulator holding %d requests%n", stall,
            consumedDuringStall, maxInFlight, sim.held());
        sim.configure(new JsonObject().put("hold", false));
        long r0 = System.currentTimeMillis();
        String group = base.pipelines().get(0).groupId();
        while (clients.committed(group, events) < n) {
          if (!p.isAlive()) {
            throw new IllegalStateException("pipeline process died; see " + log);
          }
          Thread.sleep(1000);
          st = ChildJvm.stats(http, port);
          maxInFlight = Math.max(maxInFlight, st.getJsonObject("totals").getLong("in_flight"));
          peakRss = Math.max(peakRss, ChildJvm.rssKb(p.pid(), "VmHWM"));
        }
        double drainS = (System.currentTimeMillis() - r0) / 1000.0;
        st = ChildJvm.stats(http, port);
        peakRss = Math.max(peakRss, ChildJvm.rssKb(p.pid(), "VmHWM"));
        JsonObject jvm = st.getJsonObject("jvm");
        // the heap that stays: after a full collection, not the pools' peaks (which count garbage not yet collected)
        long heapAfterGc = heapAfterGc(p, http, port);
        JsonObject cache = ChildJvm.stats(http, port).getJsonObject("verdict_cache", new JsonObject());
        System.out.printf("heap after GC %d MB with the verdict cache at %s entries of %s (%s bytes per entry)%n",
            heapAfterGc, cache.getValue("entries"), bench.config(simVertx, sets).verdictCache().maxEntries(),
            cache.getValue("bytes_per_entry"));
        BitSet seen = new BitSet(n);
        clients.readAll(base.kafka().resultsTopic(), r -> {
          String k = new String(r.key(), StandardCharsets.UTF_8);
          if (k.startsWith("bk-")) {
            seen.set(Integer.parseInt(k.substring(3)));
          }
        });
        int lost = n - seen.cardinality();
        boolean oom = Files.readString(log).contains("OutOfMemoryError");
        long heapPeak = jvm.getLong("heap_peak_mb");
        boolean full = cache.getValue("entries") instanceof Number e
            && e.longValue() >= bench.config(simVertx, sets).verdictCache().maxEntries();
        System.out.printf("RESULT backlog %,d: heap after GC %d MB after the drain with the verdict cache %s, %d MB at the"
                + " end of the stall (target <= 96 with the cache full: %s)%n", n, heapAfterGc, full ? "full" : "NOT full",
            heapAfterGcStalled, full && Math.max(heapAfterGc, heapAfterGcStalled) <= 96 ? "met" : "NOT met");
        System.out.printf("RESULT backlog %,d: peak heap %d MB (target <= 256: %s), peak RSS %d MB, in flight at most %,d, drained in %.1f s (%,.0f events/s), lost %d, OOM %s%n",
            n, heapPeak, heapPeak <= 256 && lost == 0 ? "met" : "NOT met", peakRss / 1024, maxInFlight, drainS, n / drainS, lost, oom);
        p.destroy();
        p.waitFor(60, TimeUnit.SECONDS);
        return new JsonObject().put("events", n).put("stall_s", stall).put("heap_peak_mb", heapPeak)
            .put("heap_max_mb", jvm.getLong("heap_max_mb")).put("rss_peak_mb", peakRss / 1024)
            .put("in_flight_max", maxInFlight).put("drain_s", BenchFigures.round(drainS, 1))
            .put("drain_events_per_s", BenchFigures.round(n / drainS, 0))
            .put("lost", lost).put("out_of_memory", oom).put("target", "peak heap <= 256 MB, nothing lost")
            .put("target_met", heapPeak <= 256 && lost == 0 && !oom).put("jvm_flags", HEAP)
            .put("heap_after_gc_mb", heapAfterGc).put("heap_after_gc_stalled_mb", heapAfterGcStalled).put("heap_after_gc_target", "<= 96 MB with the verdict cache full")
            .put("verdict_cache", cache);
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      simVertx.close().await();
    }
  }
}
