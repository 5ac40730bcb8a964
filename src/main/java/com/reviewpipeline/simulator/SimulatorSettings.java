package com.reviewpipeline.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The simulator's knobs, changed at run time through {@code POST /_sim/config}. Every field has a
 * harmless default; unknown keys are rejected so a typo in a test fails loudly.
 *
 * @param failStatus answer every matching request with this HTTP status (0: never)
 * @param failCount how many requests to fail (-1: all)
 * @param failTool fail only requests whose forced tool has this name (empty: any)
 * @param dropEvery answer without every n-th item (0: never)
 * @param truncateAbove stop with max_tokens when a batch has more items than this (0: never)
 * @param hold keep every request waiting until hold is switched off (a stalled API)
 * @param requestsPerMinute enforced per API key and model class with 429 and {@code anthropic-ratelimit-*} headers
 *     (0: unlimited)
 * @param inputTokensPerMinute per key and model class (0: unlimited)
 * @param outputTokensPerMinute per key and model class, charged from {@code max_tokens} at admission (0: unlimited)
 * @param spendLimit answer 429 with {@code error.details.error_code = enforced_spend_limit_reached}
 * @param unknownIds add an item with an id that was not asked for to every answer
 * @param invalidKeys API keys answered with 401
 * @param cacheMinTokens per model, the minimum prefix a {@code cache_control} marker caches
 * @param invalidEvery give every n-th item a value outside its schema (0: never)
 */
public record SimulatorSettings(
    long latencyMs,
    long jitterMs,
    int failStatus,
    int failCount,
    String failTool,
    int dropEvery,
    int truncateAbove,
    boolean textInsteadOfTool,
    boolean malformedBody,
    boolean refuse,
    boolean hold,
    long requestsPerMinute,
    long inputTokensPerMinute,
    long outputTokensPerMinute,
    boolean spendLimit,
    boolean unknownIds,
    JsonArray invalidKeys,
    JsonObject cacheMinTokens,
    int invalidEvery) {

  public static final java.util.Set<String> KEYS = java.util.Set.of("latency_ms", "jitter_ms", "fail_status",
      "fail_count", "fail_tool", "drop_every", "truncate_above", "text_instead_of_tool", "malformed_body", "refuse", "hold",
      "requests_per_minute", "input_tokens_per_minute", "output_tokens_per_minute", "spend_limit", "unknown_ids",
      "invalid_keys", "cache_min_tokens", "invalid_every");

  public static SimulatorSettings defaults(long latencyMs, long jitterMs) {
    return new SimulatorSettings(latencyMs, jitterMs, 0, -1, "", 0, 0, false, false, false, false,
        0, 0, 0, false, false, new JsonArray(), new JsonObject(), 0);
  }

  /** Defaults plus the models' minimum cacheable prefixes (from {@code anthropic.cache_min_tokens}). */
  public static SimulatorSettings defaults(long latencyMs, long jitterMs, java.util.Map<String, Integer> cacheMinTokens) {
    JsonObject mins = new JsonObject();
    cacheMinTokens.forEach(mins::put);
    return defaults(latencyMs, jitterMs).merge(new JsonObject().put("cache_min_tokens", mins));
  }

  public SimulatorSettings merge(JsonObject j) {
    for (String key : j.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown simulator setting '" + key + "'; known: " + KEYS);
      }
    }
    return new SimulatorSettings(
        j.getLong("latency_ms", latencyMs),
        j.getLong("jitter_ms", jitterMs),
        j.getInteger("fail_status", failStatus),
        j.getInteger("fail_count", failCount),
        j.getString("fail_tool", failTool),
        j.getInteger("drop_every", dropEvery),
        j.getInteger("truncate_above", truncateAbove),
        j.getBoolean("text_instead_of_tool", textInsteadOfTool),
        j.getBoolean("malformed_body", malformedBody),
        j.getBoolean("refuse", refuse),
        j.getBoolean("hold", hold),
        j.getLong("requests_per_minute", requestsPerMinute),
        j.getLong("input_tokens_per_minute", inputTokensPerMinute),
        j.getLong("output_tokens_per_minute", outputTokensPerMinute),
        j.getBoolean("spend_limit", spendLimit),
        j.getBoolean("unknown_ids", unknownIds),
        j.getJsonArray("invalid_keys", invalidKeys),
        j.getJsonObject("cache_min_tokens", cacheMinTokens),
        j.getInteger("invalid_every", invalidEvery));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("latency_ms", latencyMs)
        .put("jitter_ms", jitterMs)
        .put("fail_status", failStatus)
        .put("fail_count", failCount)
        .put("fail_tool", failTool)
        .put("drop_every", dropEvery)
        .put("truncate_above", truncateAbove)
        .put("text_instead_of_tool", textInsteadOfTool)
        .put("malformed_body", malformedBody)
        .put("refuse", refuse)
        .put("hold", hold)
        .put("requests_per_minute", requestsPerMinute)
        .put("input_tokens_per_minute", inputTokensPerMinute)
        .put("output_tokens_per_minute", outputTokensPerMinute)
        .put("spend_limit", spendLimit)
        .put("unknown_ids", unknownIds)
        .put("invalid_keys", invalidKeys.copy())
        .put("cache_min_tokens", cacheMinTokens.copy())
        .put("invalid_every", invalidEvery);
  }
}
