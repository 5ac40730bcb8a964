package com.reviewpipeline.cache;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.cache.VerdictCache.Hit;
import com.reviewpipeline.cache.VerdictKeys.Key;
import com.reviewpipeline.cache.VerdictKeys.Keys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verdicts every member of a cluster shares: the Vert.x cluster-wide map {@link Addresses#VERDICT_CACHE} (a
 * Hazelcast map), asked only when a node's own {@link VerdictCache} misses, and written with each verdict a node
 * publishes. A cache, never a dependency: a lookup that fails or takes longer than {@link #LOOKUP_TIMEOUT_MS} is a miss
 * (the event is judged), a write that fails is dropped.
 */
public final class ClusterVerdicts {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterVerdicts.class);

  /**
   * A map read within a cluster takes about a millisecond; a member that has just died makes reads wait for
   * Hazelcast's own timeouts (tens of seconds). Past this bound the event is judged rather than held.
   */
  static final long LOOKUP_TIMEOUT_MS = 250;
  /** One warning per this many milliseconds: a failing map would otherwise log once per event. */
  private static final long WARN_INTERVAL_MS = 60_000;

  private final AsyncMap<String, String> map;
  private final AtomicLong lastWarnMs = new AtomicLong();

  ClusterVerdicts(AsyncMap<String, String> map) {
    this.map = map;
  }

  /** The shared map of a clustered Vert.x, opened once at start (its calls then run on their caller's context). */
  public static Future<ClusterVerdicts> open(Vertx vertx) {
    return vertx.sharedData().<String, String>getClusterWideMap(Addresses.VERDICT_CACHE).map(ClusterVerdicts::new);
  }

  /**
   * The shared map's settings for Hazelcast: at most {@code 2 × maxEntries} keys per member, least recently used out
   * first, and no backup copy (a member that leaves takes its share of a cache with it, nothing more), so that the map
   * costs each member about what its own cache costs.
   */
  public static com.hazelcast.config.MapConfig hazelcastMap(int maxEntries) {
    return new com.hazelcast.config.MapConfig(Addresses.VERDICT_CACHE)
        .setBackupCount(0)
        .setEvictionConfig(new com.hazelcast.config.EvictionConfig()
            .setEvictionPolicy(com.hazelcast.config.EvictionPolicy.LRU)
            .setMaxSizePolicy(com.hazelcast.config.MaxSizePolicy.PER_NODE)
            .setSize(2 * maxEntries));
  }

  /**
   * The verdict under the event key, else the text key; null on a miss, a failure or a late answer. Both keys are
   * asked at once, so a lookup costs one round trip. Completes on the context of the map's answer (the caller's, for
   * Hazelcast's map); {@link VerdictLookup#shared} guarantees the caller's whatever the map.
   */
  public Future<Hit> get(Keys keys) {
    Future<String> byEvent = map.get(keys.byEvent().shared());
    Future<String> byText = map.get(keys.byText().shared());
    // chained from the map's own future, which has the caller's context (Future.join has none: its timeout and
    // callbacks would run on a global thread)
    return byEvent
        .<Hit>transform(e -> byText.transform(t -> Future.succeededFuture(
            first(hit(keys.byEvent(), byEvent), hit(keys.byText(), byText)))))
        .timeout(LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .otherwise(err -> {
          warn("verdict_cache.cluster.lookup_failed", err);
          return null;
        });
  }

  /** Shares a published verdict under both its keys for {@code ttlMs}; fire and forget. */
  public void put(Keys keys, CachedVerdict verdict, long ttlMs) {
    String value = verdict.encode();
    Future.join(map.put(keys.byEvent().shared(), value, ttlMs), map.put(keys.byText().shared(), value, ttlMs))
        .onFailure(err -> warn("verdict_cache.cluster.write_failed", err));
  }

  private Hit hit(Key key, Future<String> read) {
    if (read.failed() || read.result() == null) {
      return null;
    }
    try {
      return new Hit(key, CachedVerdict.decode(read.result()));
    } catch (IllegalArgumentException e) {
      // another version's entry, or a corrupt one: judging the event is always correct
      warn("verdict_cache.cluster.unreadable", e);
      return null;
    }
  }

  private static Hit first(Hit a, Hit b) {
    return a != null ? a : b;
  }

  private void warn(String what, Throwable err) {
    long now = System.currentTimeMillis();
    long last = lastWarnMs.get();
    if (now - last >= WARN_INTERVAL_MS && lastWarnMs.compareAndSet(last, now)) {
      LOG.warn("{} error={} (events are judged meanwhile; next warning in {} s at the earliest)", what, err.toString(),
          WARN_INTERVAL_MS / 1000);
    }
  }
}
