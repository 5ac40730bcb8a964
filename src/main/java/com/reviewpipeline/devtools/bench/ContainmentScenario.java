package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.devtools.simulator.VerdictHeuristic;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scenario 6, containment: what prompt-injection containment costs and what it prevents, with the cost scenario's
 * machinery on review-moderator's defaults. Two mixes of the same size: the standard mix, and the standard mix with
 * every fifth review replaced by an ordinary review carrying an instruction about the batch
 * ({@link ReviewGenerator#nextInjected()}). Each with containment off and on; against a model that obeys such
 * instructions (the simulator's {@code obey_injections}), and, for the batch cost, one that does not. Figures only.
 */
final class ContainmentScenario {

  private static final VerdictHeuristic HEURISTIC = new VerdictHeuristic();
  private static final JsonObject OBEYS = new JsonObject().put("obey_injections", true);

  private final CostRun runs;

  ContainmentScenario(BenchStack bench) {
    this.runs = new CostRun(bench);
  }

  /**
   * One set-up's figures: cost, the share contained, the benign reviews flagged, and the verdicts of the contained
   * reviews by event id (to compare a grouping of suspects with judging each alone).
   */
  private record Figures(CostRun.Outcome cost, int contained, int benign, int benignFlagged,
      Map<String, JsonObject> containedVerdicts) {
    JsonObject toJson() {
      return cost.toJson().put("contained", contained)
          .put("contained_share", BenchFigures.round((double) contained / cost.events(), 4))
          .put("benign", benign).put("benign_flagged", benignFlagged);
    }

    /**
     * Contamination of a grouping against judging alone ({@code alone}): suspects whose verdict differs from the one
     * they got alone, and of those the ones that are not crafted (an ordinary review the detector suspected, misled by
     * a crafted one of its group).
     */
    JsonObject contamination(Figures alone, Set<String> injected) {
      int compared = 0;
      int changed = 0;
      int innocentChanged = 0;
      int innocent = 0;
      for (Map.Entry<String, JsonObject> e : containedVerdicts.entrySet()) {
        JsonObject before = alone.containedVerdicts().get(e.getKey());
        if (before == null) {
          continue;
        }
        compared++;
        boolean crafted = injected.contains(e.getKey());
        innocent += crafted ? 0 : 1;
        if (!sameJudgement(before, e.getValue())) {
          changed++;
          innocentChanged += crafted ? 0 : 1;
        }
      }
      return new JsonObject().put("suspects_compared", compared).put("verdicts_changed", changed)
          .put("changed_share", compared == 0 ? null : BenchFigures.round((double) changed / compared, 4))
          .put("suspects_not_crafted", innocent).put("not_crafted_changed", innocentChanged);
    }
  }

  /** The same flags and sentiment (the reason and confidence may differ between requests). */
  private static boolean sameJudgement(JsonObject a, JsonObject b) {
    for (String f : List.of("is_spam", "is_abusive", "is_fake", "sentiment")) {
      if (!java.util.Objects.equals(a.getValue(f), b.getValue(f))) {
        return false;
      }
    }
    return true;
  }

  /** @param n events in each mix */
  JsonObject run(int n) throws Exception {
    List<ReviewEvent> standard = new ArrayList<>();
    List<ReviewEvent> injectedMix = new ArrayList<>();
    Set<String> injected = new HashSet<>();
    ReviewGenerator plain = new ReviewGenerator(2026);
    ReviewGenerator mixed = new ReviewGenerator(2026);
    for (int i = 0; i < n; i++) {
      standard.add(plain.next());
      ReviewEvent e = i % 5 == 4 ? mixed.nextInjected() : mixed.next();
      if (i % 5 == 4) {
        injected.add(e.eventId());
      }
      injectedMix.add(e);
    }
    List<String> off = List.of("containment.enabled=false");
    Figures a = figures("(a) standard mix, containment off", standard, off, OBEYS, Set.of());
    Figures b = figures("(b) standard mix, containment on (suspects alone)", standard, List.of(), OBEYS, Set.of());
    Figures c = figures("(c) a fifth injected, containment off, model not obeying", injectedMix, off, new JsonObject(),
        injected);
    Figures d = figures("(d) a fifth injected, containment off, model obeying", injectedMix, off, OBEYS, injected);
    Figures e = figures("(e) a fifth injected, containment on (suspects alone)", injectedMix, List.of(), OBEYS, injected);
    Figures f = figures("(f) a fifth injected, containment on, suspects in groups of 5", injectedMix,
        List.of("containment.max_batch_size=5"), OBEYS, injected);
    Figures g = figures("(g) a fifth injected, containment on, suspects in groups of 20", injectedMix,
        List.of("containment.max_batch_size=20"), OBEYS, injected);
    System.out.printf("%-66s %9s %9s %10s %16s%n", "set-up (review-moderator defaults)", "$/1000", "requests", "contained",
        "benign flagged");
    for (Figures x : List.of(a, b, c, d, e, f, g)) {
      System.out.printf("%-66s %9.4f %9d %9.1f%% %9d of %4d%n", x.cost().name(), x.cost().usdPer1000(), x.cost().requests(),
          100.0 * x.contained() / x.cost().events(), x.benignFlagged(), x.benign());
    }
    double standardRatio = b.cost().usdPer1000() / a.cost().usdPer1000();
    double injectedRatio = e.cost().usdPer1000() / c.cost().usdPer1000();
    System.out.printf("RESULT containment: standard mix %.2f%% contained, cost x%.3f; a fifth injected: cost x%.3f of the batch"
        + " cost, benign flagged %d (off: %d)%n", 100.0 * b.contained() / n, standardRatio, injectedRatio, e.benignFlagged(),
        d.benignFlagged());
    JsonObject groupsOf5 = f.contamination(e, injected);
    JsonObject groupsOf20 = g.contamination(e, injected);
    System.out.printf("RESULT suspects grouped, against each judged alone by the obeying model: groups of 5 $%.4f/1000,"
        + " %d of %d suspects' verdicts changed (%d of %d not crafted); groups of 20 $%.4f/1000, %d of %d changed (%d of %d"
        + " not crafted); alone $%.4f/1000%n", f.cost().usdPer1000(), groupsOf5.getInteger("verdicts_changed"),
        groupsOf5.getInteger("suspects_compared"), groupsOf5.getInteger("not_crafted_changed"),
        groupsOf5.getInteger("suspects_not_crafted"), g.cost().usdPer1000(), groupsOf20.getInteger("verdicts_changed"),
        groupsOf20.getInteger("suspects_compared"), groupsOf20.getInteger("not_crafted_changed"),
        groupsOf20.getInteger("suspects_not_crafted"), e.cost().usdPer1000());
    return new JsonObject().put("events", n)
        .put("a", a.toJson()).put("b", b.toJson()).put("c", c.toJson()).put("d", d.toJson()).put("e", e.toJson())
        .put("f", f.toJson().put("contamination", groupsOf5))
        .put("g", g.toJson().put("contamination", groupsOf20))
        .put("standard_cost_ratio_b_a", BenchFigures.round(standardRatio, 3))
        .put("injected_cost_ratio_e_c", BenchFigures.round(injectedRatio, 3))
        .put("usage", "simulated, as in the cost scenario; benign: not injected and not flagged by the simulator's judge"
            + " on its own");
  }

  private Figures figures(String name, List<ReviewEvent> mix, List<String> sets, JsonObject knobs, Set<String> injected)
      throws Exception {
    CostRun.Judged j = runs.judged(name, mix, p -> p, false, sets, knobs);
    int contained = 0;
    int benign = 0;
    int benignFlagged = 0;
    Map<String, JsonObject> containedVerdicts = new HashMap<>();
    for (EventResult r : j.results()) {
      ReviewEvent e = r.event().event();
      contained += r.event().contained() ? 1 : 0;
      if (r.event().contained()) {
        containedVerdicts.put(e.eventId(), r.verdict());
      }
      if (!injected.contains(e.eventId()) && !HEURISTIC.isSpam(e.reviewText()) && !HEURISTIC.isAbusive(e.reviewText())
          && !HEURISTIC.isFake(e.reviewText(), e.rating())) {
        benign++;
        benignFlagged += j.pipeline().flags(r.verdict()) ? 1 : 0;
      }
    }
    return new Figures(j.outcome(), contained, benign, benignFlagged, containedVerdicts);
  }
}
