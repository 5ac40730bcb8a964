package com.reviewpipeline.cache;

import com.reviewpipeline.cache.VerdictKeys.Kind;

/**
 * The entries of a {@link VerdictCache} by one kind of key: an open-addressing table (linear probing, deletion by
 * backward shift, so no tombstones) of references to the entries, which hold the key bits themselves. Four bytes a
 * slot, at most {@link #MAX_LOAD_PERCENT}% full; a key's slot is taken from its low bits, uniform already (a digest).
 * Not thread-safe: the cache calls it under its lock.
 */
final class KeyIndex {

  /** Longer probe runs past this load; below it a lookup reads one or two slots on average. */
  static final int MAX_LOAD_PERCENT = 70;

  private final Kind kind;
  private CacheEntry[] slots = new CacheEntry[16];
  private int size;

  KeyIndex(Kind kind) {
    this.kind = kind;
  }

  CacheEntry get(long hi, long lo) {
    int mask = slots.length - 1;
    for (int i = home(lo, mask); ; i = (i + 1) & mask) {
      CacheEntry e = slots[i];
      if (e == null || e.hi(kind) == hi && e.lo(kind) == lo) {
        return e;
      }
    }
  }

  /** Indexes {@code entry} under its key of this kind, which no other entry holds (the caller removed it first). */
  void add(CacheEntry entry) {
    if ((size + 1) * 100L > (long) slots.length * MAX_LOAD_PERCENT) {
      grow();
    }
    insert(slots, entry);
    size++;
  }

  /** Drops the key {@code (hi, lo)}; nothing when absent. */
  void remove(long hi, long lo) {
    int mask = slots.length - 1;
    int i = home(lo, mask);
    while (slots[i] != null && (slots[i].hi(kind) != hi || slots[i].lo(kind) != lo)) {
      i = (i + 1) & mask;
    }
    if (slots[i] == null) {
      return;
    }
    slots[i] = null;
    size--;
    // pull later entries of the probe run back over the gap unless their home lies cyclically in (gap, j]
    for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
      int h = home(slots[j].lo(kind), mask);
      boolean stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (!stays) {
        slots[i] = slots[j];
        slots[j] = null;
        i = j;
      }
    }
  }

  int size() {
    return size;
  }

  /** The table's heap: 16-byte array header and four bytes a slot. */
  long bytes() {
    return 16 + 4L * slots.length;
  }

  private void grow() {
    CacheEntry[] bigger = new CacheEntry[slots.length * 2];
    for (CacheEntry e : slots) {
      if (e != null) {
        insert(bigger, e);
      }
    }
    slots = bigger;
  }

  private void insert(CacheEntry[] table, CacheEntry entry) {
    int mask = table.length - 1;
    int i = home(entry.lo(kind), mask);
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    table[i] = entry;
  }

  private static int home(long lo, int mask) {
    return (int) (lo ^ (lo >>> 32)) & mask;
  }
}
