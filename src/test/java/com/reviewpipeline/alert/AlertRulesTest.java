package com.reviewpipeline.alert;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AlertRulesTest {

  final AlertRules rules = new AlertRules();

  @Test
  @DisplayName("a condition fires once when breached and resolves once when it clears, whatever the checks in between")
  void firesAndResolvesOnce() {
    assertThat(rules.observe("dlq_backlog", false, "warning", "3 open")).isEmpty();
    AlertRules.Change fired = rules.observe("dlq_backlog", true, "warning", "60 open").orElseThrow();
    assertThat(fired.firing()).isTrue();
    assertThat(fired.slack().getString("text")).isEqualTo(":rotating_light: [WARNING] dlq_backlog: 60 open");
    assertThat(fired.slack().getJsonObject("alert").getString("status")).isEqualTo("firing");
    assertThat(rules.observe("dlq_backlog", true, "warning", "70 open")).as("still breached: nothing new").isEmpty();
    AlertRules.Change resolved = rules.observe("dlq_backlog", false, "warning", "2 open").orElseThrow();
    assertThat(resolved.slack().getString("text")).startsWith(":white_check_mark: [RESOLVED] dlq_backlog");
    assertThat(rules.observe("dlq_backlog", false, "warning", "1 open")).isEmpty();
  }

  @Test
  @DisplayName("a sustained condition fires only after breaching for its whole for_ms, and says how long")
  void sustainedWaitsForItsDuration() {
    String msg = "consumer group g is 900 events behind (over 500)";
    assertThat(rules.observeSustained("lag_warning:g", true, 60_000, 1_000, "warning", msg)).isEmpty();
    assertThat(rules.observeSustained("lag_warning:g", true, 60_000, 60_999, "warning", msg)).isEmpty();
    AlertRules.Change c = rules.observeSustained("lag_warning:g", true, 60_000, 61_000, "warning", msg).orElseThrow();
    assertThat(c.message()).endsWith(" for 60 s");
    AlertRules.Change back = rules.observeSustained("lag_warning:g", false, 60_000, 70_000, "warning",
        "consumer group g is 10 events behind (over 500)").orElseThrow();
    assertThat(back.firing()).isFalse();
    assertThat(back.message()).isEqualTo("consumer group g is back to 10 events behind (threshold 500)");
  }

  @Test
  @DisplayName("a breach that clears before for_ms never fires, and the clock restarts with the next breach")
  void shortBreachNeverFires() {
    assertThat(rules.observeSustained("lag_page:g", true, 10_000, 0, "page", "x is 1 (over 0)")).isEmpty();
    assertThat(rules.observeSustained("lag_page:g", false, 10_000, 5_000, "page", "x is 0 (over 0)")).isEmpty();
    assertThat(rules.observeSustained("lag_page:g", true, 10_000, 12_000, "page", "x is 1 (over 0)")).isEmpty();
    assertThat(rules.observeSustained("lag_page:g", true, 10_000, 22_000, "page", "x is 1 (over 0)")).isPresent();
  }

  @Test
  @DisplayName("handing service conditions to another member forgets them silently; node conditions stay")
  void forgetServiceConditions() {
    rules.observe("dlq_backlog", true, "warning", "m");
    rules.observe("routing_drift:p:deep", true, "warning", "m");
    rules.observe("circuit_open:p:m", true, "critical", "m");
    rules.forgetServiceConditions();
    assertThat(rules.firing("dlq_backlog")).isFalse();
    assertThat(rules.firing("routing_drift:p:deep")).isFalse();
    assertThat(rules.firing("circuit_open:p:m")).isTrue();
    assertThat(rules.observe("dlq_backlog", true, "warning", "m")).as("fires again after taking over").isPresent();
  }
}
