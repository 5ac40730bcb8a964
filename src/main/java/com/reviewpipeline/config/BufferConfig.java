package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;

/**
 * Flush triggers of one buffer.
 *
 * @param maxSize flush when this many events are buffered
 * @param maxWaitMs flush this long after the first event entered an empty buffer
 * @param maxTokens flush before the estimated input tokens of the batch would pass this
 */
public record BufferConfig(int maxSize, long maxWaitMs, int maxTokens) {

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
  }

  public static BufferConfig fromJson(JsonObject json) {
    JsonObject j = Declaration.merged(PipelineConfig.ENTRY_DEFAULTS.getJsonObject("buffer"), json, "buffer");
    return new BufferConfig(j.getInteger("max_size"), j.getLong("max_wait_ms"), j.getInteger("max_tokens"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("max_size", maxSize).put("max_wait_ms", maxWaitMs).put("max_tokens", maxTokens);
  }
}
