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
import java.util.TreeSet;
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
  @DisplayName("a commit carries the first offset not done and a map of the offsets done above it")
  void commitCarriesDoneMap() {
    OffsetTracker t = new OffsetTracker();
    for (long o = 100; o < 110; o++) {
      t.handOut(0, o);
    }
    for (long o : new long[] {101, 102, 105, 106, 107, 109}) {
      t.done(0, o);
    }
    OffsetTracker.Commit c = t.commitFor(0);
    assertThat(c.offset()).isEqualTo(100);
    OffsetMap map = ((OffsetMapCodec.Decoded.Map) OffsetMapCodec.decode(c.metadata(), 100, 110)).map();
    for (long o = 100; o < 110; o++) {
      assertThat(map.isDone(o)).as("offset %d", o).isEqualTo(Set.of(101L, 102L, 105L, 106L, 107L, 109L).contains(o));
    }
    t.done(0, 100);
    t.done(0, 103);
    t.done(0, 104);
    t.done(0, 108);
    assertThat(t.commitFor(0)).isEqualTo(new OffsetTracker.Commit(110, ""));
  }

  @Test
  @DisplayName("reports only partitions whose offset or map changed since the last commit")
  void changedSinceCommit() {
    OffsetTracker t = new OffsetTracker();
    t.handOut(0, 0);
    t.handOut(1, 0);
    t.handOut(1, 1);
    t.done(0, 0);
    Map<Integer, OffsetTracker.Commit> first = t.changedSinceCommit();
    assertThat(first.get(0).offset()).isEqualTo(1L);
    assertThat(first.get(1)).isEqualTo(new OffsetTracker.Commit(0, ""));
    t.markCommitted(first);
    assertThat(t.changedSinceCommit()).isEmpty();
    t.done(1, 1);
    Map<Integer, OffsetTracker.Commit> second = t.changedSinceCommit();
    assertThat(second).as("the offset of partition 1 stays, its map changed").containsOnlyKeys(1);
    assertThat(second.get(1).offset()).isZero();
    assertThat(second.get(1).metadata()).startsWith(OffsetMapCodec.PREFIX);
  }

  @Test
  @DisplayName("a loaded map skips the records it names, carries what is not read again yet into the next commit, and is dropped once passed")
  void loadedMapSkipsAndCarries() {
    OffsetTracker t = new OffsetTracker();
    // the last owner committed 100 with 102..104 and 107..109 done
    t.load(0, OffsetMapCodecTest.mapOf(100, new TreeSet<>(List.of(102L, 103L, 104L, 107L, 108L, 109L))));
    assertThat(t.skipIfDone(0, 100)).isFalse();
    t.handOut(0, 100);
    assertThat(t.skipIfDone(0, 101)).isFalse();
    t.handOut(0, 101);
    t.done(0, 100);
    OffsetTracker.Commit c = t.commitFor(0);
    assertThat(c.offset()).isEqualTo(101);
    OffsetMap carried = ((OffsetMapCodec.Decoded.Map) OffsetMapCodec.decode(c.metadata(), 101, 200)).map();
    assertThat(carried.isDone(102)).as("done before, not read again yet").isTrue();
    assertThat(carried.isDone(105)).isFalse();
    assertThat(carried.isDone(108)).isTrue();
    t.done(0, 101);
    assertThat(t.committable(0)).as("101 done and 102..104 done before: the commit moves to 105").isEqualTo(105);
    for (long o = 102; o <= 104; o++) {
      assertThat(t.skipIfDone(0, o)).isTrue();
    }
    t.handOut(0, 105);
    t.handOut(0, 106);
    t.done(0, 105);
    t.done(0, 106);
    assertThat(t.committable(0)).isEqualTo(110);
    for (long o = 107; o <= 109; o++) {
      assertThat(t.skipIfDone(0, o)).isTrue();
    }
    assertThat(t.skipIfDone(0, 110)).isFalse();
    assertThat(t.skipped()).isEqualTo(6);
    assertThat(t.commitFor(0)).isEqualTo(new OffsetTracker.Commit(110, ""));
  }

  @Test
  @DisplayName("records below the loaded commit's offset (the consumer's position came from an older commit) are skipped as done, and the commit never moves back")
  void belowTheLoadedCommitIsDone() {
    OffsetTracker t = new OffsetTracker();
    t.load(0, new OffsetMap(120, new long[0])); // committed 120, nothing done above it
    for (long o = 100; o < 120; o++) {
      assertThat(t.skipIfDone(0, o)).as("offset %d below the commit", o).isTrue();
    }
    assertThat(t.committable(0)).as("not behind the loaded commit").isEqualTo(120);
    assertThat(t.skipIfDone(0, 120)).isFalse();
    t.handOut(0, 120);
    assertThat(t.commitFor(0)).isEqualTo(new OffsetTracker.Commit(120, ""));
    t.done(0, 120);
    assertThat(t.committable(0)).isEqualTo(121);
  }

  @RepeatedTest(100)
  @DisplayName("a crash at any point, then a new owner that loads the last commit: no done record is handed out again, every record not done is")
  void handoverNeverRepeatsDoneNeverSkipsOpen(RepetitionInfo info) {
    Random random = new Random(info.getCurrentRepetition() * 31337L);
    List<Long> log = new ArrayList<>();
    long offset = random.nextInt(1000);
    for (int i = 0; i < 300 + random.nextInt(3000); i++) {
      offset += 1 + (random.nextInt(10) == 0 ? 1 : 0); // gaps: compacted or transactional offsets
      log.add(offset);
    }
    long logEnd = offset + 1;
    Set<Long> done = new HashSet<>();
    OffsetTracker.Commit committed = null;
    OffsetMap loaded = null;
    // up to three owners in a row, each crashing at a random point
    for (int owner = 0; owner < 3; owner++) {
      OffsetTracker t = new OffsetTracker();
      if (loaded != null) {
        t.load(0, loaded);
      }
      long from = committed == null ? log.get(0) : committed.offset();
      List<Long> inFlight = new ArrayList<>();
      int crashAfter = random.nextInt(log.size());
      int read = 0;
      for (long o : log) {
        if (o < from) {
          continue;
        }
        if (read++ == crashAfter) {
          break;
        }
        if (t.skipIfDone(0, o)) {
          assertThat(done).as("skipped offset %d was done", o).contains(o);
          continue;
        }
        assertThat(done).as("offset %d handed out again though done and committed", o).doesNotContain(o);
        t.handOut(0, o);
        inFlight.add(o);
        if (random.nextInt(3) == 0) {
          Collections.shuffle(inFlight, random);
          for (int k = random.nextInt(inFlight.size() + 1); k > 0; k--) {
            long d = inFlight.remove(inFlight.size() - 1);
            t.done(0, d);
            done.add(d);
          }
        }
        if (random.nextInt(20) == 0 && t.commitFor(0) != null) {
          committed = t.commitFor(0);
          t.markCommitted(Map.of(0, committed));
          // what the crash loses: done but not committed
          Set<Long> doneAtCommit = new HashSet<>(done);
          done.clear();
          done.addAll(committedDone(committed, doneAtCommit, logEnd));
        }
      }
      // crash: anything done after the last commit counts as not done for the next owner
      if (committed != null) {
        done.retainAll(committedDone(committed, done, logEnd));
        OffsetMapCodec.Decoded d = OffsetMapCodec.decode(committed.metadata(), committed.offset(), logEnd);
        loaded = d instanceof OffsetMapCodec.Decoded.Map m ? m.map() : null;
      } else {
        done.clear(); // nothing was ever committed: the next owner reads everything again
      }
    }
    // the last owner reads everything to the end: every offset ends up handed out or skipped as done
    OffsetTracker last = new OffsetTracker();
    if (loaded != null) {
      last.load(0, loaded);
    }
    long from = committed == null ? log.get(0) : committed.offset();
    for (long o : log) {
      if (o >= from && !last.skipIfDone(0, o)) {
        last.handOut(0, o);
        last.done(0, o);
        done.add(o);
      }
    }
    assertThat(done).containsAll(log.stream().filter(o -> o >= log.get(0)).toList());
  }

  /** The offsets a commit records as done: everything below its offset, and its map above it. */
  private static Set<Long> committedDone(OffsetTracker.Commit commit, Set<Long> done, long logEnd) {
    OffsetMapCodec.Decoded d = OffsetMapCodec.decode(commit.metadata(), commit.offset(), logEnd);
    Set<Long> out = new HashSet<>();
    for (long o : done) {
      if (o < commit.offset() || (d instanceof OffsetMapCodec.Decoded.Map m && m.map().isDone(o))) {
        out.add(o);
      }
    }
    return out;
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

  @Test
  @DisplayName("read_committed: a drained partition's commit passes the transaction marker after its last record, never a record still in flight or not yet handed out")
  void commitPassesTransactionMarkersOfADrainedPartition() {
    OffsetTracker t = new OffsetTracker();
    t.handOut(0, 10);
    t.handOut(0, 11);
    // the consumer returned 10 and 11 and stands at 13: offset 12 is the transaction's commit marker
    t.readPast(0, 11, 13);
    assertThat(t.committable(0)).as("10 in flight").isEqualTo(10);
    t.done(0, 10);
    t.done(0, 11);
    t.readPast(0, 12, 14);
    assertThat(t.committable(0)).as("a record returned at 12 is not handed out yet").isEqualTo(12);
    t.readPast(0, 11, 13);
    assertThat(t.committable(0)).as("drained: past the marker, at the log end").isEqualTo(13);
    t.handOut(0, 13);
    t.readPast(0, 13, 15);
    assertThat(t.committable(0)).as("13 in flight again").isEqualTo(13);
  }
}
