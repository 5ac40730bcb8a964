package com.reviewpipeline.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-partition bookkeeping for commit-on-done. Offsets are handed out in increasing order per partition and finish
 * in any order. A commit carries the partition's first offset not yet done (Kafka's "next offset to read") and, in
 * its metadata, an {@link OffsetMap} of the offsets done above it, so that the next owner (after a crash, a
 * rebalance, a scale change) skips them instead of judging, and billing, them again. A map loaded from the committed
 * metadata at assignment says which records to skip, and is carried into the next commits until they pass it.
 *
 * <p>Not thread-safe: one consumer owns one tracker and uses it from its event loop only.
 */
public final class OffsetTracker {

  /** What one partition's commit sends: the offset and the metadata with the done offsets above it. */
  public record Commit(long offset, String metadata) {}

  private static final class PartitionState {
    final TreeSet<Long> pending = new TreeSet<>();
    long nextToHandOut = -1;
    /** The done offsets the last owner committed; null once commits have passed it. */
    OffsetMap loaded;
    Commit lastCommitted;
    int lastMetadataLength;
  }

  private final Map<Integer, PartitionState> partitions = new HashMap<>();
  private int inFlight;
  private long skipped;

  private PartitionState state(int partition) {
    return partitions.computeIfAbsent(partition, p -> new PartitionState());
  }

  /** The done offsets the partition's last commit recorded: records in it are skipped, not handed out. */
  public void load(int partition, OffsetMap map) {
    state(partition).loaded = map;
  }

  /**
   * True when the loaded map says {@code offset} was done by a previous owner: the record is skipped (counted as read
   * and done) and must not be handed out.
   */
  public boolean skipIfDone(int partition, long offset) {
    PartitionState state = partitions.get(partition);
    // below the loaded commit's offset is done too: the consumer may have fetched its position from an older commit
    // (a revoked owner's last commit landing between the two reads) and read from there
    if (state == null || state.loaded == null
        || (offset >= state.loaded.base() && !state.loaded.isDone(offset))) {
      return false;
    }
    state.nextToHandOut = Math.max(state.nextToHandOut, offset + 1);
    skipped++;
    return true;
  }

  /** Records that {@code offset} of {@code partition} was handed out and is now in flight. */
  public void handOut(int partition, long offset) {
    PartitionState state = state(partition);
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

  /**
   * The consumer's position passed offsets that hold no record for us (transaction markers and aborted records of a
   * transactional topic, read {@code read_committed}): when every record up to {@code lastReturned}, the last one the
   * consumer returned, is handed out and done, the commit moves to {@code position}, as a consumer committing its
   * position would, so that a drained partition's committed offset reaches the log end.
   */
  public void readPast(int partition, long lastReturned, long position) {
    PartitionState state = partitions.get(partition);
    if (state == null || state.loaded != null || !state.pending.isEmpty() || state.nextToHandOut != lastReturned + 1) {
      return;
    }
    state.nextToHandOut = Math.max(state.nextToHandOut, position);
  }

  /** The offset to commit for a partition (first not yet done), or -1 when nothing was handed out. */
  public long committable(int partition) {
    PartitionState state = partitions.get(partition);
    return state == null ? -1 : committable(state);
  }

  private static long committable(PartitionState state) {
    if (state.nextToHandOut < 0) {
      return -1;
    }
    long first = state.pending.isEmpty() ? state.nextToHandOut : state.pending.first();
    if (state.loaded != null) {
      // never behind the commit the partition was loaded with: what lies below it is done
      first = Math.max(first, state.loaded.base());
      if (first >= state.loaded.end() && first > state.loaded.base()) {
        state.loaded = null; // every offset the last owner recorded is behind us
      } else if (first >= state.nextToHandOut) {
        first = state.loaded.firstNotDone(first); // done before, not read again yet
      }
    }
    return first;
  }

  /** The commit for one partition: its first offset not done and the map of what is done above it. */
  public Commit commitFor(int partition) {
    PartitionState state = partitions.get(partition);
    long offset = state == null ? -1 : committable(state);
    if (offset < 0) {
      return null;
    }
    Runs runs = new Runs(offset);
    for (long p : state.pending) {
      runs.notDone(p, p + 1);
    }
    if (state.loaded != null && state.loaded.end() > state.nextToHandOut) {
      // not read again yet: what the last owner recorded still holds
      long at = state.loaded.base();
      long[] loadedRuns = state.loaded.runs();
      for (int k = 0; k < loadedRuns.length; k++) {
        long from = Math.max(at, Math.max(state.nextToHandOut, offset));
        long to = at + loadedRuns[k];
        if (k % 2 == 0 && from < to) {
          runs.notDone(from, to);
        }
        at = to;
      }
      runs.end(state.loaded.end());
    } else {
      runs.end(state.nextToHandOut);
    }
    String metadata = OffsetMapCodec.encode(runs.map());
    state.lastMetadataLength = metadata.length();
    return new Commit(offset, metadata);
  }

  /** Builds alternating not-done/done runs from not-done intervals given in increasing order. */
  private static final class Runs {
    final long base;
    final List<Long> runs = new ArrayList<>();
    long cursor;

    Runs(long base) {
      this.base = base;
      this.cursor = base;
    }

    void notDone(long from, long to) {
      if (from > cursor) {
        if (runs.isEmpty()) {
          throw new IllegalStateException("offset " + base + " is committable, so it is not done");
        }
        runs.add(from - cursor);
        runs.add(to - from);
      } else if (runs.size() % 2 == 1) {
        runs.set(runs.size() - 1, runs.get(runs.size() - 1) + (to - Math.max(from, cursor)));
      } else {
        runs.add(to - from);
      }
      cursor = Math.max(cursor, to);
    }

    void end(long end) {
      if (end > cursor && !runs.isEmpty()) {
        runs.add(end - cursor);
        cursor = end;
      }
    }

    OffsetMap map() {
      List<Long> trimmed = runs.size() % 2 == 1 ? runs.subList(0, runs.size() - 1) : runs;
      return new OffsetMap(base, trimmed.stream().mapToLong(Long::longValue).toArray());
    }
  }

  /** Partitions whose commit (offset or map) changed since the last {@link #markCommitted}: what a commit sends. */
  public Map<Integer, Commit> changedSinceCommit() {
    Map<Integer, Commit> changed = new HashMap<>();
    for (Integer partition : partitions.keySet()) {
      Commit c = commitFor(partition);
      if (c != null && !c.equals(partitions.get(partition).lastCommitted)) {
        changed.put(partition, c);
      }
    }
    return changed;
  }

  public void markCommitted(Map<Integer, Commit> committed) {
    committed.forEach((partition, commit) -> {
      PartitionState state = partitions.get(partition);
      if (state != null) {
        state.lastCommitted = commit;
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

  /** The length of the partition's last encoded map (0 when none). */
  public int metadataLength(int partition) {
    PartitionState state = partitions.get(partition);
    return state == null ? 0 : state.lastMetadataLength;
  }

  /** Records skipped because a previous owner's map said they were done. */
  public long skipped() {
    return skipped;
  }

  public Set<Integer> partitions() {
    return Set.copyOf(partitions.keySet());
  }
}
