package com.reviewpipeline.claude.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CircuitBreakersTest {

  final AtomicLong now = new AtomicLong(1_000);
  final List<String> signals = new ArrayList<>();
  final CircuitBreakers breakers = new CircuitBreakers(3, 30_000, now::get, new CircuitBreakers.Listener() {
    @Override
    public void opened(String pipeline, String model, String error) {
      signals.add("opened " + pipeline + " " + model + " " + error);
    }

    @Override
    public void closed(String pipeline, String model) {
      signals.add("closed " + pipeline + " " + model);
    }
  });

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
    assertThat(signals).containsExactly("opened p m 404");
    assertThat(breakers.lastOpenedAt("p", "m")).isEqualTo(1_000);
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
    assertThat(signals).as("nothing opened, nothing to resume").isEmpty();
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
    assertThat(signals).containsExactly("opened p m x", "closed p m");
  }

  @Test
  @DisplayName("an open circuit nobody probes for a whole probe period after one was due closes by itself, so a pipeline cannot stay paused with nothing held")
  void unprobedCircuitCloses() {
    breakers.failure("p", "m", "a", "x");
    breakers.failure("p", "m", "b", "x");
    breakers.failure("p", "m", "c", "x");
    now.addAndGet(59_999);
    assertThat(breakers.closeUnprobed()).isEmpty();
    now.addAndGet(1);
    assertThat(breakers.closeUnprobed()).singleElement().satisfies(pm -> assertThat(pm).containsExactly("p", "m"));
    assertThat(breakers.isOpen("p", "m")).isFalse();
    assertThat(signals).containsExactly("opened p m x", "closed p m");
  }
}
