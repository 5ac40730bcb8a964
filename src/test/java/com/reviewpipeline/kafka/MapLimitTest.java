package com.reviewpipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MapLimitTest {

  @Test
  @DisplayName("a map over the limit is refused (the commit carries no metadata), one within it is kept")
  void overLimitRefused() {
    TreeSet<Long> alternating = new TreeSet<>();
    for (long o = 1; o < 40_000; o += 2) {
      alternating.add(o);
    }
    String big = OffsetMapCodec.encode(OffsetMapCodecTest.mapOf(0, alternating));
    MapLimit limit = new MapLimit(OffsetMapCodec.BROKER_DEFAULT_MAX_BYTES);
    assertThat(big.length()).isGreaterThan(4096);
    assertThat(limit.admissible(big)).isEmpty();
    String small = OffsetMapCodec.encode(OffsetMapCodecTest.mapOf(0, new TreeSet<>(Set.of(5L, 9L))));
    assertThat(limit.admissible(small)).isEqualTo(small);
  }

  @Test
  @DisplayName("a partition pauses when its map reaches 75% of the limit and resumes at 50%, once each")
  void pausesNearTheLimit() {
    MapLimit limit = new MapLimit(4000);
    assertThat(limit.after(1, 2999)).isEqualTo(MapLimit.Action.NOTHING);
    assertThat(limit.after(1, 3000)).isEqualTo(MapLimit.Action.PAUSE);
    assertThat(limit.holds(1)).isTrue();
    assertThat(limit.after(1, 4100)).as("already paused").isEqualTo(MapLimit.Action.NOTHING);
    assertThat(limit.after(2, 100)).as("other partitions unaffected").isEqualTo(MapLimit.Action.NOTHING);
    assertThat(limit.after(1, 2001)).isEqualTo(MapLimit.Action.NOTHING);
    assertThat(limit.after(1, 2000)).isEqualTo(MapLimit.Action.RESUME);
    assertThat(limit.holds(1)).isFalse();
    limit.after(3, 3500);
    limit.forget(Set.of(3));
    assertThat(limit.holds(3)).as("revoked partitions are forgotten").isFalse();
  }
}
