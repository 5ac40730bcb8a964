package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.devtools.bench.BenchStack.Stack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 2, api-bound: a backlog against a simulator enforcing rate limits; the rate over a window after a warm-up
 * against the ceiling those limits allow for the tokens and batches seen in that window. Target: at least 95% of it.
 */
final class ApiBoundScenario {

  static final long RPM = 4_000;
  static final long ITPM = 2_000_000;
  static final long OTPM = 400_000;

  private final BenchStack bench;
  private double measuredRate;

  ApiBoundScenario(BenchStack bench) {
    this.bench = bench;
  }

  /** The simulator for the API-bound scenarios: 1.5 s ± 0.5 s per call, enforcing {@link #RPM}, {@link #ITPM}, {@link #OTPM}. */
  static JsonObject apiLimits() {
    return new JsonObject().put("latency_ms", 1500).put("jitter_ms", 500).put("requests_per_minute", RPM)
        .put("input_tokens_per_minute", ITPM).put("output_tokens_per_minute", OTPM);
  }

  /** The events per second measured by the last {@link #run}: the capacity the latency scenario loads at half of. */
  double measuredRate() {
    return measuredRate;
  }

  /**
   * @param n events in the backlog
   * @param seconds the run from the first event consumed: a warm-up of a third (at most 30 s), then the window
   */
  JsonObject run(int n, int seconds) throws Exception {
    int warmup = Math.min(30, seconds / 3);
    String run = "a" + UUID.randomUUID().toString().substring(0, 6);
    // The API pools its limits per model class. With every tier on the balanced tier's model, one budget binds and
    // its initial burst is spent in the warm-up; with three classes, each has its own burst, and the slower-draining
    // ones would still be spending theirs in the window, above the steady-state ceiling this scenario measures.
    List<String> apiSets = new ArrayList<>(bench.sets(run));
    Vertx probe = Vertx.vertx();
    try {
      String balanced = bench.config(probe, apiSets).modelFor("balanced");
      apiSets.add("tiers.fast=" + balanced);
      apiSets.add("tiers.deep=" + balanced);
    } finally {
      probe.close().await();
    }
    try (Stack st = bench.stack(apiSets, apiLimits())) {
      bench.clients.produceBacklog(st.config().kafka().eventsTopic(), n, "ap-", 12);
      System.out.printf("backlog of %,d events; simulator 1.5 s ± 0.5 s, limits %,d RPM / %,d ITPM / %,d OTPM; measuring %d s after a %d s warm-up%n",
          n, RPM, ITPM, OTPM, seconds - warmup, warmup);
      PipelineApp app = PipelineApp.deploy(st.vertx(), st.telemetry(), st.config(), false).await();
      while (st.telemetry().firstConsumedAtMs() == 0) {
        Thread.sleep(20);
      }
      long start = st.telemetry().firstConsumedAtMs();
      Thread.sleep(Math.max(0, start + warmup * 1000L - System.currentTimeMillis()));
      double p1 = BenchFigures.sum(st.telemetry(), "review_events_processed_total");
      JsonObject s1 = BenchFigures.simTotals(st.sim());
      Map<String, long[]> c1 = BenchFigures.simByClass(st.sim());
      long w1 = System.currentTimeMillis();
      Thread.sleep(Math.max(0, start + seconds * 1000L - System.currentTimeMillis()));
      double p2 = BenchFigures.sum(st.telemetry(), "review_events_processed_total");
      JsonObject s2 = BenchFigures.simTotals(st.sim());
      Map<String, long[]> c2 = BenchFigures.simByClass(st.sim());
      JsonArray keyState = st.telemetry().stats().getJsonArray("api_keys");
      long backlogLeft = n - (long) p2;
      if (backlogLeft < 1000) {
        System.out.printf("WARNING: the backlog ran out during the window (%d events left): the rate is a lower bound; raise --size api_events%n", backlogLeft);
      }
      long w2 = System.currentTimeMillis();
      double window = (w2 - w1) / 1000.0;
      double rate = (p2 - p1) / window;
      long items = s2.getLong("items") - s1.getLong("items");
      long answered = s2.getLong("answered_requests") - s1.getLong("answered_requests");
      double batch = (double) items / Math.max(1, answered);
      double inPerEvent = (double) (s2.getLong("input_tokens") - s1.getLong("input_tokens")) / Math.max(1, items);
      double outPerEvent = (double) (s2.getLong("output_tokens") - s1.getLong("output_tokens")) / Math.max(1, items);
      // The API (and the simulator) pool the limits per model class, and routing splits the events between classes
      // in fixed proportions: each class c could carry at most C_c = min(RPM·batch_c/60, ITPM/input_c, OTPM/output_c)
      // events/s, i.e. C_c / share_c of the whole stream. The ceiling is the tightest class.
      double ceiling = Double.MAX_VALUE;
      String bound = "";
      double byRpm = 0;
      double byItpm = 0;
      double byOtpm = 0;
      JsonObject byClass = new JsonObject();
      for (Map.Entry<String, long[]> e : c2.entrySet()) {
        long[] a = e.getValue();
        long[] b = c1.getOrDefault(e.getKey(), new long[4]);
        long itemsC = a[0] - b[0];
        long requestsC = a[1] - b[1];
        if (itemsC <= 0 || requestsC <= 0) {
          continue;
        }
        double shareC = (double) itemsC / Math.max(1, items);
        double rpmC = RPM * ((double) itemsC / requestsC) / 60.0 / shareC;
        double itpmC = ITPM / 60.0 / ((double) (a[2] - b[2]) / itemsC) / shareC;
        double otpmC = OTPM / 60.0 / ((double) (a[3] - b[3]) / itemsC) / shareC;
        double cC = Math.min(rpmC, Math.min(itpmC, otpmC));
        String dim = cC == otpmC ? "output tokens per minute" : cC == itpmC ? "input tokens per minute" : "requests per minute";
        byClass.put(e.getKey(), new JsonObject().put("share_of_events", BenchFigures.round(shareC, 3))
            .put("rpm_events_per_s", BenchFigures.round(rpmC, 1)).put("itpm_events_per_s", BenchFigures.round(itpmC, 1))
            .put("otpm_events_per_s", BenchFigures.round(otpmC, 1)).put("events_per_s", BenchFigures.round(cC, 1))
            .put("bound_by", dim));
        if (cC < ceiling) {
          ceiling = cC;
          bound = e.getKey() + " " + dim;
          byRpm = rpmC;
          byItpm = itpmC;
          byOtpm = otpmC;
        }
      }
      long deadLettered = (long) BenchFigures.sum(st.telemetry(), "review_events_dead_lettered_total");
      long rateLimitDlq = (long) BenchFigures.sum(st.telemetry(), "review_events_dead_lettered_total", "error_type", "rate_limit_error");
      long waits = (long) BenchFigures.sum(st.telemetry(), "claude_rate_limit_waits_total");
      st.vertx().close().await(); // in-flight calls are abandoned: nothing is committed for them
      double ratio = rate / ceiling;
      measuredRate = rate;
      System.out.printf("window %.1f s: %,.1f events/s; batch %.1f events, %.1f input + %.1f output tokens per event%n",
          window, rate, batch, inPerEvent, outPerEvent);
      byClass.forEach(e -> System.out.printf("  class %-8s %s%n", e.getKey(), e.getValue()));
      System.out.printf("ceiling (tightest class): RPM %,.1f, ITPM %,.1f, OTPM %,.1f events/s -> %,.1f (%s)%n", byRpm, byItpm,
          byOtpm, ceiling, bound);
      System.out.printf("RESULT api-bound ratio %.3f (target >= 0.95: %s); 429s %d of %d requests; dead-lettered %d (for rate limits %d); limiter waits %d%n",
          ratio, ratio >= 0.95 ? "met" : "NOT met", s2.getLong("status_429"), s2.getLong("requests"), deadLettered, rateLimitDlq, waits);
      return new JsonObject().put("backlog_events", n).put("window_s", BenchFigures.round(window, 1))
          .put("events_per_s", BenchFigures.round(rate, 1)).put("batch_size", BenchFigures.round(batch, 2))
          .put("input_tokens_per_event", BenchFigures.round(inPerEvent, 1))
          .put("output_tokens_per_event", BenchFigures.round(outPerEvent, 1))
          .put("ceiling", new JsonObject().put("rpm_events_per_s", BenchFigures.round(byRpm, 1))
              .put("itpm_events_per_s", BenchFigures.round(byItpm, 1)).put("otpm_events_per_s", BenchFigures.round(byOtpm, 1))
              .put("events_per_s", BenchFigures.round(ceiling, 1)).put("bound_by", bound).put("by_model_class", byClass))
          .put("ratio", BenchFigures.round(ratio, 3)).put("target", ">= 0.95").put("target_met", ratio >= 0.95)
          .put("status_429", s2.getLong("status_429")).put("requests", s2.getLong("requests"))
          .put("dead_lettered", deadLettered).put("dead_lettered_for_rate_limits", rateLimitDlq).put("limiter_waits", waits)
          .put("limits", new JsonObject().put("rpm", RPM).put("itpm", ITPM).put("otpm", OTPM))
          .put("backlog_left_at_end", backlogLeft).put("limiter_at_end", keyState);
    }
  }
}
