package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;

/**
 * Starting limits of one API key, before the API's {@code anthropic-ratelimit-*} headers say
 * otherwise: requests, input tokens and output tokens per minute, and concurrent requests; and the shares of a key's
 * requests per minute that requests of suspected prompt injections and of shadow samples may take while first
 * judgements of ordinary reviews (or escalations) wait (docs/claude-stage.md "Fair shares").
 */
public record RateLimits(long requestsPerMinute, long inputTokensPerMinute, long outputTokensPerMinute, int maxConcurrent,
    double suspectShare, double shadowShare) {

  /** The limits with the declared shares. */
  public RateLimits(long requestsPerMinute, long inputTokensPerMinute, long outputTokensPerMinute, int maxConcurrent) {
    this(requestsPerMinute, inputTokensPerMinute, outputTokensPerMinute, maxConcurrent,
        Declaration.section("anthropic.rate_limits").getDouble("suspect_share"),
        Declaration.section("anthropic.rate_limits").getDouble("shadow_share"));
  }

  public static RateLimits fromJson(JsonObject j) {
    JsonObject o = Declaration.withDefaults("anthropic.rate_limits", j);
    RateLimits r = new RateLimits(
        o.getLong("requests_per_minute"),
        o.getLong("input_tokens_per_minute"),
        o.getLong("output_tokens_per_minute"),
        o.getInteger("max_concurrent"),
        o.getDouble("suspect_share"),
        o.getDouble("shadow_share"));
    if (!(r.suspectShare > 0 && r.suspectShare <= 1) || !(r.shadowShare > 0 && r.shadowShare <= 1)) {
      throw new IllegalArgumentException("anthropic.rate_limits.suspect_share and shadow_share must be within (0, 1]: "
          + o.encode());
    }
    if (r.requestsPerMinute < 1 || r.inputTokensPerMinute < 1 || r.outputTokensPerMinute < 1 || r.maxConcurrent < 1) {
      throw new IllegalArgumentException("anthropic.rate_limits values must be positive: " + o.encode());
    }
    return r;
  }
}
