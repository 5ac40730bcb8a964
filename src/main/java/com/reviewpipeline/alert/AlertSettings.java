package com.reviewpipeline.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Alert conditions and where they go (Slack incoming-webhook format). Thresholds live in
 * {@code conf/} under {@code alerts}; see the README.
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
    long deliveryBackoffMs) {

  public static AlertSettings fromJson(JsonObject j) {
    JsonObject o = j == null ? new JsonObject() : j;
    JsonArray hooks = o.getJsonArray("webhooks", new JsonArray());
    JsonObject warn = o.getJsonObject("lag_warning", new JsonObject());
    JsonObject page = o.getJsonObject("lag_page", new JsonObject());
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
        o.getLong("delivery_backoff_ms", 1_000L));
  }
}
