package com.reviewpipeline.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApiLatencyTest {

  @Test
  @DisplayName("a model is not measured until the minimum number of calls is in its window")
  void notMeasuredBelowMinimum() {
    ApiLatency l = new ApiLatency();
    for (int i = 0; i < ApiLatency.MIN_SAMPLES - 1; i++) {
      l.record("haiku", 100);
    }
    assertThat(l.percentileMs("haiku")).isEmpty();
    assertThat(l.percentileMs("sonnet")).as("a model never called").isEmpty();
    l.record("haiku", 100);
    assertThat(l.percentileMs("haiku")).hasValue(100);
  }

  @Test
  @DisplayName("the 99th percentile of 200 calls is the third slowest (nearest rank)")
  void ninetyNinthPercentile() {
    ApiLatency l = new ApiLatency();
    for (int i = 1; i <= 200; i++) {
      l.record("haiku", i * 10L);
    }
    assertThat(l.samples("haiku")).isEqualTo(200);
    assertThat(l.percentileMs("haiku")).hasValue(1980);
  }

  @Test
  @DisplayName("the window slides: the oldest calls leave it, and the percentile follows the recent ones")
  void windowSlides() {
    ApiLatency l = new ApiLatency(10, 5);
    for (int i = 0; i < 10; i++) {
      l.record("haiku", 5_000);
    }
    assertThat(l.percentileMs("haiku")).hasValue(5_000);
    for (int i = 0; i < 10; i++) {
      l.record("haiku", 800);
    }
    assertThat(l.samples("haiku")).isEqualTo(10);
    assertThat(l.percentileMs("haiku")).as("the slow calls are out of the window").hasValue(800);
    l.record("haiku", 3_000);
    assertThat(l.percentileMs("haiku")).as("one new slow call is the p99 of ten").hasValue(3_000);
  }

  @Test
  @DisplayName("models are measured apart")
  void perModel() {
    ApiLatency l = new ApiLatency(10, 1);
    l.record("haiku", 900);
    l.record("sonnet", 2_500);
    assertThat(l.percentileMs("haiku")).isEqualTo(OptionalLong.of(900));
    assertThat(l.percentileMs("sonnet")).isEqualTo(OptionalLong.of(2_500));
  }
}
