package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** How the Messages API is reached. API keys are held here and never printed (see {@link #toString()}). */
public record ClaudeSettings(
    String baseUrl,
    List<String> apiKeys,
    String apiVersion,
    long requestTimeoutMs,
    int maxAttempts,
    long backoffInitialMs,
    long backoffMaxMs,
    double charsPerToken,
    int toolUseSystemTokens,
    int maxItemResends,
    RateLimits rateLimits,
    java.util.Map<String, Integer> cacheMinTokens,
    long spendLimitProbeMs) {

  /** The model's minimum cacheable prefix in tokens; unknown models are never marked for caching. */
  public int cacheMinTokens(String model) {
    return cacheMinTokens.getOrDefault(model, Integer.MAX_VALUE);
  }

  public static ClaudeSettings fromJson(JsonObject j) {
    JsonArray keys = j.getJsonArray("api_keys", new JsonArray());
    return new ClaudeSettings(
        stripSlash(j.getString("base_url", "https://api.anthropic.com")),
        keys.stream().map(String::valueOf).filter(k -> !k.isBlank()).toList(),
        j.getString("api_version", "2023-06-01"),
        j.getLong("request_timeout_ms", 60000L),
        j.getInteger("max_attempts", 5),
        j.getLong("backoff_initial_ms", 500L),
        j.getLong("backoff_max_ms", 30000L),
        j.getDouble("chars_per_token", 3.5),
        j.getInteger("tool_use_system_tokens", 313),
        j.getInteger("max_item_resends", 2),
        RateLimits.fromJson(j.getJsonObject("rate_limits")),
        cacheMins(j.getJsonObject("cache_min_tokens", new JsonObject())),
        j.getLong("spend_limit_probe_ms", 60000L));
  }

  private static java.util.Map<String, Integer> cacheMins(JsonObject j) {
    java.util.Map<String, Integer> m = new java.util.HashMap<>();
    j.forEach(e -> m.put(e.getKey(), ((Number) e.getValue()).intValue()));
    return java.util.Map.copyOf(m);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public ClaudeSettings withEndpoint(String url, List<String> keys) {
    return new ClaudeSettings(stripSlash(url), List.copyOf(keys), apiVersion, requestTimeoutMs, maxAttempts,
        backoffInitialMs, backoffMaxMs, charsPerToken, toolUseSystemTokens, maxItemResends, rateLimits, cacheMinTokens, spendLimitProbeMs);
  }

  public ClaudeSettings withRateLimits(RateLimits limits) {
    return new ClaudeSettings(baseUrl, apiKeys, apiVersion, requestTimeoutMs, maxAttempts,
        backoffInitialMs, backoffMaxMs, charsPerToken, toolUseSystemTokens, maxItemResends, limits, cacheMinTokens, spendLimitProbeMs);
  }

  public ClaudeSettings withRetries(long timeoutMs, int attempts, long initialMs, long maxMs) {
    return new ClaudeSettings(baseUrl, apiKeys, apiVersion, timeoutMs, attempts,
        initialMs, maxMs, charsPerToken, toolUseSystemTokens, maxItemResends, rateLimits, cacheMinTokens, spendLimitProbeMs);
  }

  public ClaudeSettings withSpendLimitProbeMs(long ms) {
    return new ClaudeSettings(baseUrl, apiKeys, apiVersion, requestTimeoutMs, maxAttempts,
        backoffInitialMs, backoffMaxMs, charsPerToken, toolUseSystemTokens, maxItemResends, rateLimits, cacheMinTokens, ms);
  }

  @Override
  public String toString() {
    return "ClaudeSettings[baseUrl=" + baseUrl + ", apiKeys=" + apiKeys.size() + " configured, apiVersion="
        + apiVersion + ", requestTimeoutMs=" + requestTimeoutMs + ", maxAttempts=" + maxAttempts + "]";
  }
}
