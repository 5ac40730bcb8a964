package com.reviewpipeline.model;

import io.vertx.core.json.JsonObject;

/** Token counts as the Messages API reports them in {@code usage}. */
public record Usage(long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0);

  public static Usage fromJson(JsonObject usage) {
    if (usage == null) {
      return ZERO;
    }
    return new Usage(
        longOf(usage, "input_tokens"),
        longOf(usage, "output_tokens"),
        longOf(usage, "cache_creation_input_tokens"),
        longOf(usage, "cache_read_input_tokens"));
  }

  private static long longOf(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v instanceof Number n ? n.longValue() : 0L;
  }

  /** All input tokens the request was billed for, cached or not. */
  public long totalInputTokens() {
    return inputTokens + cacheCreationInputTokens + cacheReadInputTokens;
  }
}
