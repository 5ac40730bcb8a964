package com.reviewpipeline.kafka;

import java.util.Arrays;

/**
 * Which offsets of one partition are done above its committed offset, as alternating runs: {@code runs[0]} offsets
 * not done starting at {@code base} (the committed offset, never done, so at least 1), then {@code runs[1]} done, then
 * not done, and so on. The map covers {@code [base, end())}; offsets from {@code end()} on are unknown (not done).
 * Immutable; what {@link OffsetMapCodec} writes into and reads from a commit's metadata.
 */
public final class OffsetMap {

  private final long base;
  private final long[] runs;
  /** bounds[k]: the first offset after run k. */
  private final long[] bounds;

  /**
   * @param runs alternating not-done/done run lengths, each at least 1
   * @throws IllegalArgumentException when a run is not positive
   */
  public OffsetMap(long base, long[] runs) {
    this.base = base;
    this.runs = runs.clone();
    this.bounds = new long[runs.length];
    long at = base;
    for (int k = 0; k < runs.length; k++) {
      if (runs[k] <= 0) {
        throw new IllegalArgumentException("run " + k + " is " + runs[k] + "; every run covers at least one offset");
      }
      at += runs[k];
      bounds[k] = at;
    }
  }

  public long base() {
    return base;
  }

  /** The first offset after the map. */
  public long end() {
    return runs.length == 0 ? base : bounds[runs.length - 1];
  }

  long[] runs() {
    return runs.clone();
  }

  int runCount() {
    return runs.length;
  }

  long run(int k) {
    return runs[k];
  }

  /** Whether the map says {@code offset} is done (false outside the map). */
  public boolean isDone(long offset) {
    if (offset < base || offset >= end()) {
      return false;
    }
    int k = Arrays.binarySearch(bounds, offset);
    // an exact hit is the first offset of run k+1; a miss gives the run whose bound lies above the offset
    int run = k >= 0 ? k + 1 : -k - 1;
    return run % 2 == 1;
  }

  /** The first offset at or after {@code offset} that the map does not say is done. */
  public long firstNotDone(long offset) {
    if (!isDone(offset)) {
      return offset;
    }
    int k = Arrays.binarySearch(bounds, offset);
    return bounds[k >= 0 ? k + 1 : -k - 1];
  }

  /** How many offsets the map says are done. */
  public long doneCount() {
    long n = 0;
    for (int k = 1; k < runs.length; k += 2) {
      n += runs[k];
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OffsetMap m && m.base == base && Arrays.equals(m.runs, runs);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(base) * 31 + Arrays.hashCode(runs);
  }

  @Override
  public String toString() {
    return "OffsetMap[base=" + base + ", end=" + end() + ", done=" + doneCount() + ", runs=" + runs.length + "]";
  }
}
