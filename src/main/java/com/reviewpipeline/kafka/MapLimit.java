package com.reviewpipeline.kafka;

import java.util.HashSet;
import java.util.Set;

/**
 * The broker's limit on a commit's metadata ({@code offset.metadata.max.bytes}, 4096 by default), applied to offset
 * maps. A commit whose metadata is longer is refused whole by the broker, so a map over the limit is left out of the
 * commit (the offset still moves; the done offsets above it would be read again after a crash). Before a map gets
 * there its partition pauses: at {@link #PAUSE_SHARE} of the limit it stops reading (the map only grows with records
 * read), and it resumes at {@link #RESUME_SHARE}, as its in-flight records finish and the map shrinks. Not
 * thread-safe: one consumer owns it.
 */
final class MapLimit {

  /** What to do with one partition after a commit. */
  enum Action { PAUSE, RESUME, NOTHING }

  /**
   * Pause share: between two commits a map grows by at most the records read meanwhile (a poll or two), so a
   * quarter of the limit is headroom; Confluent's Parallel Consumer uses the same 75%.
   */
  static final double PAUSE_SHARE = 0.75;
  /** Resume share: lower than the pause share so one finished record does not flip the partition back and forth. */
  static final double RESUME_SHARE = 0.5;

  private final int maxBytes;
  private final Set<Integer> full = new HashSet<>();

  MapLimit(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The metadata to commit: the map when it fits, else nothing. */
  String admissible(String metadata) {
    return metadata.length() <= maxBytes ? metadata : "";
  }

  /** After a commit whose map for {@code partition} was {@code length} characters long. */
  Action after(int partition, int length) {
    if (length >= maxBytes * PAUSE_SHARE && full.add(partition)) {
      return Action.PAUSE;
    }
    if (length <= maxBytes * RESUME_SHARE && full.remove(partition)) {
      return Action.RESUME;
    }
    return Action.NOTHING;
  }

  /** Whether the partition is paused for its map. */
  boolean holds(int partition) {
    return full.contains(partition);
  }

  /** Forgets partitions that are no longer ours. */
  void forget(Set<Integer> partitions) {
    full.removeAll(partitions);
  }

  int maxBytes() {
    return maxBytes;
  }
}
