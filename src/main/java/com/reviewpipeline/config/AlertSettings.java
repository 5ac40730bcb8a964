package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Alert conditions and where they go (Slack incoming-webhook format). Thresholds live in
 * {@code conf/} under {@code alerts}; see the README.
 *
 * @param summaryIntervalMs how often the cost and model-mix summary goes out, per pipeline
 * @param driftBounds per pipeline and tier, the largest share of the pipeline's events the tier may judge over
 *     {@code driftWindowMs} before the routing-drift warning fires (only once {@code driftMinEvents} were judged)
 */
public record AlertSettings(
    List<String> webhooks,
    long checkIntervalMs,
    long flaggedDigestIntervalMs,
    long dlqBacklogThreshold,
    long lagWarningThreshold,
    long lagWarningForMs,
    long lagPageThreshold,
    long lagPageForMs,
    int deliveryAttempts,
    long deliveryBackoffMs,
    long summaryIntervalMs,
    long driftWindowMs,
    long driftMinEvents,
    java.util.Map<String, java.util.Map<String, Double>> driftBounds) {

  public static AlertSettings fromJson(JsonObject j) {
    JsonObject o = Declaration.withDefaults("alerts", j);
    JsonArray hooks = o.getJsonArray("webhooks");
    JsonObject warn = o.getJsonObject("lag_warning");
    JsonObject page = o.getJsonObject("lag_page");
    JsonObject drift = o.getJsonObject("routing_drift");
    return new AlertSettings(
        hooks.stream().map(String::valueOf).filter(s -> !s.isBlank()).toList(),
        o.getLong("check_interval_ms"),
        o.getLong("flagged_digest_interval_ms"),
        o.getLong("dlq_backlog_threshold"),
        warn.getLong("threshold"),
        warn.getLong("for_ms"),
        page.getLong("threshold"),
        page.getLong("for_ms"),
        o.getInteger("delivery_attempts"),
        o.getLong("delivery_backoff_ms"),
        o.getLong("summary_interval_ms"),
        drift.getLong("window_ms"),
        drift.getLong("min_events"),
        bounds(drift.getJsonObject("bounds")));
  }

  private static java.util.Map<String, java.util.Map<String, Double>> bounds(JsonObject j) {
    java.util.Map<String, java.util.Map<String, Double>> out = new java.util.TreeMap<>();
    j.forEach(p -> {
      java.util.Map<String, Double> tiers = new java.util.TreeMap<>();
      ((JsonObject) p.getValue()).forEach(t -> {
        double bound = ((Number) t.getValue()).doubleValue();
        if (bound < 0 || bound > 1) {
          throw new IllegalArgumentException("alerts.routing_drift.bounds." + p.getKey() + "." + t.getKey()
              + " must be a share between 0 and 1: " + bound);
        }
        tiers.put(t.getKey(), bound);
      });
      out.put(p.getKey(), java.util.Map.copyOf(tiers));
    });
    return java.util.Map.copyOf(out);
  }
}
