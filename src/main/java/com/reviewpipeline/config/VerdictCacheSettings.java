package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;

/**
 * The verdict cache (docs/claude-stage.md "Verdict cache"): whether copies of judged events and exact copies of
 * judged review texts
 * take the published verdict instead of a call, how many verdicts a node keeps and for how long.
 *
 * @param enabled false: every event is judged (copies meeting their twin in flight still coalesce)
 * @param maxEntries verdicts each node keeps in its LRU; also what each cluster member keeps of the shared map
 * @param ttlSeconds how long after it was published a verdict is reused
 */
public record VerdictCacheSettings(boolean enabled, int maxEntries, long ttlSeconds) {

  /** Ten million verdicts are several GB of heap: a larger figure is a typo, not a plan. */
  static final int MAX_ENTRIES_LIMIT = 10_000_000;
  /** Thirty days: a verdict older than that was given under a prompt or model that has likely changed since. */
  static final long TTL_LIMIT_S = 30L * 24 * 3600;

  public VerdictCacheSettings {
    inRange("max_entries", maxEntries, MAX_ENTRIES_LIMIT);
    inRange("ttl_seconds", ttlSeconds, TTL_LIMIT_S);
  }

  public long ttlMs() {
    return ttlSeconds * 1000;
  }

  static VerdictCacheSettings fromJson(JsonObject given) {
    JsonObject j = Declaration.withDefaults("verdict_cache", given);
    if (!(j.getValue("enabled") instanceof Boolean enabled)) {
      throw new IllegalArgumentException("verdict_cache.enabled must be true or false, got '" + j.getValue("enabled")
          + "'");
    }
    return new VerdictCacheSettings(enabled, (int) whole(j, "max_entries", MAX_ENTRIES_LIMIT),
        whole(j, "ttl_seconds", TTL_LIMIT_S));
  }

  /** A whole number in range, or a start refused naming the key (YAML gives a string for {@code 1e5}). */
  private static long whole(JsonObject j, String key, long limit) {
    Object v = j.getValue(key);
    if (!(v instanceof Integer || v instanceof Long)) {
      throw new IllegalArgumentException("verdict_cache." + key + " must be a whole number, got '" + v + "'");
    }
    return inRange(key, ((Number) v).longValue(), limit);
  }

  private static long inRange(String key, long value, long limit) {
    if (value < 1 || value > limit) {
      throw new IllegalArgumentException("verdict_cache." + key + " must be between 1 and " + limit + ", got " + value);
    }
    return value;
  }
}
