package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Alert conditions and where they go (Slack incoming-webhook format). Thresholds live in
 * {@code conf/} under {@code alerts}; see docs/operations.md.
 *
 * @param forChecks how many check intervals the backlog and routing drift must hold before they fire or resolve
 *     (lag has its own {@code for_ms})
 * @param resolveMargin a firing level resolves only at or below this share of its bound (hysteresis)
 * @param summaryIntervalMs how often the cost and model-mix summary goes out, per pipeline
 * @param driftMinEventsPerHour the events per hour a pipeline must judge for its tier shares to count, scaled to
 *     {@code driftWindowMs} (see {@link #driftMinEvents()})
 * @param driftBounds per pipeline and tier, the largest share of the pipeline's events the tier may judge over
 *     {@code driftWindowMs} before the routing-drift warning fires
 */
public record AlertSettings(
    List<String> webhooks,
    long checkIntervalMs,
    int forChecks,
    double resolveMargin,
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
    long driftMinEventsPerHour,
    java.util.Map<String, java.util.Map<String, Double>> driftBounds) {

  public static AlertSettings fromJson(JsonObject j) {
    JsonObject o = Declaration.withDefaults("alerts", j);
    JsonArray hooks = o.getJsonArray("webhooks");
    JsonObject warn = o.getJsonObject("lag_warning");
    JsonObject page = o.getJsonObject("lag_page");
    JsonObject drift = o.getJsonObject("routing_drift");
    double margin = o.getDouble("resolve_margin");
    if (!(margin > 0 && margin <= 1)) {
      throw new IllegalArgumentException("alerts.resolve_margin must be a share of the bound above 0 and at most 1: "
          + margin);
    }
    int forChecks = o.getInteger("for_checks");
    if (forChecks < 0) {
      throw new IllegalArgumentException("alerts.for_checks must be 0 or more: " + forChecks);
    }
    return new AlertSettings(
        hooks.stream().map(String::valueOf).filter(s -> !s.isBlank()).toList(),
        o.getLong("check_interval_ms"),
        forChecks,
        margin,
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
        drift.getLong("min_events_per_hour"),
        bounds(drift.getJsonObject("bounds")));
  }

  /** How long the backlog and routing drift hold before they fire or resolve. */
  public long forMs() {
    return forChecks * checkIntervalMs;
  }

  /**
   * The fewest events the drift window must hold for its shares to count: the hourly minimum scaled to the window, at
   * least 1. A rate, not a count, because "quiet" is a rate: a fixed count would leave a short window unjudged at
   * ordinary traffic and let a long one judge a trickle (200 events over a day).
   */
  public long driftMinEvents() {
    return Math.max(1, (long) Math.ceil(driftMinEventsPerHour * (double) driftWindowMs / 3_600_000));
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
