package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Daily (UTC) spend budgets (docs/claude-stage.md "Budget guardrails"): one for all pipelines together and one per
 * pipeline, each
 * with the action taken at 100%. A budget of 0 is no budget.
 *
 * @param dailyUsdTotal budget of every pipeline together, USD per UTC day (0: none)
 * @param warningShare share of a budget at which one warning goes out per budget and day, in (0, 1)
 * @param action what happens at 100% of the total budget and of a pipeline budget that names none
 * @param checkIntervalMs how often the cluster-wide spend is compared with the budgets
 * @param pipelines per pipeline name, its budget
 */
public record BudgetSettings(double dailyUsdTotal, double warningShare, String action, long checkIntervalMs,
    Map<String, PipelineBudget> pipelines) {

  /** The scope name of the budget of every pipeline together (as in {@code PUT /api/budgets/total}). */
  public static final String TOTAL = "total";
  public static final String PAUSE = "pause";
  public static final String CHEAPER_TIER = "cheaper_tier";
  public static final String BATCHES = "batches";
  /** What a budget at 100% may do: pause, route to the cheapest tier, or send through the Message Batches API. */
  public static final Set<String> ACTIONS = Set.of(PAUSE, CHEAPER_TIER, BATCHES);

  /** @param dailyUsd USD per UTC day (0: none) */
  public record PipelineBudget(double dailyUsd, String action) {}

  public BudgetSettings {
    pipelines = Map.copyOf(pipelines);
  }

  /** The budget with no limits at all (what the shipped file declares). */
  public static BudgetSettings none() {
    return fromJson(new JsonObject(), Set.of());
  }

  /** The configured daily budget of a scope ({@link #TOTAL} or a pipeline name), 0 when it has none. */
  public double dailyUsd(String scope) {
    if (TOTAL.equals(scope)) {
      return dailyUsdTotal;
    }
    PipelineBudget b = pipelines.get(scope);
    return b == null ? 0 : b.dailyUsd();
  }

  /** The action of a scope at 100%. */
  public String action(String scope) {
    PipelineBudget b = pipelines.get(scope);
    return b == null || b.action() == null ? action : b.action();
  }

  public BudgetSettings withPipeline(String name, double dailyUsd, String pipelineAction) {
    Map<String, PipelineBudget> next = new TreeMap<>(pipelines);
    next.put(name, new PipelineBudget(dailyUsd, action(pipelineAction, "budget.pipelines." + name + ".action")));
    return new BudgetSettings(dailyUsdTotal, warningShare, action, checkIntervalMs, next);
  }

  public BudgetSettings withCheckIntervalMs(long ms) {
    return new BudgetSettings(dailyUsdTotal, warningShare, action, ms, pipelines);
  }

  /** @param pipelineNames every pipeline of the configuration (enabled or not): a budget for another is a typo */
  public static BudgetSettings fromJson(JsonObject given, Collection<String> pipelineNames) {
    JsonObject j = Declaration.withDefaults("budget", given);
    if (pipelineNames.contains(TOTAL)) {
      throw new IllegalArgumentException("a pipeline may not be named '" + TOTAL + "': it is the name of the budget of"
          + " every pipeline together (budget.daily_usd_total, PUT /api/budgets/total)");
    }
    double share = number(j, "warning_share", "budget.warning_share");
    if (share <= 0 || share >= 1) {
      throw new IllegalArgumentException("budget.warning_share must be a share between 0 and 1 (exclusive), got " + share);
    }
    long interval = (long) number(j, "check_interval_ms", "budget.check_interval_ms");
    if (interval < 100) {
      throw new IllegalArgumentException("budget.check_interval_ms must be at least 100, got " + interval);
    }
    Map<String, PipelineBudget> pipelines = new TreeMap<>();
    j.getJsonObject("pipelines").forEach(e -> {
      String where = "budget.pipelines." + e.getKey();
      if (!pipelineNames.contains(e.getKey())) {
        throw new IllegalArgumentException(where + ": no pipeline '" + e.getKey() + "'; pipelines: " + pipelineNames);
      }
      if (!(e.getValue() instanceof JsonObject entry)) {
        throw new IllegalArgumentException(where + " must be {daily_usd: N, action: pause|cheaper_tier}");
      }
      for (String key : entry.fieldNames()) {
        if (!key.equals("daily_usd") && !key.equals("action")) {
          throw new IllegalArgumentException("unknown configuration key '" + where + "." + key
              + "'; known keys here: [action, daily_usd]");
        }
      }
      if (!entry.containsKey("daily_usd")) {
        throw new IllegalArgumentException(where + ".daily_usd is required");
      }
      pipelines.put(e.getKey(), new PipelineBudget(usd(entry, "daily_usd", where + ".daily_usd"),
          entry.getValue("action") == null ? null : action(entry.getValue("action"), where + ".action")));
    });
    return new BudgetSettings(usd(j, "daily_usd_total", "budget.daily_usd_total"), share,
        action(j.getValue("action"), "budget.action"), interval, pipelines);
  }

  private static String action(Object value, String key) {
    String a = String.valueOf(value);
    if (!ACTIONS.contains(a)) {
      throw new IllegalArgumentException(key + " must be pause, cheaper_tier or batches, got '" + a + "'");
    }
    return a;
  }

  /** A USD amount, 0 or more. */
  static double usd(JsonObject j, String field, String key) {
    double v = number(j, field, key);
    if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(key + " must be 0 (no budget) or a positive amount in USD, got " + v);
    }
    return v;
  }

  private static double number(JsonObject j, String field, String key) {
    if (!(j.getValue(field) instanceof Number n)) {
      throw new IllegalArgumentException(key + " must be a number, got '" + j.getValue(field) + "'");
    }
    return n.doubleValue();
  }
}
