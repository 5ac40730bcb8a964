package com.reviewpipeline.cache;

import com.reviewpipeline.cache.VerdictKeys.Key;
import com.reviewpipeline.cache.VerdictKeys.Keys;
import com.reviewpipeline.cache.VerdictKeys.Kind;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * This node's recent verdicts, at most {@code maxEntries}, least recently used first out, each reused for a TTL after
 * it was published. A verdict is one compact {@link CacheEntry} found under its two keys ({@link VerdictKeys}); a
 * newer verdict put under a key takes that key from the older one, and an entry left with no key is dropped.
 * Thread-safe: the buffer instances read it and the publisher instances fill it, each on its own event loop; every
 * call is a few table operations under the lock.
 */
public final class VerdictCache {

  /** A verdict found for an event, and which key found it. */
  public record Hit(Key key, CachedVerdict verdict) {}

  private final int maxEntries;
  private final long ttlMs;
  private final LongSupplier clock;
  private final KeyIndex byEvent = new KeyIndex(Kind.EVENT_ID);
  private final KeyIndex byText = new KeyIndex(Kind.TEXT);
  private final Dedup dedup = new Dedup();
  private final boolean[] shared = new boolean[1];
  /** Least recently used end of the LRU list, and most recently used end. */
  private CacheEntry oldest;
  private CacheEntry newest;
  private int entries;
  /** The arrays and strings entries own ({@link CacheEntry#ownBytes()}), summed. */
  private long ownBytes;

  /**
   * @param maxEntries verdicts kept (two keys each)
   * @param ttlMs how long after publication a verdict is reused
   * @param clock wall-clock milliseconds (a fake one in tests)
   */
  public VerdictCache(int maxEntries, long ttlMs, LongSupplier clock) {
    if (maxEntries < 1 || ttlMs < 1) {
      throw new IllegalArgumentException("maxEntries and ttlMs must be positive");
    }
    this.maxEntries = maxEntries;
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  /** The verdict under the event key, else under the text key; null when neither holds a fresh one. */
  public synchronized Hit get(Keys keys) {
    Hit hit = get(keys.byEvent());
    return hit != null ? hit : get(keys.byText());
  }

  /** The fresh verdict under one key, or null (an expired one is dropped on the way). */
  public synchronized Hit get(Key key) {
    CacheEntry e = index(key.kind()).get(key.hi(), key.lo());
    if (e == null) {
      return null;
    }
    if (remainingMs(e.publishedAtMs) <= 0) {
      drop(e);
      return null;
    }
    unlink(e);
    linkNewest(e);
    return new Hit(key, e.verdict());
  }

  /** Holds {@code verdict} under both keys; a newer verdict replaces an older one under the same key. */
  public synchronized void put(Keys keys, CachedVerdict verdict) {
    add(keys.byEvent(), keys.byText(), verdict);
  }

  /** Holds {@code verdict} under one key (a verdict found in the cluster map under that key); expired: nothing. */
  public synchronized void put(Key key, CachedVerdict verdict) {
    add(key.kind() == Kind.EVENT_ID ? key : null, key.kind() == Kind.TEXT ? key : null, verdict);
  }

  /** How much longer {@code verdict} may be reused (0 or less: expired). */
  public long remainingMs(CachedVerdict verdict) {
    return remainingMs(verdict.publishedAtMs());
  }

  /** Keys held now (two per verdict, one for a verdict whose other key a newer one took; expired ones count). */
  public synchronized int keys() {
    return byEvent.size() + byText.size();
  }

  /** Verdicts held now (expired ones count until looked up or pushed out). */
  public synchronized int entries() {
    return entries;
  }

  /**
   * The heap this cache holds, estimated from its layout: each entry's {@link CacheEntry#OBJECT_BYTES}, the arrays
   * and strings it alone holds (a verdict, batch id, model or tier equal to one held already is shared and counted
   * once), the two key tables and the intern tables. The verdict cache's section of docs/claude-stage.md gives the
   * measured figure.
   */
  public synchronized long heapBytes() {
    return (long) entries * CacheEntry.OBJECT_BYTES + ownBytes + byEvent.bytes() + byText.bytes() + Dedup.bytes();
  }

  /** {@link #heapBytes()} per verdict held; the fixed part of an entry when none is. */
  public synchronized long bytesPerEntry() {
    return entries == 0 ? CacheEntry.OBJECT_BYTES : Math.round(heapBytes() / (double) entries);
  }

  private void add(Key event, Key text, CachedVerdict v) {
    if (remainingMs(v.publishedAtMs()) <= 0) {
      return;
    }
    if (event != null) {
      release(byEvent, event, CacheEntry.EVENT_KEY);
    }
    if (text != null) {
      release(byText, text, CacheEntry.TEXT_KEY);
    }
    int flags = (event != null ? CacheEntry.EVENT_KEY : 0) | (text != null ? CacheEntry.TEXT_KEY : 0);
    byte[] verdict = dedup.of(v.verdict().getBytes(StandardCharsets.UTF_8), shared);
    flags |= shared[0] ? 0 : CacheEntry.OWNS_VERDICT;
    String batchId = dedup.of(v.batchId(), shared);
    flags |= shared[0] ? 0 : CacheEntry.OWNS_BATCH_ID;
    // a handful of values in all: counted with the intern tables
    String model = dedup.of(v.model(), shared);
    String tier = dedup.of(v.tier(), shared);
    CacheEntry e = new CacheEntry(event, text, v, verdict, model, tier, batchId, flags);
    if (event != null) {
      byEvent.add(e);
    }
    if (text != null) {
      byText.add(e);
    }
    linkNewest(e);
    entries++;
    ownBytes += e.ownBytes();
    while (entries > maxEntries) {
      drop(oldest);
    }
  }

  /** Takes {@code key} from the entry holding it, dropping that entry if it has no key left. */
  private void release(KeyIndex index, Key key, int flag) {
    CacheEntry holder = index.get(key.hi(), key.lo());
    if (holder == null) {
      return;
    }
    index.remove(key.hi(), key.lo());
    holder.flags &= (byte) ~flag;
    if (!holder.has(CacheEntry.EVENT_KEY) && !holder.has(CacheEntry.TEXT_KEY)) {
      forget(holder);
    }
  }

  /** Removes {@code e} and whichever of its keys it still holds. */
  private void drop(CacheEntry e) {
    if (e.has(CacheEntry.EVENT_KEY)) {
      byEvent.remove(e.eventHi, e.eventLo);
    }
    if (e.has(CacheEntry.TEXT_KEY)) {
      byText.remove(e.textHi, e.textLo);
    }
    forget(e);
  }

  private void forget(CacheEntry e) {
    unlink(e);
    entries--;
    ownBytes -= e.ownBytes();
  }

  private void linkNewest(CacheEntry e) {
    e.older = newest;
    e.newer = null;
    if (newest != null) {
      newest.newer = e;
    } else {
      oldest = e;
    }
    newest = e;
  }

  private void unlink(CacheEntry e) {
    if (e.older != null) {
      e.older.newer = e.newer;
    } else {
      oldest = e.newer;
    }
    if (e.newer != null) {
      e.newer.older = e.older;
    } else {
      newest = e.older;
    }
    e.older = null;
    e.newer = null;
  }

  private KeyIndex index(Kind kind) {
    return kind == Kind.EVENT_ID ? byEvent : byText;
  }

  private long remainingMs(long publishedAtMs) {
    return publishedAtMs + ttlMs - clock.getAsLong();
  }
}
