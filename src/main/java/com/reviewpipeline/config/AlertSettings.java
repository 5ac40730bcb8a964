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
    JsonObject o = j == null ? new JsonObject() : j;
    JsonArray hooks = o.getJsonArray("webhooks", new JsonArray());
    JsonObject warn = o.getJsonObject("lag_warning", new JsonObject());
    JsonObject page = o.getJsonObject("lag_page", new JsonObject());
    JsonObject drift = o.getJsonObject("routing_drift", new JsonObject());
    return new AlertSettings(
        hooks.stream().map(String::valueOf).filter(s -> !s.isBlank()).toList(),
        o.getLong("check_interval_ms", 10_000L),
        o.getLong("flagged_digest_interval_ms", 300_000L),
        o.getLong("dlq_backlog_threshold", 50L),
        warn.getLong("threshold", 500L),
        warn.getLong("for_ms", 300_000L),
        page.getLong("threshold", 5_000L),
        page.getLong("for_ms", 120_000L),
        o.getInteger("delivery_attempts", 5),
        o.getLong("delivery_backoff_ms", 1_000L),
        o.getLong("summary_interval_ms", 3_600_000L),
        drift.getLong("window_ms", 3_600_000L),
        drift.getLong("min_events", 200L),
        bounds(drift.getJsonObject("bounds", new JsonObject())));
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
