package com.reviewpipeline.store;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output layer's database side: one consumer group upserts every verdict from the results
 * topic into {@code moderation_results}; another writes every DLQ record into
 * {@code manual_review}. Both writes are idempotent, so redelivery changes nothing, and offsets
 * are committed only after the row is written (see {@link SinkConsumer} for rows that cannot be written and a
 * database that does not answer). Text is stored as {@link PgText} makes it.
 */
public final class StoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);

  static final Set<String> ENVELOPE = Set.of("event_id", "product_id", "user_id", "review_text", "rating",
      "timestamp", "source", "pipeline", "flagged", "model", "tier", "batch_id", "batch_size", "usage", "cost_usd",
      "retry_count", "processed_at", "channel");

  static final String UPSERT_RESULT = """
      INSERT INTO moderation_results (event_id, pipeline, product_id, user_id, rating, review_text, flagged, verdict,
        model, tier, cost_usd, event_time, processed_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13)
      ON CONFLICT (event_id, pipeline) DO UPDATE SET product_id = EXCLUDED.product_id, user_id = EXCLUDED.user_id,
        rating = EXCLUDED.rating, review_text = EXCLUDED.review_text, flagged = EXCLUDED.flagged,
        verdict = EXCLUDED.verdict, model = EXCLUDED.model, tier = EXCLUDED.tier, cost_usd = EXCLUDED.cost_usd,
        event_time = EXCLUDED.event_time, processed_at = EXCLUDED.processed_at, stored_at = now()
      WHERE $14::boolean""";

  static final String INSERT_REVIEW = """
      INSERT INTO manual_review (dlq_topic, dlq_partition, dlq_offset, event_id, pipeline, error_type, error_message,
        retry_count, payload)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
      ON CONFLICT (dlq_topic, dlq_partition, dlq_offset) DO NOTHING""";

  static final String INSERT_FAILURE = """
      INSERT INTO sink_failures (sink, topic, kafka_partition, kafka_offset, reason, attempts, record)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (sink, topic, kafka_partition, kafka_offset) DO NOTHING""";

  private final AppConfig app;
  private final Telemetry telemetry;
  private Pool pool;
  private final List<SinkConsumer> sinks = new java.util.ArrayList<>();

  public StoreVerticle(AppConfig app, Telemetry telemetry) {
    this.app = app;
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, app.databaseUrl(), 8);
    sinks.add(new SinkConsumer(vertx, app, telemetry, app.kafka().resultsTopic(), app.kafka().storeGroup(),
        "moderation_results", this::writeResult, this::writeFailure));
    sinks.add(new SinkConsumer(vertx, app, telemetry, app.kafka().dlqTopic(), app.kafka().manualReviewGroup(),
        "manual_review", this::writeManualReview, this::writeFailure));
    return Future.all(sinks.stream().map(SinkConsumer::start).map(f -> (Future<?>) f).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.join(sinks.stream().map(SinkConsumer::stop).map(f -> (Future<?>) f).toList())
        .compose(v -> pool.close());
  }

  private Future<Void> writeFailure(String sink, KafkaConsumerRecord<String, String> rec, String reason, int attempts) {
    return pool.preparedQuery(INSERT_FAILURE).execute(Tuple.tuple()
            .addString(sink)
            .addString(rec.topic())
            .addInteger(rec.partition())
            .addLong(rec.offset())
            .addString(PgText.safe(String.valueOf(reason)))
            .addInteger(attempts)
            .addString(PgText.safe(rec.value())))
        .mapEmpty();
  }

  private Future<Void> writeResult(KafkaConsumerRecord<String, String> rec) {
    JsonObject r = PgText.safe(new JsonObject(rec.value()));
    JsonObject verdict = new JsonObject();
    r.forEach(e -> {
      if (!ENVELOPE.contains(e.getKey())) {
        verdict.put(e.getKey(), e.getValue());
      }
    });
    return pool.preparedQuery(UPSERT_RESULT).execute(Tuple.tuple()
            .addString(r.getString("event_id"))
            .addString(r.getString("pipeline"))
            .addString(r.getString("product_id"))
            .addString(r.getString("user_id"))
            .addShort(r.getInteger("rating").shortValue())
            .addString(r.getString("review_text"))
            .addBoolean(r.getBoolean("flagged", false))
            .addValue(verdict)
            .addString(r.getString("model"))
            .addString(r.getString("tier"))
            .addValue(new java.math.BigDecimal(String.valueOf(r.getDouble("cost_usd", 0.0))))
            .addOffsetDateTime(OffsetDateTime.parse(r.getString("timestamp")))
            .addOffsetDateTime(OffsetDateTime.parse(r.getString("processed_at")))
            // a redelivered result changes nothing; one an operator asked for (rejudge) replaces the stored row
            .addBoolean(r.getBoolean("rejudged", false)))
        .mapEmpty();
  }

  private Future<Void> writeManualReview(KafkaConsumerRecord<String, String> rec) {
    JsonObject d = PgText.safe(new JsonObject(rec.value()));
    JsonObject info = d.getJsonObject("failure_info", new JsonObject());
    JsonObject original = d.getJsonObject("original_event");
    return pool.preparedQuery(INSERT_REVIEW).execute(Tuple.tuple()
            .addString(rec.topic())
            .addInteger(rec.partition())
            .addLong(rec.offset())
            .addString(original == null ? null : original.getString("event_id"))
            .addString(d.getString("pipeline"))
            .addString(info.getString("error_type", "unknown"))
            .addString(info.getString("error_message", ""))
            .addInteger(info.getInteger("retry_count", 0))
            .addValue(d))
        .mapEmpty();
  }
}
