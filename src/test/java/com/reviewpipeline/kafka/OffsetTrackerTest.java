package com.reviewpipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  @Test
  @DisplayName("commits only up to the first offset not done when a later batch finishes first")
  void outOfOrderAcks() {
    OffsetTracker t = new OffsetTracker();
    for (long o = 10; o < 20; o++) {
      t.handOut(0, o);
    }
    for (long o = 15; o < 20; o++) {
      t.done(0, o);
    }
    assertThat(t.committable(0)).isEqualTo(10);
    for (long o = 10; o < 15; o++) {
      t.done(0, o);
    }
    assertThat(t.committable(0)).isEqualTo(20);
    assertThat(t.inFlight()).isZero();
  }

  @Test
  @DisplayName("the uncommitted window counts offsets read since the last commit, done or not, and shrinks only on commit or revoke")
  void uncommittedWindow() {
    OffsetTracker t = new OffsetTracker();
    for (long o = 100; o < 110; o++) {
      t.handOut(0, o);
    }
    for (long o = 0; o < 5; o++) {
      t.handOut(1, o);
    }
    assertThat(t.uncommitted()).isEqualTo(15);
    for (long o = 100; o < 108; o++) {
      t.done(0, o);
    }
    assertThat(t.inFlight()).isEqualTo(7);
    assertThat(t.uncommitted()).as("done but not committed still counts").isEqualTo(15);
    t.markCommitted(t.changedSinceCommit());
    assertThat(t.uncommitted()).as("partition 0 committed at 108, partition 1 unchanged").isEqualTo(2 + 5);
    t.revoke(Set.of(1));
    assertThat(t.uncommitted()).isEqualTo(2);
    t.done(0, 108);
    t.done(0, 109);
    t.markCommitted(t.changedSinceCommit());
    assertThat(t.uncommitted()).isZero();
  }

  @Test
  @DisplayName("reports only partitions whose committable offset moved since the last commit")
  void changedSinceCommit() {
    OffsetTracker t = new OffsetTracker();
    t.handOut(0, 0);
    t.handOut(1, 0);
    t.done(0, 0);
    Map<Integer, Long> first = t.changedSinceCommit();
    assertThat(first).containsEntry(0, 1L).containsEntry(1, 0L);
    t.markCommitted(first);
    assertThat(t.changedSinceCommit()).isEmpty();
    t.done(1, 0);
    assertThat(t.changedSinceCommit()).containsOnly(Map.entry(1, 1L));
  }

  @Test
  @DisplayName("revoking a partition forgets its in-flight offsets and ignores their late acks")
  void revoke() {
    OffsetTracker t = new OffsetTracker();
    t.handOut(3, 7);
    t.handOut(4, 1);
    t.revoke(Set.of(3));
    assertThat(t.inFlight()).isEqualTo(1);
    assertThat(t.done(3, 7)).isFalse();
    assertThat(t.committable(3)).isEqualTo(-1);
    assertThat(t.partitions()).containsExactly(4);
  }

  @RepeatedTest(50)
  @DisplayName("random interleavings across partitions never commit past an unfinished offset and end fully committed")
  void randomInterleavings(RepetitionInfo info) {
    Random random = new Random(info.getCurrentRepetition() * 7919L);
    OffsetTracker t = new OffsetTracker();
    int partitions = 1 + random.nextInt(6);
    Map<Integer, Long> next = new HashMap<>();
    List<long[]> outstanding = new ArrayList<>();
    Map<Integer, Set<Long>> notDone = new HashMap<>();
    int events = 200 + random.nextInt(800);
    for (int i = 0; i < events; i++) {
      int p = random.nextInt(partitions);
      long offset = next.merge(p, 1L + random.nextInt(2), Long::sum); // gaps: compacted or transactional offsets
      t.handOut(p, offset);
      outstanding.add(new long[] {p, offset});
      notDone.computeIfAbsent(p, k -> new HashSet<>()).add(offset);
      // acks come back in random groups, like batches that mix partitions and finish out of order
      if (random.nextInt(4) == 0) {
        Collections.shuffle(outstanding, random);
        int n = random.nextInt(outstanding.size() + 1);
        for (int k = 0; k < n; k++) {
          long[] done = outstanding.remove(outstanding.size() - 1);
          t.done((int) done[0], done[1]);
          notDone.get((int) done[0]).remove(done[1]);
        }
      }
      for (int q : t.partitions()) {
        long c = t.committable(q);
        long firstNotDone = notDone.get(q).stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        assertThat(c).as("committable of partition %d", q).isLessThanOrEqualTo(firstNotDone);
      }
    }
    Collections.shuffle(outstanding, random);
    for (long[] done : outstanding) {
      t.done((int) done[0], done[1]);
    }
    assertThat(t.inFlight()).isZero();
    for (int q : t.partitions()) {
      assertThat(t.committable(q)).isEqualTo(next.get(q) + 1);
    }
  }
}
