package com.reviewpipeline.budget;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Membership;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BudgetSettings;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.LocalMap;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily budget guardrails (docs/claude-stage.md "Budget guardrails"). Every node adds the cost of each answer to a
 * cluster-wide
 * counter per UTC day and pipeline ({@code sharedData().getCounter}: Hazelcast when clustered), so the spend is the
 * cluster's, and it survives the node that spent it. Every {@code check_interval_ms} each node reads those counters and
 * the budgets changed at run time and runs {@link BudgetRules}: each node routes its own buffers for the
 * {@code cheaper_tier} action; the oldest member alone raises the alerts and pauses or resumes the pipelines (reason
 * {@code budget}, kept in {@link Addresses#BUDGET_PAUSES} for ingest instances that start later).
 */
public final class BudgetVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BudgetVerticle.class);
  /** Spend is counted in nano-USD: a Haiku batch costs a few hundred micro-USD, so micro-USD would round too much. */
  static final double NANOS_PER_USD = 1e9;
  static final String REASON = "budget";

  private final AppConfig app;
  private final Telemetry telemetry;
  private final Membership membership;
  private final Clock clock;
  private BudgetRules rules;
  private BudgetMeters meters;
  private BudgetSettings settings;
  private List<String> pipelines;
  private LocalMap<String, String> tiers;
  private LocalMap<String, String> deferring;
  private long timer = -1;
  private boolean checking;

  public BudgetVerticle(AppConfig app, Telemetry telemetry, Membership membership) {
    this(app, telemetry, membership, Clock.systemUTC());
  }

  BudgetVerticle(AppConfig app, Telemetry telemetry, Membership membership, Clock clock) {
    this.app = app;
    this.telemetry = telemetry;
    this.membership = membership;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    settings = app.budget();
    pipelines = app.pipelines().stream().map(PipelineConfig::name).toList();
    rules = new BudgetRules(settings, pipelines, clock);
    meters = new BudgetMeters(telemetry.registry());
    tiers = vertx.sharedData().getLocalMap(Addresses.BUDGET_TIERS);
    deferring = vertx.sharedData().getLocalMap(Addresses.MESSAGE_BATCH_PIPELINES);
    vertx.eventBus().<JsonObject>localConsumer(Addresses.SPEND, m -> spent(m.body()));
    vertx.eventBus().<JsonObject>localConsumer(Addresses.BUDGET_RESERVE, this::reserve);
    vertx.eventBus().<JsonObject>localConsumer(Addresses.BUDGETS, this::api);
    vertx.eventBus().<JsonObject>consumer(Addresses.BUDGET_CHECK, m -> check());
    timer = vertx.setPeriodic(settings.checkIntervalMs(), t -> check());
    active(Map.of());
    LOG.info("budget.started total_usd={} pipelines={} warning_share={} check_interval_ms={}",
        settings.dailyUsdTotal(), settings.pipelines().keySet(), settings.warningShare(), settings.checkIntervalMs());
    return Future.succeededFuture();
  }

  private static String counterName(LocalDate day, String pipeline) {
    return "pipeline.budget.spend." + day + "." + pipeline;
  }

  /** An answer's cost, less what was reserved for its request (negative when the request cost less, or nothing). */
  private void spent(JsonObject s) {
    long nanos = Math.round(s.getDouble("usd", 0.0) * NANOS_PER_USD)
        - Math.round(s.getDouble("reserved_usd", 0.0) * NANOS_PER_USD);
    if (nanos == 0) {
      return;
    }
    String pipeline = s.getString("pipeline");
    vertx.sharedData().getCounter(counterName(rules.today(), pipeline))
        .compose(c -> c.addAndGet(nanos))
        .onFailure(err -> LOG.warn("budget.spend.failed pipeline={} usd={} error={}", pipeline, s.getDouble("usd"),
            err.toString()));
  }

  /**
   * A request's estimated cost, reserved before it is sent: added to the day's spend at once, so the budget holds
   * against a burst instead of being checked after the money is gone. A request a {@code pause} budget cannot cover
   * is not reserved and not sent; any budget it would cross starts its action now (every node checks at once).
   * Without any budget nothing is reserved.
   */
  private void reserve(Message<JsonObject> m) {
    String pipeline = m.body().getString("pipeline");
    long nanos = Math.round(m.body().getDouble("usd", 0.0) * NANOS_PER_USD);
    vertx.sharedData().<String, Double>getAsyncMap(Addresses.BUDGET_LIMITS).compose(AsyncMap::entries)
        .compose(limits -> {
          if (nanos <= 0 || !pipelines.contains(pipeline) || !rules.anyBudget(limits)) {
            return Future.succeededFuture(new JsonObject().put("send", true).put("reserved", false));
          }
          LocalDate day = rules.today();
          return vertx.sharedData().getCounter(counterName(day, pipeline)).compose(c -> c.addAndGet(nanos))
              .compose(v -> snapshot())
              .compose(s -> {
                BudgetRules.Admission admission = rules.admit(pipeline, s.spend(), s.limits());
                if (admission.exceeded().isEmpty()) {
                  return Future.succeededFuture(new JsonObject().put("send", true).put("reserved", true));
                }
                LOG.warn("budget.exhausted pipeline={} usd={} exceeded={} send={}", pipeline,
                    m.body().getDouble("usd"), admission.exceeded(), admission.send());
                Future<?> undo = admission.send() ? Future.succeededFuture()
                    : vertx.sharedData().getCounter(counterName(day, pipeline)).compose(c -> c.addAndGet(-nanos));
                // cluster-wide, so that the member raising the actions counts it reached whoever refused
                Future<?> recorded = exhaustedMap(day).compose(map -> Future.all(admission.exceeded().stream()
                    .map(scope -> map.put(scope, limitOf(scope, s.limits()))).toList()));
                return Future.all(undo, recorded).onComplete(ar -> vertx.eventBus().publish(Addresses.BUDGET_CHECK,
                    new JsonObject().put("scope", pipeline))).map(v -> new JsonObject().put("send", admission.send()).put("reserved", admission.send())
                    .put("exceeded", new JsonArray(admission.exceeded())));
              });
        })
        .onSuccess(m::reply)
        .onFailure(err -> {
          LOG.warn("budget.reserve.failed pipeline={} error={}", pipeline, err.toString());
          m.fail(500, "budget reservation failed: " + err.getMessage());
        });
  }

  /** The budgets a request could not be admitted under on {@code day} (scope → limit then), cluster-wide. */
  private Future<AsyncMap<String, Double>> exhaustedMap(LocalDate day) {
    return vertx.sharedData().getAsyncMap(Addresses.BUDGET_LIMITS + ".exhausted." + day);
  }

  private double limitOf(String scope, Map<String, Double> changed) {
    Double c = changed.get(scope);
    return c != null ? c : settings.dailyUsd(scope);
  }

  /** Today's cluster-wide spend per pipeline and the budgets changed at run time. */
  private Future<Snapshot> snapshot() {
    LocalDate day = rules.today();
    List<Future<Long>> reads = new ArrayList<>();
    for (String p : pipelines) {
      reads.add(vertx.sharedData().getCounter(counterName(day, p)).compose(c -> c.get()));
    }
    Future<Map<String, Double>> limits = vertx.sharedData().<String, Double>getAsyncMap(Addresses.BUDGET_LIMITS)
        .compose(AsyncMap::entries);
    Future<Map<String, Double>> exhausted = exhaustedMap(day).compose(AsyncMap::entries);
    return Future.all(reads).compose(v -> limits).compose(changed -> exhausted.map(full -> {
      Map<String, Double> spend = new HashMap<>();
      for (int i = 0; i < pipelines.size(); i++) {
        spend.put(pipelines.get(i), reads.get(i).result() / NANOS_PER_USD);
      }
      return new Snapshot(day, spend, new HashMap<>(changed), new HashMap<>(full));
    }));
  }

  /** @param exhausted the budgets a request did not fit under today (scope → limit then) */
  private record Snapshot(LocalDate day, Map<String, Double> spend, Map<String, Double> limits,
      Map<String, Double> exhausted) {}

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    snapshot().compose(s -> apply(s, rules.evaluate(s.spend(), s.limits(), s.exhausted())))
        .onComplete(ar -> {
          checking = false;
          if (ar.failed()) {
            LOG.warn("budget.check.failed error={}", ar.cause().toString());
          }
        });
  }

  /** Tells this node's Claude verticles whether to reserve requests' costs: only while some budget exists. */
  private void active(Map<String, Double> limits) {
    vertx.sharedData().<String, Boolean>getLocalMap(Addresses.BUDGET_ACTIVE)
        .put(Addresses.BUDGET_ACTIVE, rules.anyBudget(limits));
  }

  private Future<Void> apply(Snapshot s, List<BudgetRules.Change> changes) {
    active(s.limits());
    for (BudgetRules.Status st : rules.status(s.spend(), s.limits())) {
      meters.set(st.scope(), st.spendUsd(), st.limitUsd());
    }
    Map<String, String> actions = rules.actions();
    String cheapest = app.cheapestTier();
    for (String p : pipelines) {
      if (BudgetSettings.CHEAPER_TIER.equals(actions.get(p))) {
        if (tiers.put(p, cheapest) == null) {
          LOG.warn("budget.cheaper_tier pipeline={} tier={}", p, cheapest);
        }
      } else if (tiers.remove(p) != null) {
        LOG.info("budget.cheaper_tier.lifted pipeline={}", p);
      }
      // the batches action: the pipeline's batches go to the Message Batches API (half price) until the budget
      // allows again; a pipeline that defers for another reason (always, backlog) keeps that reason
      if (BudgetSettings.BATCHES.equals(actions.get(p))) {
        if (deferring.putIfAbsent(p, "budget") == null) {
          LOG.warn("budget.batches pipeline={} (its batches go to the Message Batches API)", p);
        }
      } else if (deferring.remove(p, "budget")) {
        LOG.info("budget.batches.lifted pipeline={}", p);
      }
    }
    if (!membership.oldest()) {
      // another member raises the alerts and pauses; this one only routes its own buffers
      return Future.succeededFuture();
    }
    changes.forEach(this::announce);
    return vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.BUDGET_PAUSES)
        .compose(map -> map.keys().compose(pausedNow -> pauses(map, pausedNow, actions)));
  }

  /** Brings the budget pauses in line with the actions: pause the pipelines that should be, resume the others. */
  private Future<Void> pauses(AsyncMap<String, JsonObject> map, Set<String> pausedNow, Map<String, String> actions) {
    List<Future<?>> all = new ArrayList<>();
    Set<String> wanted = new HashSet<>();
    actions.forEach((p, a) -> {
      if (BudgetSettings.PAUSE.equals(a)) {
        wanted.add(p);
      }
    });
    for (String p : wanted) {
      if (!pausedNow.contains(p)) {
        JsonObject cmd = new JsonObject().put("action", "pause").put("pipeline", p).put("reason", REASON)
            .put("by", "budget");
        all.add(map.put(p, cmd).onComplete(ar -> vertx.eventBus().publish(Addresses.CONTROL, cmd)));
      }
    }
    for (String p : pausedNow) {
      if (!wanted.contains(p)) {
        all.add(map.remove(p).onComplete(ar -> vertx.eventBus().publish(Addresses.CONTROL, new JsonObject()
            .put("action", "resume").put("pipeline", p).put("reason", REASON).put("by", "budget"))));
      }
    }
    return Future.all(all).mapEmpty();
  }

  private void announce(BudgetRules.Change c) {
    String money = String.format(Locale.ROOT, "$%.4f of $%.4f (%.0f%%)", c.spendUsd(), c.limitUsd(),
        c.limitUsd() > 0 ? 100 * c.spendUsd() / c.limitUsd() : 0);
    String what = BudgetSettings.TOTAL.equals(c.scope()) ? "the total daily budget" : "the daily budget of pipeline "
        + c.scope();
    switch (c.kind()) {
      case WARNING -> alert("budget_warning", c.scope(), "warning", false, what + " is at " + money + " today (UTC);"
          + " at 100% the action is " + c.action());
      case REACHED -> alert("budget", c.scope(), "critical", false, what + " is reached: " + money + " today (UTC);"
          + (BudgetSettings.PAUSE.equals(c.action()) ? " consumption paused, events wait in Kafka"
          : BudgetSettings.BATCHES.equals(c.action()) ? " batches go to the Message Batches API (half price, answered"
              + " within 24 h)"
          : " reviews go to the cheapest tier (" + app.cheapestTier() + ")") + " until the UTC day changes or the"
          + " budget is raised (PUT /api/budgets/" + c.scope() + ")");
      case LIFTED -> alert("budget", c.scope(), "critical", true, what + ": action " + c.action() + " lifted, " + c.why());
      case WARNING_CLEARED -> alert("budget_warning", c.scope(), "warning", true, what + ": " + c.why());
      default -> { }
    }
  }

  private void alert(String type, String scope, String severity, boolean resolved, String message) {
    LOG.warn("budget.{} scope={} {}", resolved ? "resolved" : type, scope, message);
    vertx.eventBus().publish(Addresses.ALERTS, new JsonObject().put("type", type).put("key", type + ":" + scope)
        .put("severity", severity).put("resolved", resolved).put("message", message).put("at", Instant.now().toString()));
  }

  /** The admin API's requests: {@code {op: get}} and {@code {op: set, scope, daily_usd}}. */
  private void api(Message<JsonObject> m) {
    JsonObject req = m.body();
    if ("set".equals(req.getString("op"))) {
      String scope = req.getString("scope");
      if (!BudgetSettings.TOTAL.equals(scope) && !pipelines.contains(scope)) {
        m.fail(404, "no budget '" + scope + "'; budgets: total and " + pipelines);
        return;
      }
      double usd = req.getDouble("daily_usd");
      vertx.sharedData().<String, Double>getAsyncMap(Addresses.BUDGET_LIMITS)
          .compose(map -> map.put(scope, usd))
          .compose(v -> {
            // the other nodes check now; this one answers with the state the change produced
            vertx.eventBus().publish(Addresses.BUDGET_CHECK, new JsonObject().put("scope", scope));
            return snapshot();
          })
          .compose(s -> apply(s, rules.evaluate(s.spend(), s.limits(), s.exhausted())).map(s))
          .onSuccess(s -> m.reply(view(s)))
          .onFailure(err -> m.fail(500, "budget change failed: " + err.getMessage()));
      return;
    }
    snapshot().onSuccess(s -> m.reply(view(s))).onFailure(err -> m.fail(500, "budgets failed: " + err.getMessage()));
  }

  private JsonObject view(Snapshot s) {
    JsonArray budgets = new JsonArray();
    for (BudgetRules.Status st : rules.status(s.spend(), s.limits())) {
      budgets.add(new JsonObject()
          .put("scope", st.scope())
          .put("daily_usd", st.limitUsd())
          .put("configured_daily_usd", settings.dailyUsd(st.scope()))
          .put("changed_at_run_time", s.limits().containsKey(st.scope()))
          .put("spend_today_usd", st.spendUsd())
          .put("share", st.limitUsd() > 0 ? st.spendUsd() / st.limitUsd() : null)
          .put("action", st.action())
          .put("warned", st.warned())
          .put("reached", st.reached()));
    }
    return new JsonObject().put("day", s.day().toString()).put("warning_share", settings.warningShare())
        .put("cheapest_tier", app.cheapestTier()).put("actions", new JsonObject(new HashMap<>(rules.actions())))
        .put("budgets", budgets);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
