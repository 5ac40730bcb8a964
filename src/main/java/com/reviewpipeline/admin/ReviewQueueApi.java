package com.reviewpipeline.admin;

import com.reviewpipeline.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The human end of the retry ladder: the manual-review queue and stored verdicts.
 *
 * <ul>
 *   <li>{@code GET /api/review-queue?status=open&pipeline=&limit=50&offset=0}
 *   <li>{@code POST /api/review-queue/{id}/replay} {@code {"by": "..."}}: re-publishes the original
 *       event to the events topic with header {@code replay-for-pipeline}, so only the pipeline
 *       that failed judges it again
 *   <li>{@code POST /api/review-queue/{id}/resolve} {@code {"decision": "...", "by": "...", "note": "..."}}
 *   <li>{@code GET /api/results?flagged=true&pipeline=&limit=50&offset=0}
 * </ul>
 */
final class ReviewQueueApi {

  static final String REPLAY_HEADER = "replay-for-pipeline";
  private static final Set<String> STATUSES = Set.of("open", "resolved", "replayed");

  private final AppConfig app;
  private final Pool pool;
  private final KafkaProducer<String, String> producer;

  ReviewQueueApi(Vertx vertx, AppConfig app, Pool pool) {
    this.app = app;
    this.pool = pool;
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", app.kafka().bootstrapServers());
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    this.producer = KafkaProducer.create(vertx, props);
  }

  void mount(Router router) {
    router.get("/api/review-queue").handler(this::list);
    router.post("/api/review-queue/:id/replay").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::replay);
    router.post("/api/review-queue/:id/resolve").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::resolve);
    router.get("/api/results").handler(this::results);
  }

  /** Readiness: the database answers a trivial query. */
  Future<Boolean> ping() {
    return pool.query("SELECT 1").execute().map(rows -> true).otherwise(false);
  }

  Future<Void> close() {
    return producer.close().compose(v -> pool.close());
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
    pool.preparedQuery("""
            SELECT id, event_id, pipeline, error_type, error_message, retry_count, payload, status, decided_by,
                   decided_at, decision, note, created_at, count(*) OVER () AS total
            FROM manual_review WHERE status = $1 AND ($2::text IS NULL OR pipeline = $2)
            ORDER BY id LIMIT $3 OFFSET $4""")
        .execute(Tuple.of(status, pipeline, limit, offset))
        .map(rows -> {
          JsonArray items = new JsonArray();
          long total = 0;
          for (Row r : rows) {
            total = r.getLong("total");
            items.add(item(r));
          }
          return new JsonObject().put("items", items).put("total", total).put("limit", limit).put("offset", offset);
        })
        .onSuccess(ctx::json)
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "database error"));
  }

  private static JsonObject item(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("event_id", r.getString("event_id"))
        .put("pipeline", r.getString("pipeline"))
        .put("error_type", r.getString("error_type"))
        .put("error_message", r.getString("error_message"))
        .put("retry_count", r.getInteger("retry_count"))
        .put("status", r.getString("status"))
        .put("decided_by", r.getString("decided_by"))
        .put("decided_at", r.getOffsetDateTime("decided_at") == null ? null : r.getOffsetDateTime("decided_at").toString())
        .put("decision", r.getString("decision"))
        .put("note", r.getString("note"))
        .put("created_at", r.getOffsetDateTime("created_at").toString())
        .put("original_event", ((JsonObject) r.getJson("payload")).getValue("original_event"));
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
    String by = body.getString("by", "admin");
    pool.preparedQuery("SELECT pipeline, status, payload FROM manual_review WHERE id = $1").execute(Tuple.of(id))
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "database error"))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            AdminApiVerticle.error(ctx, 404, "no review item " + id);
            return;
          }
          Row row = rows.iterator().next();
          if (!"open".equals(row.getString("status"))) {
            AdminApiVerticle.error(ctx, 409, "review item " + id + " is " + row.getString("status") + ", not open");
            return;
          }
          JsonObject original = ((JsonObject) row.getJson("payload")).getJsonObject("original_event");
          if (original == null) {
            AdminApiVerticle.error(ctx, 409, "review item " + id + " has no valid original event to replay (malformed input)");
            return;
          }
          KafkaProducerRecord<String, String> rec = KafkaProducerRecord.create(app.kafka().eventsTopic(),
              original.getString("event_id"), original.encode());
          if (row.getString("pipeline") != null) {
            rec.addHeader(REPLAY_HEADER, row.getString("pipeline"));
          }
          producer.send(rec)
              .compose(meta -> pool.preparedQuery("""
                  UPDATE manual_review SET status = 'replayed', decided_by = $2, decided_at = now(), decision = 'replay'
                  WHERE id = $1 AND status = 'open'""").execute(Tuple.of(id, by)))
              .onSuccess(v -> ctx.json(new JsonObject().put("id", id).put("status", "replayed")
                  .put("topic", app.kafka().eventsTopic()).put("event_id", original.getString("event_id"))))
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
    pool.preparedQuery("""
            UPDATE manual_review SET status = 'resolved', decided_by = $2, decided_at = now(), decision = $3, note = $4
            WHERE id = $1 AND status = 'open' RETURNING id""")
        .execute(Tuple.of(id, body.getString("by", "admin"), decision, body.getString("note")))
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "database error"))
        .onSuccess(rows -> {
          if (rows.size() == 1) {
            ctx.json(new JsonObject().put("id", id).put("status", "resolved").put("decision", decision));
            return;
          }
          pool.preparedQuery("SELECT status FROM manual_review WHERE id = $1").execute(Tuple.of(id))
              .onSuccess(r -> AdminApiVerticle.error(ctx, r.size() == 0 ? 404 : 409, r.size() == 0
                  ? "no review item " + id : "review item " + id + " is " + r.iterator().next().getString("status") + ", not open"));
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
    pool.preparedQuery("""
            SELECT event_id, pipeline, product_id, user_id, rating, review_text, flagged, verdict, model, tier,
                   cost_usd, processed_at, count(*) OVER () AS total
            FROM moderation_results
            WHERE ($1::boolean IS NULL OR flagged = $1) AND ($2::text IS NULL OR pipeline = $2)
            ORDER BY processed_at DESC, event_id LIMIT $3 OFFSET $4""")
        .execute(Tuple.of(flagged == null ? null : Boolean.valueOf(flagged), ctx.request().getParam("pipeline"), limit, offset))
        .map(rows -> {
          JsonArray items = new JsonArray();
          long total = 0;
          for (Row r : rows) {
            total = r.getLong("total");
            items.add(new JsonObject()
                .put("event_id", r.getString("event_id"))
                .put("pipeline", r.getString("pipeline"))
                .put("product_id", r.getString("product_id"))
                .put("user_id", r.getString("user_id"))
                .put("rating", r.getInteger("rating"))
                .put("review_text", r.getString("review_text"))
                .put("flagged", r.getBoolean("flagged"))
                .put("verdict", r.getJson("verdict"))
                .put("model", r.getString("model"))
                .put("tier", r.getString("tier"))
                .put("cost_usd", r.getBigDecimal("cost_usd").doubleValue())
                .put("processed_at", r.getOffsetDateTime("processed_at").toString()));
          }
          return new JsonObject().put("items", items).put("total", total).put("limit", limit).put("offset", offset);
        })
        .onSuccess(ctx::json)
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "database error"));
  }
}
