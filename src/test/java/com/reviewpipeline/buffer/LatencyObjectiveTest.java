package com.reviewpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.RouteRule;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LatencyObjectiveTest {

  static final BufferConfig OBJECTIVE = new BufferConfig(20, 3000, 15000, 10_000, 250);
  static final CascadeConfig CASCADE = new CascadeConfig(true, "fast", "balanced", true, 0.7, List.of());

  static java.util.function.Function<String, OptionalLong> p99(Map<String, Long> byTier) {
    return t -> byTier.containsKey(t) ? OptionalLong.of(byTier.get(t)) : OptionalLong.empty();
  }

  @Test
  @DisplayName("without an objective every event waits max_wait_ms, escalated or not, measured or not")
  void noObjective() {
    LatencyObjective.Wait w = LatencyObjective.of(new BufferConfig(20, 3000, 15000), CASCADE, "fast",
        p99(Map.of("fast", 100L, "balanced", 100L)));
    assertThat(w.ordinaryMs()).isEqualTo(3000);
    assertThat(w.escalatedMs()).isEqualTo(3000);
    assertThat(w.basis()).isEqualTo(LatencyObjective.Basis.NO_OBJECTIVE);
  }

  @Test
  @DisplayName("a tier off the cascade waits the objective less its model's p99 and a tenth of the objective")
  void plainTier() {
    LatencyObjective.Wait w = LatencyObjective.of(OBJECTIVE, CASCADE, "balanced", p99(Map.of("balanced", 2_000L)));
    assertThat(w.downstreamMs()).hasValue(2_000 + 1_000);
    assertThat(w.ordinaryMs()).isEqualTo(7_000);
    assertThat(w.escalatedMs()).isEqualTo(250);
    assertThat(w.basis()).isEqualTo(LatencyObjective.Basis.OBJECTIVE);
  }

  @Test
  @DisplayName("the cascade's first tier also leaves room for the escalation wait and the escalation tier's call")
  void cascadeFirstTier() {
    LatencyObjective.Wait w = LatencyObjective.of(OBJECTIVE, CASCADE, "fast",
        p99(Map.of("fast", 1_500L, "balanced", 2_000L)));
    assertThat(w.downstreamMs()).hasValue(1_500 + 250 + 2_000 + 1_000);
    assertThat(w.ordinaryMs()).isEqualTo(5_250);
    assertThat(w.escalationP99Ms()).hasValue(2_000);
  }

  @Test
  @DisplayName("an escalation rule naming a slower tier bounds the second call by that tier")
  void slowestEscalationTier() {
    CascadeConfig rules = new CascadeConfig(true, "fast", "balanced", true, 0.7, List.of(
        new CascadeConfig.EscalationRule("deep", new RouteRule("deep", null, null, null, null, null, null),
            new JsonObject())));
    LatencyObjective.Wait w = LatencyObjective.of(OBJECTIVE, rules, "fast",
        p99(Map.of("fast", 1_000L, "balanced", 2_000L, "deep", 4_000L)));
    assertThat(w.ordinaryMs()).isEqualTo(10_000 - (1_000 + 250 + 4_000 + 1_000));
  }

  @Test
  @DisplayName("until every model it depends on is measured, the wait is max_wait_ms (escalated ones still short)")
  void floorUntilMeasured() {
    LatencyObjective.Wait w = LatencyObjective.of(OBJECTIVE, CASCADE, "fast", p99(Map.of("fast", 1_000L)));
    assertThat(w.ordinaryMs()).isEqualTo(3000);
    assertThat(w.escalatedMs()).isEqualTo(250);
    assertThat(w.basis()).isEqualTo(LatencyObjective.Basis.NOT_MEASURED);
  }

  @Test
  @DisplayName("a slow API leaves less than max_wait_ms: the wait stays at max_wait_ms")
  void floorWhenSlow() {
    LatencyObjective.Wait w = LatencyObjective.of(OBJECTIVE, CASCADE, "balanced", p99(Map.of("balanced", 8_000L)));
    assertThat(w.ordinaryMs()).isEqualTo(3000);
    assertThat(w.basis()).isEqualTo(LatencyObjective.Basis.FLOOR);
  }

  @Test
  @DisplayName("an instant API never takes the wait to the objective: the margin stays")
  void capped() {
    LatencyObjective.Wait w = LatencyObjective.of(OBJECTIVE, CASCADE, "balanced", p99(Map.of("balanced", 0L)));
    assertThat(w.ordinaryMs()).isEqualTo(9_000).isLessThanOrEqualTo(OBJECTIVE.latencyObjectiveMs());
  }

  @Test
  @DisplayName("an escalated event never waits longer than an ordinary one")
  void escalatedNotLonger() {
    BufferConfig shortFloor = new BufferConfig(20, 100, 15000, 1_000, 400);
    LatencyObjective.Wait w = LatencyObjective.of(shortFloor, CASCADE, "balanced", p99(Map.of("balanced", 700L)));
    assertThat(w.ordinaryMs()).isEqualTo(200);
    assertThat(w.escalatedMs()).isEqualTo(200);
  }
}
