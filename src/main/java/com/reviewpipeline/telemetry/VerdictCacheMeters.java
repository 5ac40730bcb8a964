package com.reviewpipeline.telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The verdict cache's meters in a {@link Telemetry}'s registry (docs/claude-stage.md "Verdict cache"): answers by
 * key and scope,
 * misses, the keys a node holds, and their summary in {@code GET /api/stats}. Holds no state of its own, so any number
 * of these over one registry count the same meters. Thread-safe, like the registry.
 */
public final class VerdictCacheMeters {

  static final String KEYS = "review_verdict_cache_keys";
  static final String ENTRIES = "review_verdict_cache_entries";
  static final String HEAP_BYTES = "review_verdict_cache_heap_bytes";

  private final MeterRegistry registry;

  public VerdictCacheMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * An event the cache answered instead of a call: {@code key} {@code event_id} (a redelivery or replay) or
   * {@code text} (an exact copy), {@code scope} {@code node} (this node's cache) or {@code cluster} (another member's).
   */
  public void hit(String pipeline, String key, String scope) {
    registry.counter("review_verdict_cache_hits_total", "pipeline", pipeline, "key", key, "scope", scope).increment();
  }

  /** An event the cache was asked about and had no verdict for: it is judged. */
  public void miss(String pipeline) {
    registry.counter("review_verdict_cache_misses_total", "pipeline", pipeline).increment();
  }

  /**
   * The keys this node's cache holds, two per verdict ({@code review_verdict_cache_keys}), the verdicts
   * ({@code review_verdict_cache_entries}) and the heap they take, estimated from the entries' layout
   * ({@code review_verdict_cache_heap_bytes}).
   */
  public void register(IntSupplier keys, IntSupplier entries, LongSupplier heapBytes) {
    // Micrometer holds a gauge's object weakly, and nothing else holds these method references
    Gauge.builder(KEYS, keys, IntSupplier::getAsInt)
        .description("keys this node's verdict cache holds, two per verdict (event id and text)")
        .strongReference(true)
        .register(registry);
    Gauge.builder(ENTRIES, entries, IntSupplier::getAsInt)
        .description("verdicts this node's verdict cache holds (at most verdict_cache.max_entries)")
        .strongReference(true)
        .register(registry);
    Gauge.builder(HEAP_BYTES, heapBytes, LongSupplier::getAsLong)
        .description("heap this node's verdict cache takes, estimated from its entries' layout")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Events the cache answered ({@code hits}, by key and by scope) and those it was asked about in vain
   * ({@code misses}), the hit rate, the same per pipeline, and, when a cache runs, the keys and verdicts this node holds
   * ({@code keys}, {@code entries}), their heap estimated from the layout ({@code heap_bytes}) and that per verdict
   * ({@code bytes_per_entry}; null while the cache is empty). Events marked for a new judgment, and resends, are not
   * asked about, so they count in neither.
   */
  static JsonObject stats(MeterRegistry registry) {
    JsonObject hits = StatsDocument.groupCounter(registry, "review_verdict_cache_hits_total", "pipeline");
    JsonObject misses = StatsDocument.groupCounter(registry, "review_verdict_cache_misses_total", "pipeline");
    JsonObject byPipeline = new JsonObject();
    hits.fieldNames().forEach(p -> byPipeline.put(p, new JsonObject()));
    misses.fieldNames().forEach(p -> byPipeline.put(p, new JsonObject()));
    long allHits = 0;
    long allMisses = 0;
    for (String p : byPipeline.fieldNames()) {
      long h = hits.getLong(p, 0L);
      long m = misses.getLong(p, 0L);
      byPipeline.getJsonObject(p).put("hits", h).put("misses", m).put("hit_rate", hitRate(h, m));
      allHits += h;
      allMisses += m;
    }
    JsonObject out = new JsonObject()
        .put("hits", allHits)
        .put("misses", allMisses)
        .put("hit_rate", hitRate(allHits, allMisses))
        .put("hits_by_key", StatsDocument.groupCounter(registry, "review_verdict_cache_hits_total", "key"))
        .put("hits_by_scope", StatsDocument.groupCounter(registry, "review_verdict_cache_hits_total", "scope"))
        .put("by_pipeline", byPipeline);
    Gauge keys = registry.find(KEYS).gauge();
    Gauge entries = registry.find(ENTRIES).gauge();
    Gauge heap = registry.find(HEAP_BYTES).gauge();
    if (keys != null) {
      out.put("keys", (long) keys.value());
    }
    if (entries != null && heap != null) {
      out.put("entries", (long) entries.value())
          .put("heap_bytes", (long) heap.value())
          .put("bytes_per_entry", bytesPerEntry((long) heap.value(), (long) entries.value()));
    }
    return out;
  }

  /** Heap per verdict held, whole bytes; null when none is (also after summing nodes: see {@code ClusterNodes}). */
  static Long bytesPerEntry(long heapBytes, long entries) {
    return entries == 0 ? null : Math.round(heapBytes / (double) entries);
  }

  /** Hits over lookups, 4 decimals; 0 before the first lookup. */
  static double hitRate(long hits, long misses) {
    return hits + misses == 0 ? 0.0 : Math.round(hits * 10_000.0 / (hits + misses)) / 10_000.0;
  }
}
