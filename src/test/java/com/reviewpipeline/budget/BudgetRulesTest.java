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
}
