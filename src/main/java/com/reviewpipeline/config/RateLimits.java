package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;

/**
 * Starting limits of one API key, before the API's {@code anthropic-ratelimit-*} headers say
 * otherwise: requests, input tokens and output tokens per minute, and concurrent requests.
 */
public record RateLimits(long requestsPerMinute, long inputTokensPerMinute, long outputTokensPerMinute, int maxConcurrent) {

  public static RateLimits fromJson(JsonObject j) {
    JsonObject o = Declaration.withDefaults("anthropic.rate_limits", j);
    RateLimits r = new RateLimits(
        o.getLong("requests_per_minute"),
        o.getLong("input_tokens_per_minute"),
        o.getLong("output_tokens_per_minute"),
        o.getInteger("max_concurrent"));
    if (r.requestsPerMinute < 1 || r.inputTokensPerMinute < 1 || r.outputTokensPerMinute < 1 || r.maxConcurrent < 1) {
      throw new IllegalArgumentException("anthropic.rate_limits values must be positive: " + o.encode());
    }
    return r;
  }
}
