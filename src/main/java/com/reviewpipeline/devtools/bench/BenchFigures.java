package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/** Reading the figures: the pipeline's counters, the simulator's totals, rounding and percentiles. */
final class BenchFigures {

  private BenchFigures() {
  }

  /** The sum of a counter over every series matching {@code tags} (key, value, ...). */
  static double sum(Telemetry t, String meter, String... tags) {
    return t.registry().find(meter).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** The simulator's totals over every model: requests, answered requests, items, tokens, statuses. */
  static JsonObject simTotals(ClaudeSimulator sim) {
    JsonObject s = sim.stats();
    long in = 0;
    long outTok = 0;
    long items = 0;
    long ok = 0;
    for (String model : s.getJsonObject("by_model").fieldNames()) {
      JsonObject m = s.getJsonObject("by_model").getJsonObject(model);
      in += m.getLong("input_tokens");
      outTok += m.getLong("output_tokens");
      items += m.getLong("items");
      ok += m.getLong("requests");
    }
    return new JsonObject().put("requests", s.getLong("requests")).put("answered_requests", ok).put("items", items)
        .put("input_tokens", in).put("output_tokens", outTok)
        .put("status_429", s.getJsonObject("by_status").getLong("429", 0L))
        .put("by_status", s.getJsonObject("by_status"));
  }

  /** Per model class (as the API pools limits): items, answered requests, input tokens, output tokens so far. */
  static Map<String, long[]> simByClass(ClaudeSimulator sim) {
    Map<String, long[]> out = new TreeMap<>();
    JsonObject byModel = sim.stats().getJsonObject("by_model");
    for (String model : byModel.fieldNames()) {
      JsonObject m = byModel.getJsonObject(model);
      long[] a = out.computeIfAbsent(ClaudeSimulator.modelClass(model), k -> new long[4]);
      a[0] += m.getLong("items");
      a[1] += m.getLong("requests");
      a[2] += m.getLong("input_tokens");
      a[3] += m.getLong("output_tokens");
    }
    return out;
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /** The nearest-rank percentile {@code p} (0..100) of sorted values; NaN when there are none. */
  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
