package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;

/**
 * Flush triggers of one buffer.
 *
 * @param maxSize flush when this many events are buffered
 * @param maxWaitMs flush this long after the first event entered an empty buffer; under a latency objective the
 *     shortest wait, and the wait until the API's latency is measured
 * @param maxTokens flush before the estimated input tokens of the batch would pass this
 * @param latencyObjectiveMs p99 end-to-end target of a review; the time trigger becomes what the objective leaves
 *     after the expected downstream time (docs/claude-stage.md "Latency objective"); 0: off, {@code maxWaitMs} alone
 * @param escalationWaitMs under a latency objective, how long an escalated review may wait in its buffer
 */
public record BufferConfig(int maxSize, long maxWaitMs, int maxTokens, long latencyObjectiveMs, long escalationWaitMs) {

  /** The longest objective: an hour is already far beyond a review's useful delay. */
  static final long MAX_OBJECTIVE_MS = 3_600_000;

  public BufferConfig {
    if (maxSize < 1 || maxSize > 1000) {
      throw new IllegalArgumentException("buffer.max_size must be between 1 and 1000, got " + maxSize);
    }
    if (maxWaitMs < 1 || maxWaitMs > 600_000) {
      throw new IllegalArgumentException("buffer.max_wait_ms must be between 1 and 600000, got " + maxWaitMs);
    }
    if (maxTokens < 100) {
      throw new IllegalArgumentException("buffer.max_tokens must be at least 100, got " + maxTokens);
    }
    if (latencyObjectiveMs < 0 || latencyObjectiveMs > MAX_OBJECTIVE_MS) {
      throw new IllegalArgumentException("buffer.latency_objective_ms must be 0 (off) or up to " + MAX_OBJECTIVE_MS
          + ", got " + latencyObjectiveMs);
    }
    if (latencyObjectiveMs > 0 && latencyObjectiveMs < maxWaitMs) {
      throw new IllegalArgumentException("buffer.latency_objective_ms (" + latencyObjectiveMs + ") must be 0 (off) or at"
          + " least buffer.max_wait_ms (" + maxWaitMs + "), the shortest wait under the objective");
    }
    if (escalationWaitMs < 1 || escalationWaitMs > 600_000) {
      throw new IllegalArgumentException("buffer.escalation_wait_ms must be between 1 and 600000, got "
          + escalationWaitMs);
    }
    if (latencyObjectiveMs > 0 && escalationWaitMs > latencyObjectiveMs) {
      throw new IllegalArgumentException("buffer.escalation_wait_ms (" + escalationWaitMs + ") must not exceed"
          + " buffer.latency_objective_ms (" + latencyObjectiveMs + ")");
    }
  }

  /** Triggers without a latency objective (the escalation wait, unused then, at its declared default). */
  public BufferConfig(int maxSize, long maxWaitMs, int maxTokens) {
    this(maxSize, maxWaitMs, maxTokens, 0, declared().getLong("escalation_wait_ms"));
  }

  public static BufferConfig fromJson(JsonObject json) {
    JsonObject j = Declaration.merged(declared(), json, "buffer");
    return new BufferConfig(j.getInteger("max_size"), j.getLong("max_wait_ms"), j.getInteger("max_tokens"),
        j.getLong("latency_objective_ms"), j.getLong("escalation_wait_ms"));
  }

  private static JsonObject declared() {
    return PipelineConfig.ENTRY_DEFAULTS.getJsonObject("buffer");
  }

  /** Whether the time trigger follows a latency objective rather than {@code maxWaitMs} alone. */
  public boolean hasObjective() {
    return latencyObjectiveMs > 0;
  }

  /** The same triggers with at most {@code n} events per batch. */
  public BufferConfig withMaxSize(int n) {
    return new BufferConfig(n, maxWaitMs, maxTokens, latencyObjectiveMs, escalationWaitMs);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("max_size", maxSize)
        .put("max_wait_ms", maxWaitMs)
        .put("max_tokens", maxTokens)
        .put("latency_objective_ms", latencyObjectiveMs)
        .put("escalation_wait_ms", escalationWaitMs);
  }
}
