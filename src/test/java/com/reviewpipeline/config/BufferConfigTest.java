package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The buffer keys' defaults and the latency objective's validation. */
class BufferConfigTest {

  @Test
  @DisplayName("an entry without the objective keys has the objective off and the declared escalation wait")
  void defaults() {
    BufferConfig b = BufferConfig.fromJson(new JsonObject().put("max_wait_ms", 500));
    assertThat(b.latencyObjectiveMs()).isZero();
    assertThat(b.hasObjective()).isFalse();
    assertThat(b.escalationWaitMs()).isEqualTo(250);
    assertThat(new BufferConfig(20, 500, 15000)).as("the three-trigger constructor is the same").isEqualTo(b);
  }

  @Test
  @DisplayName("the objective keys are read and written back (a run-time retune keeps them)")
  void roundTrip() {
    BufferConfig b = BufferConfig.fromJson(new JsonObject().put("latency_objective_ms", 10_000)
        .put("escalation_wait_ms", 400));
    assertThat(b.hasObjective()).isTrue();
    assertThat(BufferConfig.fromJson(b.toJson())).isEqualTo(b);
  }

  @Test
  @DisplayName("negative values, an objective below max_wait_ms and an escalation wait above the objective are refused")
  void refused() {
    assertThatThrownBy(() -> new BufferConfig(20, 3000, 15000, -1, 250))
        .hasMessageContaining("buffer.latency_objective_ms must be 0 (off)").hasMessageContaining("-1");
    assertThatThrownBy(() -> new BufferConfig(20, 3000, 15000, 10_000, -5))
        .hasMessageContaining("buffer.escalation_wait_ms must be between 1 and 600000, got -5");
    assertThatThrownBy(() -> new BufferConfig(20, 3000, 15000, 2_000, 250))
        .hasMessageContaining("latency_objective_ms (2000)").hasMessageContaining("max_wait_ms (3000)");
    assertThatThrownBy(() -> new BufferConfig(20, 3000, 15000, 5_000, 6_000))
        .hasMessageContaining("buffer.escalation_wait_ms (6000) must not exceed buffer.latency_objective_ms (5000)");
    assertThat(new BufferConfig(20, 3000, 15000, 0, 6_000).hasObjective())
        .as("without an objective the escalation wait is not compared with it").isFalse();
  }

  @Test
  @DisplayName("the shipped pipelines have a 10 s objective and a 250 ms escalation wait")
  void shipped() {
    for (Object o : Declaration.shipped().getJsonArray("pipelines")) {
      BufferConfig b = BufferConfig.fromJson(((JsonObject) o).getJsonObject("buffer"));
      assertThat(b.latencyObjectiveMs()).isEqualTo(10_000);
      assertThat(b.escalationWaitMs()).isEqualTo(250);
    }
  }
}
