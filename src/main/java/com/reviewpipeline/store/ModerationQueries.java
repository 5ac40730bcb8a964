package com.reviewpipeline.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * What the admin API and the alerts read from and decide in the store ({@code manual_review},
 * {@code moderation_results}); the only SQL outside the sink itself. Pages come back as
 * {@code {items, total, limit, offset}}.
 */
public final class ModerationQueries {

  /** One manual-review item as the replay decision needs it; {@code payload} is the DLQ record. */
  public record ReviewItem(long id, String pipeline, String status, JsonObject payload) {}

  private final Pool pool;

  private ModerationQueries(Pool pool) {
    this.pool = pool;
  }

  public static ModerationQueries connect(Vertx vertx, String databaseUrl, int poolSize) {
    return new ModerationQueries(Database.pool(vertx, databaseUrl, poolSize));
  }

  /** Readiness: the database answers a trivial query. */
  public Future<Boolean> ping() {
    return pool.query("SELECT 1").execute().map(rows -> true).otherwise(false);
  }

  public Future<Long> openReviewItems() {
    return pool.query("SELECT count(*) AS n FROM manual_review WHERE status = 'open'").execute()
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** A page of the manual-review queue in {@code status}, of one pipeline or (null) all. */
  public Future<JsonObject> reviewQueue(String status, String pipeline, int limit, int offset) {
    return pool.preparedQuery("""
            SELECT id, event_id, pipeline, error_type, error_message, retry_count, payload, status, decided_by,
                   decided_at, decision, note, created_at, count(*) OVER () AS total
            FROM manual_review WHERE status = $1 AND ($2::text IS NULL OR pipeline = $2)
            ORDER BY id LIMIT $3 OFFSET $4""")
        .execute(Tuple.of(status, pipeline, limit, offset))
        .map(rows -> page(rows, limit, offset, ModerationQueries::queueItem));
  }

  /** The item, or null when there is none with that id. */
  public Future<ReviewItem> reviewItem(long id) {
    return pool.preparedQuery("SELECT pipeline, status, payload FROM manual_review WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new ReviewItem(id, r.getString("pipeline"), r.getString("status"), (JsonObject) r.getJson("payload"));
        });
  }

  /** Marks an open item replayed; false when it was no longer open. */
  public Future<Boolean> markReplayed(long id, String by) {
    return pool.preparedQuery("""
            UPDATE manual_review SET status = 'replayed', decided_by = $2, decided_at = now(), decision = 'replay'
            WHERE id = $1 AND status = 'open'""").execute(Tuple.of(id, by))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Resolves an open item; false when there is no open item with that id. */
  public Future<Boolean> resolve(long id, String by, String decision, String note) {
    return pool.preparedQuery("""
            UPDATE manual_review SET status = 'resolved', decided_by = $2, decided_at = now(), decision = $3, note = $4
            WHERE id = $1 AND status = 'open' RETURNING id""")
        .execute(Tuple.of(id, by, decision, note))
        .map(rows -> rows.size() == 1);
  }

  /** A page of stored verdicts, newest first, optionally only flagged (or unflagged) ones of one pipeline. */
  public Future<JsonObject> results(Boolean flagged, String pipeline, int limit, int offset) {
    return pool.preparedQuery("""
            SELECT event_id, pipeline, product_id, user_id, rating, review_text, flagged, verdict, model, tier,
                   cost_usd, processed_at, count(*) OVER () AS total
            FROM moderation_results
            WHERE ($1::boolean IS NULL OR flagged = $1) AND ($2::text IS NULL OR pipeline = $2)
            ORDER BY processed_at DESC, event_id LIMIT $3 OFFSET $4""")
        .execute(Tuple.of(flagged, pipeline, limit, offset))
        .map(rows -> page(rows, limit, offset, r -> new JsonObject()
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
            .put("processed_at", r.getOffsetDateTime("processed_at").toString())));
  }

  public Future<Void> close() {
    return pool.close();
  }

  private static JsonObject page(RowSet<Row> rows, int limit, int offset, Function<Row, JsonObject> item) {
    JsonArray items = new JsonArray();
    long total = 0;
    for (Row r : rows) {
      total = r.getLong("total");
      items.add(item.apply(r));
    }
    return new JsonObject().put("items", items).put("total", total).put("limit", limit).put("offset", offset);
  }

  private static JsonObject queueItem(Row r) {
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
}
