package com.reviewpipeline.admin;

import com.reviewpipeline.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily budgets (docs/claude-stage.md "Budget guardrails"): {@code GET /api/budgets} lists each budget with today's
 * cluster-wide
 * spend; {@code PUT /api/budgets/{pipeline|total}} {@code {"daily_usd": 50}} changes one at run time on every node
 * (0 removes it). Raising a reached budget above today's spend lifts its action. Answered by this node's budget
 * verticle, which keeps the spend and the changed budgets in the cluster's shared data.
 */
final class BudgetApi {

  private static final Logger LOG = LoggerFactory.getLogger(BudgetApi.class);

  private final Vertx vertx;

  BudgetApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/budgets").handler(ctx -> ask(ctx, new JsonObject().put("op", "get")));
    router.put("/api/budgets/:scope").handler(BodyHandler.create().setBodyLimit(4 * 1024)).handler(this::put);
  }

  private void put(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      AdminApiVerticle.error(ctx, 400, "body must be a JSON object like {\"daily_usd\": 50}");
      return;
    }
    if (body == null || !body.containsKey("daily_usd")) {
      AdminApiVerticle.error(ctx, 400, "body must set daily_usd (USD per UTC day; 0 removes the budget)");
      return;
    }
    for (String key : body.fieldNames()) {
      if (!key.equals("daily_usd")) {
        AdminApiVerticle.error(ctx, 400, "unknown budget setting '" + key + "'; known: [daily_usd]");
        return;
      }
    }
    if (!(body.getValue("daily_usd") instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
      AdminApiVerticle.error(ctx, 400, "daily_usd must be a number, 0 (no budget) or more, got '"
          + body.getValue("daily_usd") + "'");
      return;
    }
    String scope = ctx.pathParam("scope");
    LOG.warn("admin.mutation who={} what=budget scope={} daily_usd={}", OpsApi.who(ctx), scope, n.doubleValue());
    ask(ctx, new JsonObject().put("op", "set").put("scope", scope).put("daily_usd", n.doubleValue()));
  }

  private void ask(RoutingContext ctx, JsonObject request) {
    vertx.eventBus().<JsonObject>request(Addresses.BUDGETS, request).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.json(ar.result().body());
      } else if (ar.cause() instanceof ReplyException re && re.failureCode() >= 400 && re.failureCode() < 600) {
        AdminApiVerticle.error(ctx, re.failureCode(), re.getMessage());
      } else {
        AdminApiVerticle.error(ctx, 503, "the budget verticle did not answer: " + ar.cause().getMessage());
      }
    });
  }
}
