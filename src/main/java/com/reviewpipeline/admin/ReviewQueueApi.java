package com.reviewpipeline.admin;

import com.reviewpipeline.bus.Headers;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.store.ModerationQueries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Set;

/**
 * The human end of the retry ladder: the manual-review queue and stored verdicts.
 *
 * <ul>
 *   <li>{@code GET /api/review-queue?status=open&pipeline=&limit=50&offset=0}
 *   <li>{@code POST /api/review-queue/{id}/replay} {@code {"by": "...", "rejudge": false}}: re-publishes the
 *       original event to the events topic with header {@code replay-for-pipeline}, so only the pipeline
 *       that failed judges it again; the verdict cache answers it when it holds a verdict for the event or its exact
 *       text, unless {@code rejudge} is true (header {@code rejudge: true}: a new call, whose verdict replaces the
 *       cached one)
 *   <li>{@code POST /api/review-queue/{id}/resolve} {@code {"decision": "...", "by": "...", "note": "..."}}
 *   <li>{@code GET /api/results?flagged=true&pipeline=&limit=50&offset=0}
 * </ul>
 */
final class ReviewQueueApi {

  private static final Set<String> STATUSES = Set.of("open", "resolved", "replayed");

  private final AppConfig app;
  private final ModerationQueries store;
  private final KafkaProducer<String, String> producer;

  ReviewQueueApi(Vertx vertx, AppConfig app, ModerationQueries store) {
    this.app = app;
    this.store = store;
    this.producer = com.reviewpipeline.kafka.Producers.strings(vertx, app.kafka().bootstrapServers());
  }

  void mount(Router router) {
    router.get("/api/review-queue").handler(this::list);
    router.post("/api/review-queue/:id/replay").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::replay);
    router.post("/api/review-queue/:id/resolve").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::resolve);
    router.get("/api/results").handler(this::results);
  }

  /** Readiness: the database answers a trivial query. */
  Future<Boolean> ping() {
    return store.ping();
  }

  Future<Void> close() {
    return producer.close().compose(v -> store.close());
  }

  private static Integer intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        AdminApiVerticle.error(ctx, 400, name + " must be between " + min + " and " + max);
        return null;
      }
      return n;
    } catch (NumberFormatException e) {
      AdminApiVerticle.error(ctx, 400, name + " must be an integer");
      return null;
    }
  }

  private void list(RoutingContext ctx) {
    String status = ctx.request().getParam("status", "open");
    if (!STATUSES.contains(status)) {
      AdminApiVerticle.error(ctx, 400, "status must be one of " + STATUSES);
      return;
    }
    Integer limit = intParam(ctx, "limit", 50, 1, 500);
    Integer offset = limit == null ? null : intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    if (offset == null) {
      return;
    }
    String pipeline = ctx.request().getParam("pipeline");
    store.reviewQueue(status, pipeline, limit, offset)
        .onSuccess(ctx::json)
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "database error"));
  }

  private static Long id(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      AdminApiVerticle.error(ctx, 400, "id must be a number");
      return null;
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    try {
      JsonObject b = ctx.body().asJsonObject();
      return b == null ? new JsonObject() : b;
    } catch (DecodeException | ClassCastException e) {
      AdminApiVerticle.error(ctx, 400, "body must be a JSON object");
      return null;
    }
  }

  private void replay(RoutingContext ctx) {
    Long id = id(ctx);
    JsonObject body = id == null ? null : body(ctx);
    if (body == null) {
      return;
    }
    if (body.containsKey("rejudge") && !(body.getValue("rejudge") instanceof Boolean)) {
      AdminApiVerticle.error(ctx, 400, "rejudge must be true or false");
      return;
    }
    String by = body.getString("by", "admin");
    boolean rejudge = body.getBoolean("rejudge", false);
    store.reviewItem(id)
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "database error"))
        .onSuccess(item -> {
          if (item == null) {
            AdminApiVerticle.error(ctx, 404, "no review item " + id);
            return;
          }
          if (!"open".equals(item.status())) {
            AdminApiVerticle.error(ctx, 409, "review item " + id + " is " + item.status() + ", not open");
            return;
          }
          if (item.pipeline() != null && app.pipelines().stream().noneMatch(p -> p.name().equals(item.pipeline()))) {
            AdminApiVerticle.error(ctx, 409, "review item " + id + " belongs to pipeline " + item.pipeline()
                + ", which is not enabled: nothing would judge the replay");
            return;
          }
          JsonObject original = item.payload().getJsonObject("original_event");
          if (original == null) {
            AdminApiVerticle.error(ctx, 409, "review item " + id + " has no valid original event to replay (malformed input)");
            return;
          }
          KafkaProducerRecord<String, String> rec = KafkaProducerRecord.create(app.kafka().eventsTopic(),
              original.getString("event_id"), original.encode());
          if (item.pipeline() != null) {
            rec.addHeader(Headers.REPLAY_FOR_PIPELINE, item.pipeline());
          }
          if (rejudge) {
            rec.addHeader(Headers.REJUDGE, "true");
          }
          producer.send(rec)
              .compose(meta -> store.markReplayed(id, by))
              .onSuccess(v -> ctx.json(new JsonObject().put("id", id).put("status", "replayed")
                  .put("topic", app.kafka().eventsTopic()).put("event_id", original.getString("event_id"))
                  .put("rejudge", rejudge)))
              .onFailure(err -> AdminApiVerticle.error(ctx, 502, "replay failed: " + err.getMessage()));
        });
  }

  private void resolve(RoutingContext ctx) {
    Long id = id(ctx);
    JsonObject body = id == null ? null : body(ctx);
    if (body == null) {
      return;
    }
    String decision = body.getString("decision");
    if (decision == null || decision.isBlank() || decision.length() > 200) {
      AdminApiVerticle.error(ctx, 400, "decision is required (a short text, e.g. \"approve\" or \"remove\")");
      return;
    }
    store.resolve(id, body.getString("by", "admin"), decision, body.getString("note"))
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "database error"))
        .onSuccess(resolved -> {
          if (resolved) {
            ctx.json(new JsonObject().put("id", id).put("status", "resolved").put("decision", decision));
            return;
          }
          store.reviewItem(id)
              .onSuccess(item -> AdminApiVerticle.error(ctx, item == null ? 404 : 409, item == null
                  ? "no review item " + id : "review item " + id + " is " + item.status() + ", not open"));
        });
  }

  private void results(RoutingContext ctx) {
    String flagged = ctx.request().getParam("flagged");
    if (flagged != null && !flagged.equals("true") && !flagged.equals("false")) {
      AdminApiVerticle.error(ctx, 400, "flagged must be true or false");
      return;
    }
    Integer limit = intParam(ctx, "limit", 50, 1, 500);
    Integer offset = limit == null ? null : intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    if (offset == null) {
      return;
    }
    store.results(flagged == null ? null : Boolean.valueOf(flagged), ctx.request().getParam("pipeline"), limit, offset)
        .onSuccess(ctx::json)
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "database error"));
  }
}
