package com.reviewpipeline.claude;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {

  final AtomicLong now = new AtomicLong(1_000);
  final CircuitBreakers breakers = new CircuitBreakers(3, 30_000, now::get);

  @Test
  @DisplayName("opens after three batches of different content fail, not after one batch failing three times")
  void opensOnDistinctContent() {
    assertThat(breakers.failure("p", "m", "a+20", "404")).isFalse();
    assertThat(breakers.failure("p", "m", "a+20", "404")).as("a retry of the same batch").isFalse();
    assertThat(breakers.failure("p", "m", "a+20", "404")).isFalse();
    assertThat(breakers.isOpen("p", "m")).isFalse();
    assertThat(breakers.failure("p", "m", "b+20", "404")).isFalse();
    assertThat(breakers.failure("p", "m", "c+20", "404")).as("the third distinct batch opens it").isTrue();
    assertThat(breakers.isOpen("p", "m")).isTrue();
    assertThat(breakers.failure("p", "m", "d+20", "404")).as("opens once").isFalse();
    assertThat(breakers.isOpen("p", "other-model")).isFalse();
    assertThat(breakers.isOpen("other-pipeline", "m")).isFalse();
  }

  @Test
  @DisplayName("a success between failures clears them: the failures were the batches', not the pipeline's")
  void successClears() {
    breakers.failure("p", "m", "a", "400");
    breakers.failure("p", "m", "b", "400");
    assertThat(breakers.success("p", "m")).isEqualTo(CircuitBreakers.Success.CLEARED);
    assertThat(breakers.failure("p", "m", "c", "400")).isFalse();
    assertThat(breakers.success("p", "m")).isEqualTo(CircuitBreakers.Success.CLEARED);
    assertThat(breakers.success("p", "m")).isEqualTo(CircuitBreakers.Success.NOTHING);
  }

  @Test
  @DisplayName("while open, one probe every probe_ms; a failed probe waits another period; a success closes the circuit")
  void probes() {
    breakers.failure("p", "m", "a", "x");
    breakers.failure("p", "m", "b", "x");
    breakers.failure("p", "m", "c", "x");
    assertThat(breakers.tryProbe("p", "m")).as("not before probe_ms").isFalse();
    now.addAndGet(30_000);
    assertThat(breakers.tryProbe("p", "m")).isTrue();
    assertThat(breakers.tryProbe("p", "m")).as("one probe at a time").isFalse();
    breakers.probeFailed("p", "m");
    now.addAndGet(29_999);
    assertThat(breakers.tryProbe("p", "m")).isFalse();
    now.addAndGet(1);
    assertThat(breakers.tryProbe("p", "m")).isTrue();
    assertThat(breakers.success("p", "m")).isEqualTo(CircuitBreakers.Success.CLOSED);
    assertThat(breakers.isOpen("p", "m")).isFalse();
    assertThat(breakers.describe().getJsonObject(0).getString("state")).isEqualTo("closed");
    assertThat(breakers.describe().getJsonObject(0).getLong("times_opened")).isEqualTo(1L);
  }
}
