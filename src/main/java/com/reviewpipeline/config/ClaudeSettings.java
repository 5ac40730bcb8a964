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
    int toolUseSystemTokens) {

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
        j.getInteger("tool_use_system_tokens", 313));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public ClaudeSettings withEndpoint(String url, List<String> keys) {
    return new ClaudeSettings(stripSlash(url), List.copyOf(keys), apiVersion, requestTimeoutMs, maxAttempts,
        backoffInitialMs, backoffMaxMs, charsPerToken, toolUseSystemTokens);
  }

  @Override
  public String toString() {
    return "ClaudeSettings[baseUrl=" + baseUrl + ", apiKeys=" + apiKeys.size() + " configured, apiVersion="
        + apiVersion + ", requestTimeoutMs=" + requestTimeoutMs + ", maxAttempts=" + maxAttempts + "]";
  }
}
