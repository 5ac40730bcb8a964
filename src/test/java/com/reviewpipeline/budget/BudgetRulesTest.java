package com.reviewpipeline.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.budget.BudgetRules.Change;
import com.reviewpipeline.budget.BudgetRules.Kind;
import com.reviewpipeline.config.BudgetSettings;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The budget rules on a fake clock: warning once per day, the action at 100%, day rollover, a raise lifting it. */
class BudgetRulesTest {

  static final String MOD = "review-moderator";
  static final String ANA = "review-analyzer";

  /** A clock the test moves. */
  static final class FakeClock extends Clock {
    Instant now = Instant.parse("2026-11-30T22:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final FakeClock clock = new FakeClock();

  static BudgetSettings settings(JsonObject budget) {
    return BudgetSettings.fromJson(budget, List.of(MOD, ANA));
  }

  BudgetRules rules(JsonObject budget) {
    return new BudgetRules(settings(budget), List.of(MOD, ANA), clock);
  }

  static Map<String, Double> spend(double mod, double ana) {
    return Map.of(MOD, mod, ANA, ana);
  }

  static List<Kind> kinds(List<Change> changes) {
    return changes.stream().map(Change::kind).toList();
  }

  @Test
  @DisplayName("the warning goes out once per budget and day, however often the spend is checked above the share")
  void warningOncePerDay() {
    BudgetRules r = rules(new JsonObject().put("pipelines", new JsonObject().put(MOD, new JsonObject().put("daily_usd", 10))));
    assertThat(r.evaluate(spend(7.9, 0), Map.of())).isEmpty();
    List<Change> warned = r.evaluate(spend(8.0, 0), Map.of());
    assertThat(warned).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Kind.WARNING);
      assertThat(c.scope()).isEqualTo(MOD);
      assertThat(c.spendUsd()).isEqualTo(8.0);
      assertThat(c.limitUsd()).isEqualTo(10.0);
    });
    assertThat(r.evaluate(spend(8.5, 0), Map.of())).isEmpty();
    assertThat(r.evaluate(spend(9.9, 0), Map.of())).isEmpty();
    assertThat(r.actions()).isEmpty();
  }

  @Test
  @DisplayName("at 100% the budget's action starts once and holds while the spend stays at or above the budget")
  void actionAtHundredPercent() {
    BudgetRules r = rules(new JsonObject().put("pipelines", new JsonObject()
        .put(MOD, new JsonObject().put("daily_usd", 10))
        .put(ANA, new JsonObject().put("daily_usd", 1).put("action", "cheaper_tier"))));
    assertThat(r.evaluate(spend(9.99, 0.5), Map.of())).extracting(Change::kind).containsExactly(Kind.WARNING);
    List<Change> reached = r.evaluate(spend(10.0, 1.2), Map.of());
    assertThat(reached).extracting(Change::scope, Change::kind, Change::action).containsExactly(
        org.assertj.core.groups.Tuple.tuple(MOD, Kind.REACHED, "pause"),
        org.assertj.core.groups.Tuple.tuple(ANA, Kind.WARNING, "cheaper_tier"),
        org.assertj.core.groups.Tuple.tuple(ANA, Kind.REACHED, "cheaper_tier"));
    assertThat(r.actions()).isEqualTo(Map.of(MOD, "pause", ANA, "cheaper_tier"));
    assertThat(r.evaluate(spend(12, 3), Map.of())).as("reached already: nothing new").isEmpty();
    assertThat(r.actions()).isEqualTo(Map.of(MOD, "pause", ANA, "cheaper_tier"));
  }

  @Test
  @DisplayName("the total budget sums every pipeline and acts on all of them; pause wins over cheaper_tier")
  void totalActsOnEveryPipeline() {
    BudgetRules r = rules(new JsonObject().put("daily_usd_total", 5).put("action", "pause")
        .put("pipelines", new JsonObject().put(ANA, new JsonObject().put("daily_usd", 1).put("action", "cheaper_tier"))));
    assertThat(kinds(r.evaluate(spend(2, 1.5), Map.of()))).containsExactly(Kind.WARNING, Kind.REACHED);
    assertThat(r.actions()).isEqualTo(Map.of(ANA, "cheaper_tier"));
    List<Change> total = r.evaluate(spend(3.6, 1.5), Map.of());
    assertThat(total).extracting(Change::scope, Change::kind).containsExactly(
        org.assertj.core.groups.Tuple.tuple("total", Kind.WARNING), org.assertj.core.groups.Tuple.tuple("total", Kind.REACHED));
    assertThat(total.get(1).spendUsd()).isEqualTo(5.1);
    assertThat(r.actions()).isEqualTo(Map.of(MOD, "pause", ANA, "pause"));
  }

  @Test
  @DisplayName("when the UTC day changes every action is lifted and the warnings re-arm; the new day warns again")
  void dayRollover() {
    BudgetRules r = rules(new JsonObject().put("pipelines", new JsonObject().put(MOD, new JsonObject().put("daily_usd", 10))));
    assertThat(r.today()).hasToString("2026-11-30");
    assertThat(kinds(r.evaluate(spend(11, 0), Map.of()))).containsExactly(Kind.WARNING, Kind.REACHED);
    clock.advance(Duration.ofMinutes(119));
    assertThat(r.evaluate(spend(11, 0), Map.of())).as("23:59 UTC: still the same day").isEmpty();
    assertThat(r.actions()).containsEntry(MOD, "pause");
    clock.advance(Duration.ofMinutes(1));
    assertThat(r.today()).hasToString("2026-12-01");
    // the new day's counters start at zero
    List<Change> rolled = r.evaluate(spend(0, 0), Map.of());
    assertThat(rolled).extracting(Change::kind).containsExactly(Kind.LIFTED, Kind.WARNING_CLEARED);
    assertThat(rolled.get(0).why()).contains("2026-12-01");
    assertThat(r.actions()).isEmpty();
    assertThat(kinds(r.evaluate(spend(8, 0), Map.of()))).containsExactly(Kind.WARNING);
  }

  @Test
  @DisplayName("raising a reached budget above the spend lifts its action; raised below the spend it holds; removing it lifts it")
  void raiseLiftsTheAction() {
    BudgetRules r = rules(new JsonObject().put("pipelines", new JsonObject().put(MOD, new JsonObject().put("daily_usd", 1))));
    assertThat(kinds(r.evaluate(spend(1.5, 0), Map.of()))).containsExactly(Kind.WARNING, Kind.REACHED);
    assertThat(r.evaluate(spend(1.5, 0), Map.of(MOD, 1.4))).as("raised, still below the spend").isEmpty();
    assertThat(r.actions()).containsEntry(MOD, "pause");
    List<Change> lifted = r.evaluate(spend(1.5, 0), Map.of(MOD, 10.0));
    assertThat(lifted).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo(Kind.LIFTED);
      assertThat(c.why()).contains("raised to $10.0000");
    });
    assertThat(r.actions()).isEmpty();
    assertThat(r.evaluate(spend(9, 0), Map.of(MOD, 10.0))).as("warned once today already").isEmpty();
    assertThat(kinds(r.evaluate(spend(10, 0), Map.of(MOD, 10.0)))).as("the raised budget reached").containsExactly(Kind.REACHED);
    assertThat(kinds(r.evaluate(spend(10, 0), Map.of(MOD, 0.0)))).as("budget removed").containsExactly(Kind.LIFTED);
    assertThat(r.actions()).isEmpty();
  }

  @Test
  @DisplayName("no budget configured: nothing ever fires, whatever the spend")
  void noBudgetNoAction() {
    BudgetRules r = rules(new JsonObject());
    assertThat(r.evaluate(spend(1e6, 1e6), Map.of())).isEmpty();
    assertThat(r.actions()).isEmpty();
    assertThat(r.status(spend(1, 2), Map.of())).extracting(BudgetRules.Status::scope).containsExactly("total", MOD, ANA);
  }

  @Test
  @DisplayName("enforced before spending: a request its pause budget cannot cover is not sent and the action starts at the next check, below 100% spent; raising the budget lifts it")
  void admissionBeforeSpending() {
    BudgetRules r = rules(new JsonObject().put("pipelines", new JsonObject()
        .put(MOD, new JsonObject().put("daily_usd", 0.02))
        .put(ANA, new JsonObject().put("daily_usd", 0.02).put("action", "cheaper_tier"))));
    assertThat(r.anyBudget(Map.of())).isTrue();
    // booked and reserved, this request's estimate included
    assertThat(r.admit(MOD, spend(0.019, 0), Map.of())).isEqualTo(new BudgetRules.Admission(true, List.of()));
    BudgetRules.Admission refused = r.admit(MOD, spend(0.0205, 0), Map.of());
    assertThat(refused.send()).isFalse();
    assertThat(refused.exceeded()).containsExactly(MOD);
    // the analyzer's action keeps judging, more cheaply: its request goes, the action starts all the same
    assertThat(r.admit(ANA, spend(0, 0.021), Map.of())).isEqualTo(new BudgetRules.Admission(true, List.of(ANA)));
    // the spend booked is below both budgets (the refused request was released): reached anyway
    Map<String, Double> exhausted = Map.of(MOD, 0.02, ANA, 0.02);
    List<Change> now = r.evaluate(spend(0.0195, 0.0199), Map.of(), exhausted);
    assertThat(now).filteredOn(c -> c.kind() == Kind.REACHED).extracting(Change::scope).containsExactlyInAnyOrder(MOD, ANA);
    assertThat(kinds(now)).as("each budget's warning before its action").containsExactly(Kind.WARNING, Kind.REACHED,
        Kind.WARNING, Kind.REACHED);
    assertThat(r.actions()).isEqualTo(Map.of(MOD, "pause", ANA, "cheaper_tier"));
    assertThat(r.evaluate(spend(0.0195, 0.0199), Map.of(MOD, 0.02), exhausted)).as("the same budget: still reached")
        .isEmpty();
    assertThat(r.evaluate(spend(0.0195, 0.0199), Map.of(MOD, 0.05), exhausted)).extracting(Change::scope, Change::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(MOD, Kind.LIFTED));
    assertThat(rules(new JsonObject()).anyBudget(Map.of())).isFalse();
    assertThat(rules(new JsonObject()).anyBudget(Map.of("total", 1.0))).isTrue();
  }

  @Test
  @DisplayName("the total budget is checked too, and a new day lifts the action")
  void totalAndNewDay() {
    BudgetRules r = rules(new JsonObject().put("daily_usd_total", 0.03));
    assertThat(r.admit(MOD, spend(0.02, 0.011), Map.of())).isEqualTo(new BudgetRules.Admission(false, List.of("total")));
    r.evaluate(spend(0.02, 0.0), Map.of(), Map.of("total", 0.03));
    assertThat(r.actions()).isEqualTo(Map.of(MOD, "pause", ANA, "pause"));
    clock.advance(Duration.ofHours(3));
    assertThat(kinds(r.evaluate(spend(0, 0), Map.of()))).contains(Kind.LIFTED);
    assertThat(r.actions()).isEmpty();
  }
}
