package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * How the Messages API is reached. API keys are held here and never printed (see {@link #toString()}).
 *
 * @param breakerThreshold batches of different content that must fail with a pipeline-level error (401 on every
 *     key aside, 400, 402, 403, 404) before the circuit of a (pipeline, model) opens
 * @param breakerProbeMs while a circuit is open, one held batch is sent this often to learn whether it may close
 * @param calibrationWindow responses per model the token-estimate calibration and its error statistics use
 * @param outputInstructions per structured-output mode, a line appended to the system prompt ({tool}: the tool name)
 */
public record ClaudeSettings(
    String baseUrl,
    List<String> apiKeys,
    String apiVersion,
    long requestTimeoutMs,
    int maxAttempts,
    long backoffInitialMs,
    long backoffMaxMs,
    int maxItemResends,
    RateLimits rateLimits,
    long spendLimitProbeMs,
    int breakerThreshold,
    long breakerProbeMs,
    int calibrationWindow,
    Map<String, String> outputInstructions) {

  public static ClaudeSettings fromJson(JsonObject given) {
    JsonObject j = Declaration.withDefaults("anthropic", given);
    JsonArray keys = j.getJsonArray("api_keys");
    JsonObject breaker = j.getJsonObject("circuit_breaker");
    Map<String, String> instructions = new java.util.HashMap<>();
    j.getJsonObject("output_instructions").forEach(e -> instructions.put(e.getKey(), String.valueOf(e.getValue())));
    ClaudeSettings s = new ClaudeSettings(
        stripSlash(j.getString("base_url")),
        keys.stream().map(String::valueOf).filter(k -> !k.isBlank()).toList(),
        j.getString("api_version"),
        j.getLong("request_timeout_ms"),
        j.getInteger("max_attempts"),
        j.getLong("backoff_initial_ms"),
        j.getLong("backoff_max_ms"),
        j.getInteger("max_item_resends"),
        RateLimits.fromJson(j.getJsonObject("rate_limits")),
        j.getLong("spend_limit_probe_ms"),
        breaker.getInteger("failure_threshold"),
        breaker.getLong("probe_ms"),
        j.getInteger("calibration_window"),
        Map.copyOf(instructions));
    if (s.breakerThreshold < 2) {
      // one failing batch must not be taken for the pipeline's: a 400 of one bad review would pause everything
      throw new IllegalArgumentException("anthropic.circuit_breaker.failure_threshold must be at least 2");
    }
    if (s.breakerProbeMs < 1 || s.calibrationWindow < 1) {
      throw new IllegalArgumentException("anthropic.circuit_breaker.probe_ms and anthropic.calibration_window must be positive");
    }
    if (!s.apiKeys.isEmpty() && !j.getBoolean("allow_insecure_http")) {
      requireKeySafeEndpoint(s.baseUrl);
    }
    return s;
  }

  /**
   * API keys travel over https, or over plain http to this machine only (the simulator on 127.0.0.1): anything on
   * the way to another host could read them. {@code anthropic.allow_insecure_http} lifts the rule.
   */
  private static void requireKeySafeEndpoint(String baseUrl) {
    java.net.URI uri;
    try {
      uri = java.net.URI.create(baseUrl);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("anthropic.base_url (ANTHROPIC_BASE_URL) is not a URL: " + e.getMessage());
    }
    if ("http".equalsIgnoreCase(uri.getScheme()) && !Loopback.isLoopback(uri.getHost())) {
      throw new IllegalArgumentException("anthropic.base_url (ANTHROPIC_BASE_URL) is plain http to " + uri.getHost()
          + ": the API key would travel unencrypted. Use https, a loopback host (127.0.0.0/8, ::1, localhost), or set "
          + "anthropic.allow_insecure_http=true when the network to that host is yours");
    }
  }

  /** The line appended to the system prompt for a structured-output mode, with the tool's name filled in. */
  public String outputInstruction(ModelProfile.StructuredOutput mode, String toolName) {
    String line = outputInstructions.getOrDefault(mode.name().toLowerCase(java.util.Locale.ROOT), "");
    return line.replace("{tool}", toolName);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public ClaudeSettings withEndpoint(String url, List<String> keys) {
    return new ClaudeSettings(stripSlash(url), List.copyOf(keys), apiVersion, requestTimeoutMs, maxAttempts,
        backoffInitialMs, backoffMaxMs, maxItemResends, rateLimits, spendLimitProbeMs, breakerThreshold, breakerProbeMs,
        calibrationWindow, outputInstructions);
  }

  public ClaudeSettings withRateLimits(RateLimits limits) {
    return new ClaudeSettings(baseUrl, apiKeys, apiVersion, requestTimeoutMs, maxAttempts,
        backoffInitialMs, backoffMaxMs, maxItemResends, limits, spendLimitProbeMs, breakerThreshold, breakerProbeMs,
        calibrationWindow, outputInstructions);
  }

  public ClaudeSettings withRetries(long timeoutMs, int attempts, long initialMs, long maxMs) {
    return new ClaudeSettings(baseUrl, apiKeys, apiVersion, timeoutMs, attempts,
        initialMs, maxMs, maxItemResends, rateLimits, spendLimitProbeMs, breakerThreshold, breakerProbeMs,
        calibrationWindow, outputInstructions);
  }

  public ClaudeSettings withSpendLimitProbeMs(long ms) {
    return new ClaudeSettings(baseUrl, apiKeys, apiVersion, requestTimeoutMs, maxAttempts,
        backoffInitialMs, backoffMaxMs, maxItemResends, rateLimits, ms, breakerThreshold, breakerProbeMs,
        calibrationWindow, outputInstructions);
  }

  public ClaudeSettings withBreaker(int threshold, long probeMs) {
    return new ClaudeSettings(baseUrl, apiKeys, apiVersion, requestTimeoutMs, maxAttempts,
        backoffInitialMs, backoffMaxMs, maxItemResends, rateLimits, spendLimitProbeMs, threshold, probeMs,
        calibrationWindow, outputInstructions);
  }

  @Override
  public String toString() {
    return "ClaudeSettings[baseUrl=" + baseUrl + ", apiKeys=" + apiKeys.size() + " configured, apiVersion="
        + apiVersion + ", requestTimeoutMs=" + requestTimeoutMs + ", maxAttempts=" + maxAttempts + "]";
  }
}
