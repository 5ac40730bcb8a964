package com.reviewpipeline.cache;

import com.reviewpipeline.cache.VerdictKeys.Key;
import com.reviewpipeline.cache.VerdictKeys.Keys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * This node's recent verdicts, least recently used first out, each reused for a TTL after it was published. A verdict
 * is held under its two keys ({@link VerdictKeys}), so the map holds at most twice {@code maxEntries} keys; both keys
 * of one verdict share the one {@link CachedVerdict}. Thread-safe: the buffer instances read it and the publisher
 * instances fill it, each on its own event loop; every call is a few map operations under the lock.
 */
public final class VerdictCache {

  /** A verdict found for an event, and which key found it. */
  public record Hit(Key key, CachedVerdict verdict) {}

  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<Key, CachedVerdict> entries;

  /**
   * @param maxEntries verdicts kept (two keys each)
   * @param ttlMs how long after publication a verdict is reused
   * @param clock wall-clock milliseconds (a fake one in tests)
   */
  public VerdictCache(int maxEntries, long ttlMs, LongSupplier clock) {
    if (maxEntries < 1 || ttlMs < 1) {
      throw new IllegalArgumentException("maxEntries and ttlMs must be positive");
    }
    this.ttlMs = ttlMs;
    this.clock = clock;
    long maxKeys = 2L * maxEntries;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, CachedVerdict> eldest) {
        return size() > maxKeys;
      }
    };
  }

  /** The verdict under the event key, else under the text key; null when neither holds a fresh one. */
  public synchronized Hit get(Keys keys) {
    Hit byEvent = get(keys.byEvent());
    return byEvent != null ? byEvent : get(keys.byText());
  }

  /** The fresh verdict under one key, or null (an expired one is dropped on the way). */
  public synchronized Hit get(Key key) {
    CachedVerdict v = entries.get(key);
    if (v == null) {
      return null;
    }
    if (remainingMs(v) <= 0) {
      entries.remove(key);
      return null;
    }
    return new Hit(key, v);
  }

  /** Holds {@code verdict} under both keys; a newer verdict replaces an older one under the same key. */
  public synchronized void put(Keys keys, CachedVerdict verdict) {
    put(keys.byEvent(), verdict);
    put(keys.byText(), verdict);
  }

  /** Holds {@code verdict} under one key (a verdict found in the cluster map under that key); expired: nothing. */
  public synchronized void put(Key key, CachedVerdict verdict) {
    if (remainingMs(verdict) > 0) {
      entries.put(key, verdict);
    }
  }

  /** How much longer {@code verdict} may be reused (0 or less: expired). */
  public long remainingMs(CachedVerdict verdict) {
    return verdict.publishedAtMs() + ttlMs - clock.getAsLong();
  }

  /** Keys held now (two per verdict; expired ones still count until looked up or pushed out). */
  public synchronized int keys() {
    return entries.size();
  }
}
