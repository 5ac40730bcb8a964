package com.reviewpipeline.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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

  /** The message the checks send, reduced to what the tests look at. */
  static final AlertRules.Message MSG = (firing, held) -> (firing ? "over" : "back") + " for " + AlertRules.span(held);

  @Test
  @DisplayName("a level fires only after it was over its bound for its whole for_ms, and says how long")
  void levelWaitsForItsDuration() {
    assertThat(rules.observeLevel("lag_warning:g", 900, 500, 0.9, 60_000, 1_000, "warning", MSG)).isEmpty();
    assertThat(rules.observeLevel("lag_warning:g", 900, 500, 0.9, 60_000, 60_999, "warning", MSG)).isEmpty();
    AlertRules.Change c = rules.observeLevel("lag_warning:g", 900, 500, 0.9, 60_000, 61_000, "warning", MSG)
        .orElseThrow();
    assertThat(c.firing()).isTrue();
    assertThat(c.message()).isEqualTo("over for 1 min");
  }

  @Test
  @DisplayName("a breach that falls to the resolve margin before for_ms never fires, and the clock restarts with the next breach")
  void shortBreachNeverFires() {
    assertThat(rules.observeLevel("lag_page:g", 11, 10, 0.9, 10_000, 0, "page", MSG)).isEmpty();
    assertThat(rules.observeLevel("lag_page:g", 9, 10, 0.9, 10_000, 5_000, "page", MSG)).isEmpty();
    assertThat(rules.observeLevel("lag_page:g", 11, 10, 0.9, 10_000, 12_000, "page", MSG)).isEmpty();
    assertThat(rules.observeLevel("lag_page:g", 11, 10, 0.9, 10_000, 21_999, "page", MSG)).isEmpty();
    assertThat(rules.observeLevel("lag_page:g", 11, 10, 0.9, 10_000, 22_000, "page", MSG)).isPresent();
  }

  @Test
  @DisplayName("lag with hysteresis: between the resolve margin and the threshold it stays firing; it resolves once, after for_ms at or below the margin")
  void lagResolvesBelowItsMargin() {
    long forMs = 20_000;
    assertThat(rules.observeLevel("lag_warning:g", 600, 500, 0.9, forMs, 0, "warning", MSG)).isEmpty();
    assertThat(rules.observeLevel("lag_warning:g", 600, 500, 0.9, forMs, 20_000, "warning", MSG)).isPresent();
    for (long t = 30_000; t <= 300_000; t += 10_000) {
      assertThat(rules.observeLevel("lag_warning:g", 480, 500, 0.9, forMs, t, "warning", MSG))
          .as("480 is under 500 but over 450: still firing at %d", t).isEmpty();
    }
    assertThat(rules.observeLevel("lag_warning:g", 440, 500, 0.9, forMs, 310_000, "warning", MSG)).isEmpty();
    assertThat(rules.observeLevel("lag_warning:g", 460, 500, 0.9, forMs, 320_000, "warning", MSG))
        .as("back over the margin: the wait restarts").isEmpty();
    assertThat(rules.observeLevel("lag_warning:g", 450, 500, 0.9, forMs, 330_000, "warning", MSG)).isEmpty();
    assertThat(rules.observeLevel("lag_warning:g", 440, 500, 0.9, forMs, 340_000, "warning", MSG)).isEmpty();
    AlertRules.Change back = rules.observeLevel("lag_warning:g", 10, 500, 0.9, forMs, 350_000, "warning", MSG)
        .orElseThrow();
    assertThat(back.firing()).isFalse();
    assertThat(back.message()).isEqualTo("back for 20 s");
    assertThat(rules.observeLevel("lag_warning:g", 10, 500, 0.9, forMs, 400_000, "warning", MSG)).isEmpty();
  }

  @Test
  @DisplayName("the manual-review backlog with hysteresis: a backlog moving around its threshold fires once and resolves once; a threshold of 0 still resolves at 0")
  void backlogWithHysteresis() {
    List<Boolean> changes = new ArrayList<>();
    long[] open = {51, 49, 52, 48, 55, 47, 46, 51, 45, 44, 45, 30, 20};
    for (int i = 0; i < open.length; i++) {
      rules.observeLevel("dlq_backlog", open[i], 50, 0.9, 20_000, i * 10_000L, "warning", MSG)
          .ifPresent(c -> changes.add(c.firing()));
    }
    assertThat(changes).containsExactly(true, false);
    assertThat(rules.observeLevel("x", 1, 0, 0.9, 0, 0, "warning", MSG)).isPresent();
    assertThat(rules.observeLevel("x", 0, 0, 0.9, 0, 10, "warning", MSG)).hasValueSatisfying(c ->
        assertThat(c.firing()).isFalse());
  }

  @Test
  @DisplayName("nothing to measure (NaN) neither fires a pending breach nor resolves a firing one")
  void nothingToMeasure() {
    rules.observeLevel("routing_drift:p:deep", 0.2, 0.1, 0.9, 0, 0, "warning", MSG);
    assertThat(rules.firing("routing_drift:p:deep")).isTrue();
    for (long t = 10_000; t < 1_000_000; t += 10_000) {
      assertThat(rules.observeLevel("routing_drift:p:deep", Double.NaN, 0.1, 0.9, 0, t, "warning", MSG)).isEmpty();
    }
    assertThat(rules.firing("routing_drift:p:deep")).isTrue();
  }

  @Test
  @DisplayName("windows are named as they are: seconds under a minute (or off the minute), minutes otherwise")
  void spans() {
    assertThat(AlertRules.span(45_000)).isEqualTo("45 s");
    assertThat(AlertRules.span(3_600_000)).isEqualTo("60 min");
    assertThat(AlertRules.span(90_000)).isEqualTo("90 s");
    assertThat(AlertRules.span(120_000)).isEqualTo("2 min");
    assertThat(AlertRules.span(300)).isEqualTo("300 ms");
  }

  @Test
  @DisplayName("handing service conditions to another member forgets them silently; node conditions stay")
  void forgetServiceConditions() {
    rules.observe("dlq_backlog", true, "warning", "m");
    rules.observe("routing_drift:p:deep", true, "warning", "m");
    rules.observe("circuit_open:p:m", true, "critical", "m");
    rules.observeLevel("lag_page:g", 11, 10, 0.9, 10_000, 0, "page", MSG);
    rules.forgetServiceConditions();
    assertThat(rules.observeLevel("lag_page:g", 11, 10, 0.9, 10_000, 10_000, "page", MSG))
        .as("a breach seen before the hand-over does not count after it").isEmpty();
    assertThat(rules.firing("dlq_backlog")).isFalse();
    assertThat(rules.firing("routing_drift:p:deep")).isFalse();
    assertThat(rules.firing("circuit_open:p:m")).isTrue();
    assertThat(rules.observe("dlq_backlog", true, "warning", "m")).as("fires again after taking over").isPresent();
  }
}
