package com.reviewpipeline.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-partition bookkeeping for commit-on-done. Offsets are handed out in increasing order per
 * partition and finish in any order; the committable offset of a partition is the first offset
 * that is not yet done (Kafka's "next offset to read"), so a commit never passes unfinished work.
 *
 * <p>Not thread-safe: one ingest verticle owns one tracker and uses it from its event loop only.
 */
public final class OffsetTracker {

  private static final class PartitionState {
    final TreeSet<Long> pending = new TreeSet<>();
    long nextToHandOut = -1;
    long lastCommitted = -1;
    /** The last committed offset, or the first offset handed out before any commit. */
    long floor = -1;
  }

  private final Map<Integer, PartitionState> partitions = new HashMap<>();
  private int inFlight;

  /** Records that {@code offset} of {@code partition} was handed out and is now in flight. */
  public void handOut(int partition, long offset) {
    PartitionState state = partitions.computeIfAbsent(partition, p -> new PartitionState());
    if (state.floor < 0) {
      state.floor = offset;
    }
    if (state.pending.add(offset)) {
      inFlight++;
    }
    state.nextToHandOut = Math.max(state.nextToHandOut, offset + 1);
  }

  /** Marks an offset done; returns false when it is unknown (already done, or its partition was revoked). */
  public boolean done(int partition, long offset) {
    PartitionState state = partitions.get(partition);
    if (state == null || !state.pending.remove(offset)) {
      return false;
    }
    inFlight--;
    return true;
  }

  /** The offset to commit for a partition (first not yet done), or -1 when nothing was handed out. */
  public long committable(int partition) {
    PartitionState state = partitions.get(partition);
    if (state == null || state.nextToHandOut < 0) {
      return -1;
    }
    return state.pending.isEmpty() ? state.nextToHandOut : state.pending.first();
  }

  /** Committable offsets that moved since the last {@link #markCommitted}: what a commit should send. */
  public Map<Integer, Long> changedSinceCommit() {
    Map<Integer, Long> changed = new HashMap<>();
    partitions.forEach((partition, state) -> {
      long c = committable(partition);
      if (c >= 0 && c != state.lastCommitted) {
        changed.put(partition, c);
      }
    });
    return changed;
  }

  public void markCommitted(Map<Integer, Long> committed) {
    committed.forEach((partition, offset) -> {
      PartitionState state = partitions.get(partition);
      if (state != null) {
        state.lastCommitted = Math.max(state.lastCommitted, offset);
        state.floor = Math.max(state.floor, state.lastCommitted);
      }
    });
  }

  /** Forgets revoked partitions: their pending offsets will be read again by the next owner. */
  public void revoke(Set<Integer> revoked) {
    for (Integer partition : revoked) {
      PartitionState state = partitions.remove(partition);
      if (state != null) {
        inFlight -= state.pending.size();
      }
    }
  }

  /** Offsets handed out and not yet done: events held in memory somewhere in the pipeline. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * Offsets read since the last commit, done or not: what a crash right now would make the next
   * owner read again. Backpressure bounds this window, so it bounds both memory and the duplicates
   * a {@code kill -9} can cause.
   */
  public long uncommitted() {
    long total = 0;
    for (PartitionState state : partitions.values()) {
      if (state.nextToHandOut >= 0) {
        total += state.nextToHandOut - state.floor;
      }
    }
    return total;
  }

  public Set<Integer> partitions() {
    return Set.copyOf(partitions.keySet());
  }
}
