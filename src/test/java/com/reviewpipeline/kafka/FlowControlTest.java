package com.reviewpipeline.kafka;

import static com.reviewpipeline.kafka.FlowControl.Action.NOTHING;
import static com.reviewpipeline.kafka.FlowControl.Action.PAUSE;
import static com.reviewpipeline.kafka.FlowControl.Action.RESUME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FlowControlTest {

  final FlowControl flow = new FlowControl(100, 60);

  @Test
  @DisplayName("backpressure pauses once at the high watermark and resumes once at the low one")
  void watermarks() {
    assertThat(flow.afterRead(99)).isEqualTo(NOTHING);
    assertThat(flow.afterRead(100)).isEqualTo(PAUSE);
    assertThat(flow.afterRead(150)).as("already paused").isEqualTo(NOTHING);
    assertThat(flow.paused()).isTrue();
    assertThat(flow.afterDone(61)).isEqualTo(NOTHING);
    assertThat(flow.afterDone(60)).isEqualTo(RESUME);
    assertThat(flow.afterDone(0)).isEqualTo(NOTHING);
    assertThat(flow.paused()).isFalse();
  }

  @Test
  @DisplayName("a consumer resumes only when the last pause reason is lifted, and not while backpressure holds it")
  void reasonsAndBackpressureCombine() {
    assertThat(flow.pause("admin")).isEqualTo(PAUSE);
    assertThat(flow.pause("spend_limit")).as("already paused").isEqualTo(NOTHING);
    assertThat(flow.pause("admin")).as("same reason twice").isEqualTo(NOTHING);
    assertThat(flow.resume("admin")).as("spend limit still holds it").isEqualTo(NOTHING);
    assertThat(flow.reasons()).containsExactly("spend_limit");
    assertThat(flow.afterRead(100)).isEqualTo(PAUSE);
    assertThat(flow.resume("spend_limit")).as("backpressure still holds it").isEqualTo(NOTHING);
    assertThat(flow.afterDone(10)).isEqualTo(RESUME);
    assertThat(flow.resume("never-set")).isEqualTo(NOTHING);
  }

  @Test
  @DisplayName("backpressure ending while a reason holds the consumer does not resume it")
  void backpressureEndsUnderAReason() {
    flow.afterRead(100);
    flow.pause("admin");
    assertThat(flow.afterDone(0)).isEqualTo(NOTHING);
    assertThat(flow.backpressure()).isFalse();
    assertThat(flow.resume("admin")).isEqualTo(RESUME);
  }

  @Test
  @DisplayName("once stopping nothing resumes the consumer and new partitions start paused")
  void stopping() {
    flow.afterRead(100);
    flow.stopping();
    assertThat(flow.afterDone(0)).isEqualTo(NOTHING);
    assertThat(flow.paused()).isTrue();
    FlowControl other = new FlowControl(10, 5);
    other.pause("admin");
    other.stopping();
    assertThat(other.resume("admin")).isEqualTo(NOTHING);
  }

  @Test
  @DisplayName("a low watermark at or above the high one is refused")
  void badWatermarks() {
    assertThatThrownBy(() -> new FlowControl(10, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
