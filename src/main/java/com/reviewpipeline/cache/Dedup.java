package com.reviewpipeline.cache;

import java.util.Arrays;

/**
 * A lossy intern table: a value equal to one seen recently in its slot comes back as that one, so the cache's entries
 * share one copy of each frequent verdict (an unflagged moderator verdict is one of a few hundred) and of the model,
 * tier and batch id of a call; any other value takes the slot. Bounded ({@link #SLOTS} references, and the values
 * they hold), never wrong, only sometimes not shared. Not thread-safe: the cache calls it under its lock.
 */
final class Dedup {

  /** A power of two; enough for the verdicts of a mix to meet their twins, small beside the cache it serves. */
  static final int SLOTS = 4096;

  private final byte[][] arrays = new byte[SLOTS][];
  private final String[] strings = new String[SLOTS];

  /** {@code b}, or an equal array seen before; {@code shared[0]} tells which. */
  byte[] of(byte[] b, boolean[] shared) {
    int i = Arrays.hashCode(b) & (SLOTS - 1);
    byte[] seen = arrays[i];
    shared[0] = Arrays.equals(seen, b);
    if (shared[0]) {
      return seen;
    }
    arrays[i] = b;
    return b;
  }

  /** {@code s}, or an equal string seen before; {@code shared[0]} tells which. */
  String of(String s, boolean[] shared) {
    if (s == null) {
      shared[0] = true;
      return null;
    }
    int i = s.hashCode() & (SLOTS - 1);
    String seen = strings[i];
    shared[0] = s.equals(seen);
    if (shared[0]) {
      return seen;
    }
    strings[i] = s;
    return s;
  }

  /** The two tables' own heap (not the values they hold). */
  static long bytes() {
    return 2 * (16 + 4L * SLOTS);
  }
}
