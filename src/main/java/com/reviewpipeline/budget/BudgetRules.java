package com.reviewpipeline.budget;

import com.reviewpipeline.config.BudgetSettings;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The budget rules, per UTC day: a budget (the total, or a pipeline's) that reaches its warning share warns once that
 * day; one that reaches 100% starts its action, which holds until the day changes or the budget is raised above the
 * spend (or removed). A pipeline's action is the stronger of its own budget's and the total's ({@code pause} over
 * {@code cheaper_tier}). Plain class on an injected clock; not thread-safe: one verticle owns it.
 */
public final class BudgetRules {

  /** What changed: a warning, a budget reached (its action starts), an action lifted, a warning cleared (new day). */
  public enum Kind { WARNING, REACHED, LIFTED, WARNING_CLEARED }

  /** One change of one budget's state; {@code why} says why an action was lifted. */
  public record Change(Kind kind, String scope, double spendUsd, double limitUsd, String action, String why) {}

  /** One budget as it stands: its limit (0: none), today's spend and its state. */
  public record Status(String scope, double limitUsd, double spendUsd, String action, boolean warned, boolean reached) {}

  private final BudgetSettings settings;
  private final List<String> pipelines;
  private final Clock clock;
  private LocalDate day;
  private final Set<String> warned = new HashSet<>();
  /** Scopes whose budget is reached today → their action. */
  private final Map<String, String> reached = new HashMap<>();
  /**
   * Whether a request whose estimated cost is already in {@code spendByPipeline} (booked and reserved) may be sent.
   *
   * @param send false when a budget it would cross has the {@code pause} action: it waits instead
   * @param exceeded the budgets it would cross (their actions start at once), empty when it fits
   */
  public record Admission(boolean send, List<String> exceeded) {}

  public BudgetRules(BudgetSettings settings, Collection<String> pipelines, Clock clock) {
    this.settings = settings;
    this.pipelines = List.copyOf(pipelines);
    this.clock = clock;
  }

