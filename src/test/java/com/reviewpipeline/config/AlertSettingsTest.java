package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AlertSettingsTest {

  static AlertSettings drift(long windowMs, long perHour) {
    return AlertSettings.fromJson(new JsonObject().put("routing_drift", new JsonObject().put("window_ms", windowMs)
        .put("min_events_per_hour", perHour)));
  }

  @Test
  @DisplayName("the drift window's minimum sample is the hourly minimum scaled to the window, rounded up, at least 1")
  void minimumSampleScalesWithTheWindow() {
    assertThat(drift(3_600_000, 200).driftMinEvents()).isEqualTo(200);
    assertThat(drift(360_000, 200).driftMinEvents()).isEqualTo(20);
    assertThat(drift(86_400_000, 200).driftMinEvents()).isEqualTo(4_800);
    assertThat(drift(45_000, 200).driftMinEvents()).as("2.5 rounded up").isEqualTo(3);
    assertThat(drift(1_000, 200).driftMinEvents()).isEqualTo(1);
    assertThat(drift(6_000, 30_000).driftMinEvents()).isEqualTo(50);
  }

  @Test
  @DisplayName("the backlog's and drift's for_ms is for_checks check intervals; the shipped default is two checks and a 90% resolve margin")
  void holdAndMargin() {
    AlertSettings shipped = AlertSettings.fromJson(new JsonObject());
    assertThat(shipped.forChecks()).isEqualTo(2);
    assertThat(shipped.forMs()).isEqualTo(2 * shipped.checkIntervalMs());
    assertThat(shipped.resolveMargin()).isEqualTo(0.9);
    assertThat(AlertSettings.fromJson(new JsonObject().put("check_interval_ms", 300).put("for_checks", 3)).forMs())
        .isEqualTo(900);
  }

  @Test
  @DisplayName("a resolve margin outside (0, 1] or a negative for_checks refuses the start")
  void refusesNonsense() {
    assertThatThrownBy(() -> AlertSettings.fromJson(new JsonObject().put("resolve_margin", 1.1)))
        .hasMessageContaining("alerts.resolve_margin");
    assertThatThrownBy(() -> AlertSettings.fromJson(new JsonObject().put("resolve_margin", 0)))
        .hasMessageContaining("alerts.resolve_margin");
    assertThatThrownBy(() -> AlertSettings.fromJson(new JsonObject().put("for_checks", -1)))
        .hasMessageContaining("alerts.for_checks");
  }
}
