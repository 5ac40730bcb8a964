package com.reviewpipeline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  @DisplayName("without jitter the wait doubles from the initial delay and stops at the cap")
  void doublesUpToTheCap() {
    Backoff b = new Backoff(400, 30_000, 0);
    assertThat(b.delayMs(1)).isEqualTo(400);
    assertThat(b.delayMs(2)).isEqualTo(800);
    assertThat(b.delayMs(7)).isEqualTo(25_600);
    assertThat(b.delayMs(8)).isEqualTo(30_000);
    assertThat(b.delayMs(1_000)).as("no overflow for a huge attempt number").isEqualTo(30_000);
    assertThat(b.delayMs(0)).as("attempt 0 counts as the first").isEqualTo(400);
  }

  @Test
  @DisplayName("jitter only shortens, by at most its share")
  void jitterShortensWithinItsShare() {
    Backoff b = new Backoff(1_000, 60_000, 0.25);
    for (int i = 0; i < 1_000; i++) {
      assertThat(b.delayMs(3)).isBetween(3_000L, 4_000L);
    }
  }

  @Test
  @DisplayName("an impossible configuration is refused")
  void refusesNonsense() {
    assertThatThrownBy(() -> new Backoff(500, 100, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(100, 500, 1.0)).isInstanceOf(IllegalArgumentException.class);
  }
}
