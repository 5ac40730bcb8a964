package com.reviewpipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class OffsetMapCodecTest {

  /** A map of the given done offsets above {@code base} (base itself is never done). */
  static OffsetMap mapOf(long base, TreeSet<Long> done) {
    List<Long> runs = new ArrayList<>();
    long cursor = base;
    for (long d : done) {
      if (d == cursor && !runs.isEmpty() && runs.size() % 2 == 0) {
        runs.set(runs.size() - 1, runs.get(runs.size() - 1) + 1);
      } else {
        runs.add(d - cursor);
        runs.add(1L);
      }
      cursor = d + 1;
    }
    return new OffsetMap(base, runs.stream().mapToLong(Long::longValue).toArray());
  }

  private static TreeSet<Long> randomDone(Random random, long base, int span) {
    TreeSet<Long> done = new TreeSet<>();
    // a mix of densities: sparse, dense, long runs of done, alternating
    double density = random.nextDouble();
    int style = random.nextInt(3);
    for (long o = base + 1; o < base + span; o++) {
      boolean isDone = switch (style) {
        case 0 -> random.nextDouble() < density;
        case 1 -> (o - base) % (2 + random.nextInt(3)) != 0;
        default -> (o - base) / 50 % 2 == 1;
      };
      if (isDone) {
        done.add(o);
      }
    }
    return done;
  }

  @RepeatedTest(200)
  @DisplayName("random done-sets round-trip: every offset decodes as done exactly when it was done")
  void randomDoneSetsRoundTrip(RepetitionInfo info) {
    Random random = new Random(info.getCurrentRepetition() * 104729L);
    long base = random.nextInt(4) == 0 ? random.nextLong() >>> 2 : random.nextInt(1_000_000);
    int span = 2 + random.nextInt(random.nextBoolean() ? 100 : 20_000);
    TreeSet<Long> done = randomDone(random, base, span);
    if (done.isEmpty()) {
      done.add(base + span - 1);
    }
    OffsetMap map = mapOf(base, done);
    String metadata = OffsetMapCodec.encode(map);
    assertThat(metadata).startsWith(OffsetMapCodec.PREFIX);
    OffsetMapCodec.Decoded decoded = OffsetMapCodec.decode(metadata, base, map.end());
    assertThat(decoded).isInstanceOf(OffsetMapCodec.Decoded.Map.class);
    OffsetMap back = ((OffsetMapCodec.Decoded.Map) decoded).map();
    assertThat(back).isEqualTo(map);
    for (long o = base - 2; o < base + span + 2; o++) {
      assertThat(back.isDone(o)).as("offset %d", o).isEqualTo(done.contains(o));
    }
    assertThat(back.doneCount()).isEqualTo(done.size());
  }

  @Test
  @DisplayName("the shorter encoding wins: a few long runs are run-length, interleaved offsets are a bitset")
  void shorterEncodingWins() {
    TreeSet<Long> longRuns = new TreeSet<>();
    for (long o = 1; o < 100_000; o++) {
      longRuns.add(o);
    }
    TreeSet<Long> alternating = new TreeSet<>();
    for (long o = 1; o < 4000; o += 2) {
      alternating.add(o);
    }
    assertThat(encodingOf(OffsetMapCodec.encode(mapOf(0, longRuns)))).isEqualTo(OffsetMapCodec.RUN_LENGTH);
    assertThat(OffsetMapCodec.encode(mapOf(0, longRuns)).length()).as("100,000 done offsets in one run").isLessThan(30);
    String bitset = OffsetMapCodec.encode(mapOf(0, alternating));
    assertThat(encodingOf(bitset)).isEqualTo(OffsetMapCodec.BITSET);
    assertThat(bitset.length()).as("4,000 alternating offsets: 500 bytes of bits, base64").isLessThan(700);
  }

  private static byte encodingOf(String metadata) {
    return Base64.getUrlDecoder().decode(metadata.substring(OffsetMapCodec.PREFIX.length()))[1];
  }

  @Test
  @DisplayName("nothing done above the committed offset is no metadata at all")
  void nothingDoneIsEmpty() {
    assertThat(OffsetMapCodec.encode(new OffsetMap(42, new long[0]))).isEmpty();
    assertThat(OffsetMapCodec.decode("", 42, 100)).isInstanceOf(OffsetMapCodec.Decoded.None.class);
    assertThat(OffsetMapCodec.decode(null, 42, 100)).isInstanceOf(OffsetMapCodec.Decoded.None.class);
  }

  @Test
  @DisplayName("foreign metadata (another tool's, Parallel Consumer's) is ignored, never read as a map")
  void foreignMetadataIgnored() {
    for (String foreign : List.of("some-other-tool", "AQAAAAEAAAAB", "{\"owner\":\"x\"}", "rpo", "rpo:", "rpo:!!!")) {
      assertThat(OffsetMapCodec.decode(foreign, 10, 1000)).as(foreign).isInstanceOf(OffsetMapCodec.Decoded.Ignored.class);
    }
  }

  @RepeatedTest(100)
  @DisplayName("a damaged map (any one character changed) is ignored, so no record is skipped on its word")
  void corruptMapIgnored(RepetitionInfo info) {
    Random random = new Random(info.getCurrentRepetition());
    TreeSet<Long> done = randomDone(random, 500, 300);
    done.add(700L);
    String metadata = OffsetMapCodec.encode(mapOf(500, done));
    int at = OffsetMapCodec.PREFIX.length() + random.nextInt(metadata.length() - OffsetMapCodec.PREFIX.length());
    char replacement = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(random.nextInt(64));
    if (replacement == metadata.charAt(at)) {
      replacement = replacement == 'A' ? 'B' : 'A';
    }
    String damaged = metadata.substring(0, at) + replacement + metadata.substring(at + 1);
    assertThat(OffsetMapCodec.decode(damaged, 500, 10_000)).isInstanceOf(OffsetMapCodec.Decoded.Ignored.class);
  }

  @Test
  @DisplayName("a map written for another committed offset (the group was reset) or reaching past the log end (the topic was recreated) is ignored")
  void implausibleMapIgnored() {
    TreeSet<Long> done = new TreeSet<>(List.of(101L, 102L, 150L));
    String metadata = OffsetMapCodec.encode(mapOf(100, done));
    assertThat(OffsetMapCodec.decode(metadata, 100, 151)).isInstanceOf(OffsetMapCodec.Decoded.Map.class);
    assertThat(OffsetMapCodec.decode(metadata, 90, 151)).isInstanceOf(OffsetMapCodec.Decoded.Ignored.class);
    assertThat(((OffsetMapCodec.Decoded.Ignored) OffsetMapCodec.decode(metadata, 100, 120)).reason())
        .contains("partition ends at 120");
  }
}
