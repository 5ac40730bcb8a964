package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.devtools.bench.BenchStack.Stack;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 1, overhead: a backlog through the pipeline with the simulator at 0 ms and no limits, against a plain
 * consume → produce mirror of the same records on the same broker. Target: the pipeline at least half the mirror's rate.
 */
final class OverheadScenario {

  private final BenchStack bench;

  OverheadScenario(BenchStack bench) {
    this.bench = bench;
  }

  /** @param n events in the backlog */
  JsonObject run(int n) throws Exception {
    BenchKafka clients = bench.clients;
    String run = "o" + UUID.randomUUID().toString().substring(0, 6);
    try (Stack st = bench.stack(bench.sets(run, BenchStack.concat(BenchStack.NO_LIMITS, "kafka.commit_interval_ms=100")),
        new JsonObject())) {
      String events = st.config().kafka().eventsTopic();
      long p0 = System.currentTimeMillis();
      clients.produceBacklog(events, n, "ov-", 11);
      System.out.printf("produced %,d events in %.1f s%n", n, (System.currentTimeMillis() - p0) / 1000.0);

      // baseline: a plain consume → produce mirror of the same records on the same broker
      String mirrorTopic = "bench-mirror-" + run;
      clients.createTopic(mirrorTopic, 3, Map.of());
      long[] m = clients.mirror(events, mirrorTopic, "bench-mirror-" + run, n);
      double mirrorS = (m[1] - m[0]) / 1000.0;
      System.out.printf("raw mirror: %,d records in %.2f s = %,.0f records/s%n", n, mirrorS, n / mirrorS);

      // the pipeline: simulator at 0 ms, no limits
      PipelineApp app = PipelineApp.deploy(st.vertx(), st.telemetry(), st.config(), false).await();
      long end = clients.awaitCommitted(st.config().pipelines().get(0).groupId(), events, n, Duration.ofMinutes(20));
      double pipeS = (end - st.telemetry().firstConsumedAtMs()) / 1000.0;
      long processed = (long) BenchFigures.sum(st.telemetry(), "review_events_processed_total");
      JsonObject simT = BenchFigures.simTotals(st.sim());
      JsonObject flushes = new JsonObject();
      st.telemetry().registry().find("review_batches_flushed_total").counters().forEach(c -> flushes.put(
          c.getId().getTag("tier") + "/" + c.getId().getTag("trigger"), (long) c.count()));
      System.out.printf("batches by tier/trigger: %s%n", flushes.encode());
      app.stop().await();
      double ratio = (n / pipeS) / (n / mirrorS);
      System.out.printf("pipeline: %,d events in %.2f s = %,.0f events/s (%,d requests, %.1f events per request)%n",
          n, pipeS, n / pipeS, simT.getLong("requests"), (double) simT.getLong("items") / simT.getLong("answered_requests"));
      System.out.printf("RESULT overhead ratio pipeline/mirror = %.3f (target >= 0.5: %s)%n", ratio, ratio >= 0.5 ? "met" : "NOT met");
      return new JsonObject().put("events", n)
          .put("mirror_records_per_s", BenchFigures.round(n / mirrorS, 0)).put("mirror_s", BenchFigures.round(mirrorS, 2))
          .put("pipeline_events_per_s", BenchFigures.round(n / pipeS, 0)).put("pipeline_s", BenchFigures.round(pipeS, 2))
          .put("pipeline_processed", processed).put("simulator", simT).put("batches", flushes)
          .put("ratio", BenchFigures.round(ratio, 3)).put("target", ">= 0.5").put("target_met", ratio >= 0.5);
    }
  }
}
