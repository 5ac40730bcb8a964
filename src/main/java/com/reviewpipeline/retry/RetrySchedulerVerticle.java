package com.reviewpipeline.retry;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.KafkaSettings.RetryStage;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.kafka.OffsetTracker;
import com.reviewpipeline.ingest.ParseResult;
import com.reviewpipeline.ingest.ReviewEventParser;
import com.reviewpipeline.model.BatchAck;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.RejectedRecord;
import com.reviewpipeline.model.SourceRef;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the retry topics, one consumer per stage, so a record of a short stage is never held
 * behind one of a long stage. A record not yet due parks its partition: the partition is paused
 * and the record (with any already fetched after it) waits in memory until a timer fires at its
 * due time; no seek, no busy polling. A due record re-enters its pipeline with
 * {@code retry_count + 1}; its offset is committed only when its new outcome is on Kafka.
 */
public final class RetrySchedulerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RetrySchedulerVerticle.class);

  private final AppConfig app;
  private final List<StageConsumer> stages = new ArrayList<>();

  public RetrySchedulerVerticle(AppConfig app) {
    this.app = app;
  }

  @Override
  public Future<?> start() {
    List<Future<?>> started = new ArrayList<>();
    for (RetryStage stage : app.kafka().retryStages()) {
      StageConsumer c = new StageConsumer(stage);
      stages.add(c);
      started.add(c.start());
    }
    return Future.all(started);
  }

  @Override
  public Future<?> stop() {
    return Future.join(stages.stream().map(StageConsumer::stop).map(f -> (Future<?>) f).toList());
  }

  private final class StageConsumer {
    final RetryStage stage;
    final String instanceId = UUID.randomUUID().toString();
    final OffsetTracker tracker = new OffsetTracker();
    final Set<TopicPartition> assigned = new HashSet<>();
    final Map<Integer, Deque<KafkaConsumerRecord<String, String>>> parked = new HashMap<>();
    final ReviewEventParser parser = new ReviewEventParser(app.kafka().maxReviewChars());
    KafkaConsumer<String, String> consumer;
    MessageConsumer<BatchAck> acks;
    long commitTimer = -1;
    com.reviewpipeline.kafka.TrackedCommits commits;

    StageConsumer(RetryStage stage) {
      this.stage = stage;
    }

    Future<Void> start() {
      acks = vertx.eventBus().localConsumer(Addresses.ack(instanceId), m -> {
        for (SourceRef ref : m.body().done()) {
          tracker.done(ref.partition(), ref.offset());
        }
      });
      Map<String, String> props = new HashMap<>();
      props.put("bootstrap.servers", app.kafka().bootstrapServers());
      props.put("group.id", app.kafka().retryGroup());
      props.put("client.id", "retry-" + stage.topic() + "-" + instanceId.substring(0, 8));
      props.put("enable.auto.commit", "false");
      props.put("auto.offset.reset", "earliest");
      props.put("max.poll.records", String.valueOf(app.kafka().maxPollRecords()));
      props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
      props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
      props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
      consumer = KafkaConsumer.create(vertx, props);
      commits = new com.reviewpipeline.kafka.TrackedCommits(consumer, stage.topic(), tracker,
          err -> LOG.warn("retry.commit.failed topic={} error={}", stage.topic(), err.toString()));
      consumer.pollTimeout(java.time.Duration.ofMillis(200));
      consumer.handler(this::onRecord);
      consumer.exceptionHandler(err -> LOG.warn("retry.consumer.error topic={} error={}", stage.topic(), err.toString()));
      consumer.partitionsAssignedHandler(parts -> assigned.addAll(parts));
      consumer.partitionsRevokedHandler(parts -> commit().onComplete(ar -> {
        assigned.removeAll(parts);
        Set<Integer> ids = parts.stream().map(TopicPartition::getPartition).collect(Collectors.toSet());
        ids.forEach(parked::remove);
        tracker.revoke(ids);
      }));
      commitTimer = vertx.setPeriodic(app.kafka().commitIntervalMs(), t -> commit());
      return acks.completion().compose(v -> consumer.subscribe(stage.topic()))
          .onSuccess(v -> LOG.info("retry.started topic={} delay_ms={}", stage.topic(), stage.delayMs()));
    }

    void onRecord(KafkaConsumerRecord<String, String> rec) {
      int p = rec.partition();
      if (!assigned.contains(new TopicPartition(rec.topic(), p))) {
        return;
      }
      Deque<KafkaConsumerRecord<String, String>> queue = parked.get(p);
      if (queue != null) {
        queue.add(rec);
        return;
      }
      long wait = dueAt(rec) - System.currentTimeMillis();
      if (wait > 0) {
        queue = new ArrayDeque<>();
        queue.add(rec);
        parked.put(p, queue);
        consumer.pause(Set.of(new TopicPartition(rec.topic(), p)));
        vertx.setTimer(wait, t -> release(p));
        return;
      }
      reenter(rec);
    }

    /** Re-enters every due record at the head of a parked partition; resumes it when empty. */
    void release(int p) {
      Deque<KafkaConsumerRecord<String, String>> queue = parked.get(p);
      if (queue == null) {
        return; // revoked meanwhile
      }
      while (!queue.isEmpty()) {
        long wait = dueAt(queue.peek()) - System.currentTimeMillis();
        if (wait > 0) {
          vertx.setTimer(wait, t -> release(p));
          return;
        }
        reenter(queue.poll());
      }
      parked.remove(p);
      TopicPartition tp = new TopicPartition(stage.topic(), p);
      if (assigned.contains(tp)) {
        consumer.resume(Set.of(tp));
      }
    }

    long dueAt(KafkaConsumerRecord<String, String> rec) {
      try {
        String due = new JsonObject(rec.value()).getJsonObject("retry_policy").getString("next_retry_at");
        return due == null ? 0 : Instant.parse(due).toEpochMilli();
      } catch (RuntimeException e) {
        return 0; // unreadable: handled (dead-lettered) right away by reenter
      }
    }

    void reenter(KafkaConsumerRecord<String, String> rec) {
      tracker.handOut(rec.partition(), rec.offset());
      SourceRef source = new SourceRef(rec.topic(), rec.partition(), rec.offset(), Addresses.ack(instanceId));
      String problem;
      try {
        JsonObject payload = new JsonObject(rec.value());
        String pipelineName = payload.getString("pipeline");
        PipelineConfig pipeline = app.pipelines().stream().filter(x -> x.name().equals(pipelineName)).findFirst().orElse(null);
        JsonObject original = payload.getJsonObject("original_event");
        ParseResult parsed = parser.parse(original == null ? null : original.encode().getBytes(StandardCharsets.UTF_8));
        if (pipeline == null) {
          problem = "retry record names pipeline '" + pipelineName + "', which is not enabled here";
        } else if (parsed instanceof ParseResult.Valid valid) {
          int retryCount = payload.getJsonObject("failure_info").getInteger("retry_count", 0) + 1;
          vertx.eventBus().send(Addresses.events(pipeline.name()),
              new PipelineEvent(pipeline.name(), valid.event(), source, retryCount, System.currentTimeMillis()));
          return;
        } else {
          problem = "retry record's original_event is invalid: " + ((ParseResult.Malformed) parsed).reason();
        }
      } catch (RuntimeException e) {
        problem = "retry record is not the DLQ payload: " + e.getMessage();
      }
      LOG.warn("retry.record.unusable topic={} partition={} offset={} problem={}", rec.topic(), rec.partition(),
          rec.offset(), problem);
      vertx.eventBus().send(Addresses.REJECTED, new RejectedRecord("retry", source,
          rec.key() == null ? null : rec.key().getBytes(StandardCharsets.UTF_8),
          rec.value() == null ? null : rec.value().getBytes(StandardCharsets.UTF_8), problem));
    }

    Future<Void> commit() {
      return commits.commit();
    }

    Future<Void> stop() {
      vertx.cancelTimer(commitTimer);
      return commit().compose(v -> consumer.close()).recover(err -> Future.succeededFuture());
    }
  }
}
