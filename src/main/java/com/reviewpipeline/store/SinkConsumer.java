package com.reviewpipeline.store;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.kafka.TrackedConsumer;
import com.reviewpipeline.ratelimit.Backoff;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.pgclient.PgException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic into one table, commit-on-written. A row the database rejects is tried {@code database.max_row_attempts}
 * times, then recorded in {@code sink_failures} with the reason, and its offset completes; a record that is not
 * even readable goes there at once. While the database does not answer (connection refused or lost, shutting
 * down, out of resources) the consumer pauses, the records in hand are retried with backoff, and the first
 * success resumes it: memory stays bounded by the in-flight watermarks and nothing is skipped.
 */
final class SinkConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(SinkConsumer.class);
  private static final Backoff BACKOFF = new Backoff(400, 30_000, 0.25);
  static final String DATABASE_DOWN = "database_down";
  /** SQLSTATE classes that say the database, not the row, is the problem. */
  private static final Set<String> SERVER_CLASSES = Set.of("08", "53", "57", "58");

  /** Writes one record's row. */
  interface Writer {
    Future<Void> write(KafkaConsumerRecord<String, String> rec);
  }

  /** Records a record that could not be written, with why and after how many attempts. */
  interface FailureWriter {
    Future<Void> write(String sink, KafkaConsumerRecord<String, String> rec, String reason, int attempts);
  }

  private final Vertx vertx;
  private final AppConfig app;
  private final Telemetry telemetry;
  private final String topic;
  private final String group;
  private final String sink;
  private final Writer writer;
  private final FailureWriter failures;
  private TrackedConsumer<String, String> consumer;
  private boolean databaseDown;

  SinkConsumer(Vertx vertx, AppConfig app, Telemetry telemetry, String topic, String group, String sink, Writer writer,
      FailureWriter failures) {
    this.vertx = vertx;
    this.app = app;
    this.telemetry = telemetry;
    this.topic = topic;
    this.group = group;
    this.sink = sink;
    this.writer = writer;
    this.failures = failures;
  }

  Future<Void> start() {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", app.kafka().bootstrapServers());
    props.put("group.id", group);
    props.put("auto.offset.reset", "earliest");
    props.put("max.poll.records", String.valueOf(app.kafka().maxPollRecords()));
    props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    consumer = new TrackedConsumer<String, String>(vertx, props, topic, app.kafka(), 200, "store " + sink)
        .handler(rec -> write(rec, 1));
    telemetry.registerSinkInFlight(sink, consumer::inFlight);
    return consumer.start().onSuccess(v -> LOG.info("store.started topic={} group={} table={}", topic, group, sink));
  }

  private void write(KafkaConsumerRecord<String, String> rec, int attempt) {
    Future<Void> written;
    try {
      written = writer.write(rec);
    } catch (RuntimeException unreadable) {
      fail(rec, "unreadable record: " + unreadable, attempt);
      return;
    }
    written.onSuccess(v -> {
      databaseUp();
      consumer.done(rec.partition(), rec.offset());
    }).onFailure(err -> {
      if (!rowProblem(err)) {
        databaseDown(err);
        vertx.setTimer(BACKOFF.delayMs(attempt), t -> write(rec, attempt + 1));
      } else if (attempt >= app.databaseMaxRowAttempts()) {
        databaseUp();
        fail(rec, err.getMessage(), attempt);
      } else {
        LOG.warn("store.write.failed table={} topic={} partition={} offset={} attempt={} error={}", sink, rec.topic(),
            rec.partition(), rec.offset(), attempt, err.getMessage());
        vertx.setTimer(BACKOFF.delayMs(attempt), t -> write(rec, attempt + 1));
      }
    });
  }

  /** Whether the database answered and refused this row (as opposed to not answering, or refusing everything). */
  static boolean rowProblem(Throwable err) {
    return err instanceof PgException pg && pg.getSqlState() != null
        && !SERVER_CLASSES.contains(pg.getSqlState().substring(0, Math.min(2, pg.getSqlState().length())));
  }

  private void fail(KafkaConsumerRecord<String, String> rec, String reason, int attempts) {
    LOG.error("store.record.failed table={} topic={} partition={} offset={} attempts={} reason={}", sink, rec.topic(),
        rec.partition(), rec.offset(), attempts, reason);
    failures.write(sink, rec, reason, attempts).onSuccess(v -> {
      telemetry.sinkFailure(sink);
      consumer.done(rec.partition(), rec.offset());
    }).onFailure(err -> {
      // not even the failure row could be written: the database is the problem, try the whole record again later
      databaseDown(err);
      vertx.setTimer(BACKOFF.delayMs(attempts), t -> write(rec, attempts));
    });
  }

  private void databaseDown(Throwable err) {
    if (!databaseDown) {
      databaseDown = true;
      consumer.pause(DATABASE_DOWN);
      LOG.error("store.database.down table={} paused=true error={}", sink, err.toString());
    }
  }

  private void databaseUp() {
    if (databaseDown) {
      databaseDown = false;
      consumer.resume(DATABASE_DOWN);
      LOG.info("store.database.up table={} resumed=true", sink);
    }
  }

  int inFlight() {
    return consumer.inFlight();
  }

  boolean paused() {
    return consumer.paused();
  }

  Future<Void> stop() {
    return consumer.stopReading().compose(v -> consumer.close()).<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }
}