  /** Today's UTC date by the rules' clock: the day spend is counted under. */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC));
  }

  /**
   * Compares today's spend with the budgets.
   *
   * @param spendByPipeline USD spent today per pipeline, summed over the cluster
   * @param changedLimits budgets changed at run time (scope → daily USD), over the configured ones
   * @return the changes since the last evaluation, in order
   */
  public List<Change> evaluate(Map<String, Double> spendByPipeline, Map<String, Double> changedLimits) {
    return evaluate(spendByPipeline, changedLimits, Map.of());
  }

  /**
   * @param exhausted today's budgets a request could not be admitted under (scope → its limit then): reached at
   *     once, below 100% spent, until the limit is raised above that (docs/claude-stage.md "Budget guardrails")
   */
  public List<Change> evaluate(Map<String, Double> spendByPipeline, Map<String, Double> changedLimits,
      Map<String, Double> exhausted) {
    List<Change> changes = new ArrayList<>();
    LocalDate now = today();
    if (day != null && !day.equals(now)) {
      new TreeMap<>(reached).forEach((scope, action) -> changes.add(new Change(Kind.LIFTED, scope, 0,
          limit(scope, changedLimits), action, "the UTC day changed to " + now)));
      warned.stream().sorted().forEach(scope -> changes.add(new Change(Kind.WARNING_CLEARED, scope, 0,
          limit(scope, changedLimits), settings.action(scope), "the UTC day changed to " + now)));
      reached.clear();
      warned.clear();
    }
    day = now;
    for (String scope : scopes()) {
      double limit = limit(scope, changedLimits);
      double spend = spend(scope, spendByPipeline);
      String action = settings.action(scope);
      if (limit <= 0) {
        if (reached.remove(scope) != null) {
          changes.add(new Change(Kind.LIFTED, scope, spend, limit, action, "the budget was removed"));
        }
        continue;
      }
      Double exhaustedAt = exhausted.get(scope);
      // raised above the limit a request did not fit under: it may fit now
      boolean full = spend >= limit || (exhaustedAt != null && limit <= exhaustedAt);
      // a budget a request could not fit under has passed its warning share too: the warning still comes first
      if ((full || spend >= settings.warningShare() * limit) && warned.add(scope)) {
        changes.add(new Change(Kind.WARNING, scope, spend, limit, action, null));
      }
      if (full && !reached.containsKey(scope)) {
        reached.put(scope, action);
        changes.add(new Change(Kind.REACHED, scope, spend, limit, action, null));
      } else if (!full && reached.containsKey(scope)) {
        reached.remove(scope);
        changes.add(new Change(Kind.LIFTED, scope, spend, limit, action, String.format(java.util.Locale.ROOT,
            "the budget was raised to $%.4f", limit)));
      }
    }
    return changes;
  }

  /**
   * A request of {@code pipeline} against its own budget and the total, its estimate already added to the spend: a
   * budget it crosses is exhausted (the caller records it for {@link #evaluate}, cluster-wide), and a crossed budget
   * whose action is {@code pause} keeps the request from being sent. Budgets with another action let it go: their action is to keep
   * judging more cheaply.
   */
  public Admission admit(String pipeline, Map<String, Double> spendByPipeline, Map<String, Double> changedLimits) {
    List<String> exceeded = new ArrayList<>();
    boolean send = true;
    for (String scope : List.of(pipeline, BudgetSettings.TOTAL)) {
      double limit = limit(scope, changedLimits);
      if (limit > 0 && spend(scope, spendByPipeline) > limit) {
        exceeded.add(scope);
        send &= !BudgetSettings.PAUSE.equals(settings.action(scope));
      }
    }
    return new Admission(send, exceeded);
  }

  /** Whether any budget exists (configured or changed at run time): without one, nothing is reserved. */
  public boolean anyBudget(Map<String, Double> changedLimits) {
    return scopes().stream().anyMatch(scope -> limit(scope, changedLimits) > 0);
  }

  /**
   * Per pipeline whose budget (or the total) is reached, the action in force, the stronger of the two: pause, then
   * cheaper_tier, then batches.
   */
  public Map<String, String> actions() {
    Map<String, String> out = new TreeMap<>();
    String total = reached.get(BudgetSettings.TOTAL);
    for (String p : pipelines) {
      String own = reached.get(p);
      for (String action : List.of(BudgetSettings.PAUSE, BudgetSettings.CHEAPER_TIER, BudgetSettings.BATCHES)) {
        if (action.equals(own) || action.equals(total)) {
          out.put(p, action);
          break;
        }
      }
    }
    return out;
  }

  /** Every budget with its limit, spend and state, the total first. */
  public List<Status> status(Map<String, Double> spendByPipeline, Map<String, Double> changedLimits) {
    List<Status> out = new ArrayList<>();
    for (String scope : scopes()) {
      out.add(new Status(scope, limit(scope, changedLimits), spend(scope, spendByPipeline), settings.action(scope),
          warned.contains(scope), reached.containsKey(scope)));
    }
    return out;
  }

  private List<String> scopes() {
    List<String> out = new ArrayList<>();
    out.add(BudgetSettings.TOTAL);
    out.addAll(pipelines);
    return out;
  }

  private double limit(String scope, Map<String, Double> changedLimits) {
    Double changed = changedLimits.get(scope);
    return changed != null ? changed : settings.dailyUsd(scope);
  }

  private double spend(String scope, Map<String, Double> spendByPipeline) {
    if (BudgetSettings.TOTAL.equals(scope)) {
      return spendByPipeline.values().stream().mapToDouble(Double::doubleValue).sum();
    }
    return spendByPipeline.getOrDefault(scope, 0.0);
  }

  /** For tests and logs: the scopes reached today with their actions. */
  Map<String, String> reached() {
    return new LinkedHashMap<>(reached);
  }
}
