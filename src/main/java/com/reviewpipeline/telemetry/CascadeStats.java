package com.reviewpipeline.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The cascade's and shadow sampling's meters, and their {@code cascade} section of {@code GET /api/stats}, per
 * pipeline: escalations by reason and tier pair, the share of first verdicts escalated, and per pair of tiers
 * ({@code <published tier>_vs_<reference tier>}) and field the shadow verdicts agreeing and not, with the share.
 */
final class CascadeStats {

  static final String ESCALATIONS = "review_escalations_total";
  static final String FIRST_VERDICTS = "review_cascade_first_verdicts_total";
  static final String SAMPLED = "review_shadow_sampled_total";
  static final String FAILED = "review_shadow_failed_total";
  static final String COMPARED = "review_shadow_compared_total";
  static final String AGREEMENT = "review_shadow_agreement_total";

  private final MeterRegistry registry;

  CascadeStats(MeterRegistry registry) {
    this.registry = registry;
  }

  void firstVerdicts(String pipeline, int n) {
    registry.counter(FIRST_VERDICTS, "pipeline", pipeline).increment(n);
  }

  void escalated(String pipeline, String from, String to, String reason) {
    registry.counter(ESCALATIONS, "pipeline", pipeline, "from", from, "to", to, "reason", reason).increment();
  }

  void sampled(String pipeline) {
    registry.counter(SAMPLED, "pipeline", pipeline).increment();
  }

  void failed(String pipeline, String errorType) {
    registry.counter(FAILED, "pipeline", pipeline, "error_type", errorType).increment();
  }

  void compared(String pipeline, String pair, Map<String, Boolean> agree) {
    registry.counter(COMPARED, "pipeline", pipeline, "pair", pair).increment();
    agree.forEach((field, same) -> registry.counter(AGREEMENT, "pipeline", pipeline, "pair", pair, "field", field,
        "agree", String.valueOf(same)).increment());
  }

  /** Shadow samples sent, compared and failed so far in {@code pipeline} (a sample still being judged is in none). */
  long[] shadowCounts(String pipeline) {
    return new long[] {count(SAMPLED, pipeline), count(COMPARED, pipeline), count(FAILED, pipeline)};
  }

  private long count(String meter, String pipeline) {
    return (long) registry.find(meter).tag("pipeline", pipeline).counters().stream().mapToDouble(Counter::count).sum();
  }

  JsonObject toJson() {
    JsonObject out = new JsonObject();
    for (Counter c : registry.find(FIRST_VERDICTS).counters()) {
      JsonObject p = pipeline(out, c.getId().getTag("pipeline"));
      p.put("first_verdicts", p.getLong("first_verdicts", 0L) + (long) c.count());
    }
    for (Counter c : registry.find(ESCALATIONS).counters()) {
      JsonObject p = pipeline(out, c.getId().getTag("pipeline"));
      p.put("escalated", p.getLong("escalated", 0L) + (long) c.count());
      add(child(p, "escalated_by_reason"), c.getId().getTag("reason"), c.count());
      add(child(p, "escalated_by_pair"), c.getId().getTag("from") + "_to_" + c.getId().getTag("to"), c.count());
    }
    for (Counter c : registry.find(SAMPLED).counters()) {
      add(child(pipeline(out, c.getId().getTag("pipeline")), "shadow"), "sampled", c.count());
    }
    for (Counter c : registry.find(FAILED).counters()) {
      add(child(pipeline(out, c.getId().getTag("pipeline")), "shadow"), "failed", c.count());
    }
    for (Counter c : registry.find(COMPARED).counters()) {
      JsonObject shadow = child(pipeline(out, c.getId().getTag("pipeline")), "shadow");
      add(child(child(shadow, "pairs"), c.getId().getTag("pair")), "samples", c.count());
    }
    for (Counter c : registry.find(AGREEMENT).counters()) {
      JsonObject pair = child(child(child(pipeline(out, c.getId().getTag("pipeline")), "shadow"), "pairs"),
          c.getId().getTag("pair"));
      JsonObject field = child(child(pair, "fields"), c.getId().getTag("field"));
      add(field, "true".equals(c.getId().getTag("agree")) ? "agree" : "disagree", c.count());
    }
    // the shares, recomputed the same way when the cluster's counts are summed
    return com.reviewpipeline.bus.ClusterNodes.fixRatios(withZeros(out));
  }

  /** Both counts present, so a field nobody disagreed on still shows its share. */
  private static JsonObject withZeros(JsonObject o) {
    if (o.containsKey("agree") || o.containsKey("disagree")) {
      o.put("agree", o.getLong("agree", 0L)).put("disagree", o.getLong("disagree", 0L));
    }
    if (o.containsKey("first_verdicts")) {
      o.put("escalated", o.getLong("escalated", 0L));
    }
    o.forEach(e -> {
      if (e.getValue() instanceof JsonObject child) {
        withZeros(child);
      }
    });
    return o;
  }

  private static JsonObject pipeline(JsonObject out, String name) {
    return child(out, name);
  }

  private static JsonObject child(JsonObject parent, String key) {
    JsonObject c = parent.getJsonObject(key);
    if (c == null) {
      c = new JsonObject();
      parent.put(key, c);
    }
    return c;
  }

  private static void add(JsonObject o, String key, double n) {
    o.put(key, o.getLong(key, 0L) + (long) n);
  }
}
