package com.reviewpipeline.claude.cost;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.config.ModelPrice;
import com.reviewpipeline.config.ModelProfiles;
import com.reviewpipeline.model.Batch;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Reserves each request's estimated cost against the day's budgets before it is sent, and settles the reservation
 * with the answer's cost (docs/claude-stage.md "Budget guardrails": enforced before spending). The estimate is an
 * upper bound: the
 * calibrated input estimate at the full input price (cache reads cost less) and all of {@code max_tokens} at the
 * output price, so what a budget lets through it can pay for. The reservations are the process's (a batch handed to
 * another Claude instance settles there).
 */
public final class SpendGuard {

  /** How long a reservation may take before the request goes unreserved (the budget verticle is stuck). */
  static final long ASK_TIMEOUT_MS = 5_000;

  private final EventBus bus;
  private final ModelProfiles models;
  /** Batch id → USD reserved for its request in flight; one map per process (a batch may change instance). */
  private final Map<String, Double> reserved;
  /** Whether any budget exists, as the budget verticle last saw (configured or set at run time). */
  private final Map<String, Boolean> active;

  public SpendGuard(io.vertx.core.Vertx vertx, ModelProfiles models) {
    this.bus = vertx.eventBus();
    this.models = models;
    this.reserved = vertx.sharedData().getLocalMap(Addresses.BUDGET_RESERVE);
    this.active = vertx.sharedData().getLocalMap(Addresses.BUDGET_ACTIVE);
  }

  /** Whether requests are reserved at all: only while some budget exists (no round trip per request otherwise). */
  public boolean needed() {
    return Boolean.TRUE.equals(active.get(Addresses.BUDGET_ACTIVE));
  }

  /** The most a request may cost: every input token uncached, every output token it may write. */
  double estimate(String model, int inputTokens, int maxTokens) {
    ModelPrice p = models.price(model);
    return (inputTokens * p.input() + maxTokens * p.output()) / 1_000_000.0;
  }

  /** Whether {@code batch}'s request holds a reservation (asked already for this attempt). */
  public boolean holds(Batch batch) {
    return reserved.containsKey(batch.id());
  }

  /**
   * Reserves the request's cost: true to send it, false when a budget with the {@code pause} action cannot cover it
   * (the batch waits). Without a budget verticle (tools, tests of the Claude stage alone) nothing is reserved.
   */
  public Future<Boolean> reserve(Batch batch, String model, int inputTokens, int maxTokens) {
    double usd = estimate(model, inputTokens, maxTokens);
    return bus.<JsonObject>request(Addresses.BUDGET_RESERVE, new JsonObject().put("pipeline", batch.pipeline())
            .put("usd", usd), new DeliveryOptions().setSendTimeout(ASK_TIMEOUT_MS))
        .map(reply -> reply.body())
        .otherwise(err -> new JsonObject().put("send", true))
        .map(r -> {
          boolean send = r.getBoolean("send", true);
          if (send) {
            // 0 when nothing was reserved: the attempt has asked, and its answer books its whole cost
            reserved.put(batch.id(), r.getBoolean("reserved", false) ? usd : 0.0);
          }
          return send;
        });
  }

  /** An answer billed but unreadable (no usage to price): its reservation stays in the day's spend as its cost. */
  public void keep(Batch batch) {
    reserved.remove(batch.id());
  }

  /** The answer's cost replaces the reservation in the day's spend. */
  public void settle(Batch batch, double usd) {
    Double r = reserved.remove(batch.id());
    bus.send(Addresses.SPEND, new JsonObject().put("pipeline", batch.pipeline()).put("usd", usd)
        .put("reserved_usd", r == null ? 0.0 : r));
  }

  /** The request was not billed (an error, no answer): its reservation is given back. */
  public void release(Batch batch) {
    Double r = reserved.remove(batch.id());
    if (r != null && r > 0) {
      bus.send(Addresses.SPEND, new JsonObject().put("pipeline", batch.pipeline()).put("usd", 0.0)
          .put("reserved_usd", r));
    }
  }
}
