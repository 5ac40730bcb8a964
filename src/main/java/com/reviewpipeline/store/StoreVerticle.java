package com.reviewpipeline.store;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.kafka.OffsetTracker;
import com.reviewpipeline.ratelimit.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output layer's database side: one consumer group upserts every verdict from the results
 * topic into {@code moderation_results}; another writes every DLQ record into
 * {@code manual_review}. Both writes are idempotent, so redelivery changes nothing, and offsets
 * are committed only after the row is written; a failing write is retried, never skipped.
 */
public final class StoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);
  private static final Backoff WRITE_BACKOFF = new Backoff(400, 30_000, 0);

  static final Set<String> ENVELOPE = Set.of("event_id", "product_id", "user_id", "review_text", "rating",
      "timestamp", "source", "pipeline", "flagged", "model", "tier", "batch_id", "batch_size", "usage", "cost_usd",
      "retry_count", "processed_at");

  static final String UPSERT_RESULT = """
      INSERT INTO moderation_results (event_id, pipeline, product_id, user_id, rating, review_text, flagged, verdict,
        model, tier, cost_usd, event_time, processed_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13)
      ON CONFLICT (event_id, pipeline) DO NOTHING""";

  static final String INSERT_REVIEW = """
      INSERT INTO manual_review (dlq_topic, dlq_partition, dlq_offset, event_id, pipeline, error_type, error_message,
        retry_count, payload)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
      ON CONFLICT (dlq_topic, dlq_partition, dlq_offset) DO NOTHING""";

  private final AppConfig app;
  private Pool pool;
  private final List<Sink> sinks = new java.util.ArrayList<>();

  public StoreVerticle(AppConfig app) {
    this.app = app;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, app.databaseUrl(), 8);
    sinks.add(new Sink(app.kafka().resultsTopic(), app.kafka().storeGroup(), this::writeResult));
    sinks.add(new Sink(app.kafka().dlqTopic(), app.kafka().manualReviewGroup(), this::writeManualReview));
    return Future.all(sinks.stream().map(Sink::start).map(f -> (Future<?>) f).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.join(sinks.stream().map(Sink::stop).map(f -> (Future<?>) f).toList())
        .compose(v -> pool.close());
  }

  private Future<Void> writeResult(KafkaConsumerRecord<String, String> rec) {
    JsonObject r = new JsonObject(rec.value());
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
            .addOffsetDateTime(OffsetDateTime.parse(r.getString("processed_at"))))
        .mapEmpty();
  }

  private Future<Void> writeManualReview(KafkaConsumerRecord<String, String> rec) {
    JsonObject d = new JsonObject(rec.value());
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

  /** One topic into one table, commit-on-done. */
  private final class Sink {
    final String topic;
    final String group;
    final Function<KafkaConsumerRecord<String, String>, Future<Void>> write;
    final OffsetTracker tracker = new OffsetTracker();
    final Set<TopicPartition> assigned = new HashSet<>();
    KafkaConsumer<String, String> consumer;
    long timer = -1;
    com.reviewpipeline.kafka.TrackedCommits commits;

    Sink(String topic, String group, Function<KafkaConsumerRecord<String, String>, Future<Void>> write) {
      this.topic = topic;
      this.group = group;
      this.write = write;
    }

    Future<Void> start() {
      Map<String, String> props = new HashMap<>();
      props.put("bootstrap.servers", app.kafka().bootstrapServers());
      props.put("group.id", group);
      props.put("enable.auto.commit", "false");
      props.put("auto.offset.reset", "earliest");
      props.put("max.poll.records", "500");
      props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
      props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
      consumer = KafkaConsumer.create(vertx, props);
      commits = new com.reviewpipeline.kafka.TrackedCommits(consumer, topic, tracker,
          err -> LOG.warn("store.commit.failed topic={} error={}", topic, err.toString()));
      consumer.pollTimeout(java.time.Duration.ofMillis(200));
      consumer.handler(this::onRecord);
      consumer.partitionsAssignedHandler(assigned::addAll);
      consumer.partitionsRevokedHandler(parts -> commit().onComplete(ar -> {
        assigned.removeAll(parts);
        tracker.revoke(parts.stream().map(TopicPartition::getPartition).collect(Collectors.toSet()));
      }));
      timer = vertx.setPeriodic(app.kafka().commitIntervalMs(), t -> commit());
      return consumer.subscribe(topic).onSuccess(v -> LOG.info("store.started topic={} group={}", topic, group));
    }

    void onRecord(KafkaConsumerRecord<String, String> rec) {
      if (!assigned.contains(new TopicPartition(rec.topic(), rec.partition()))) {
        return;
      }
      tracker.handOut(rec.partition(), rec.offset());
      Promise<Void> done = Promise.promise();
      attempt(rec, 1, done);
      done.future().onSuccess(v -> tracker.done(rec.partition(), rec.offset()));
    }

    void attempt(KafkaConsumerRecord<String, String> rec, int n, Promise<Void> done) {
      Future<Void> f;
      try {
        f = write.apply(rec);
      } catch (RuntimeException badRecord) {
        // not a record this table can hold (e.g. malformed JSON): log it, it stays on Kafka
        LOG.error("store.record.unreadable topic={} partition={} offset={} error={}", rec.topic(), rec.partition(),
            rec.offset(), badRecord.toString());
        done.complete();
        return;
      }
      f.onComplete(ar -> {
        if (ar.succeeded()) {
          done.complete();
        } else {
          long delay = WRITE_BACKOFF.delayMs(n + 1);
          LOG.warn("store.write.failed topic={} offset={} attempt={} retry_in_ms={} error={}", rec.topic(), rec.offset(),
              n, delay, ar.cause().toString());
          vertx.setTimer(delay, t -> attempt(rec, n + 1, done));
        }
      });
    }

    Future<Void> commit() {
      return commits.commit();
    }

    Future<Void> stop() {
      vertx.cancelTimer(timer);
      return commit().compose(v -> consumer.close()).recover(err -> Future.succeededFuture());
    }
  }
}
