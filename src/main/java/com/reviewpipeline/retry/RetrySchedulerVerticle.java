package com.reviewpipeline.retry;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.bus.ToBuffer;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.KafkaSettings.RetryStage;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.kafka.TrackedConsumer;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.ingest.ParseResult;
import com.reviewpipeline.ingest.ReviewEventParser;
import com.reviewpipeline.model.BatchAck;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.Rejudge;
import com.reviewpipeline.model.RejectedRecord;
import com.reviewpipeline.model.SourceRef;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    final Map<Integer, Deque<KafkaConsumerRecord<String, String>>> parked = new HashMap<>();
    final ReviewEventParser parser = new ReviewEventParser(app.kafka().maxReviewChars());
    TrackedConsumer<String, String> consumer;
    MessageConsumer<BatchAck> acks;

    StageConsumer(RetryStage stage) {
      this.stage = stage;
    }

    Future<Void> start() {
      acks = vertx.eventBus().localConsumer(Addresses.ack(instanceId),
          m -> consumer.done(m.body().done(), m.body().outcomes()));
      Map<String, String> props = new HashMap<>();
      props.put("bootstrap.servers", app.kafka().bootstrapServers());
      props.put("group.id", app.kafka().retryGroup());
      props.put("client.id", "retry-" + stage.topic() + "-" + instanceId.substring(0, 8));
      props.put("auto.offset.reset", "earliest");
      props.put("max.poll.records", String.valueOf(app.kafka().maxPollRecords()));
      props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
      props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
      props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
      // the same watermarks as ingest bound what re-entered the pipelines and has no outcome yet: after a long
      // outage the due retries come back at the pace the pipelines take them, not all at once
      consumer = new TrackedConsumer<String, String>(vertx, props, stage.topic(), app.kafka(), 200,
          "retry " + stage.topic())
          .handler(this::onRecord)
          .onRevoked(ids -> ids.forEach(parked::remove));
      if (app.kafka().exactlyOnce()) {
        consumer.transactional("review-pipeline-" + app.kafka().retryGroup() + "-" + instanceId);
      }
      return acks.completion().compose(v -> consumer.start())
          .onSuccess(v -> LOG.info("retry.started topic={} delay_ms={}", stage.topic(), stage.delayMs()));
    }

    void onRecord(KafkaConsumerRecord<String, String> rec) {
      int p = rec.partition();
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
        consumer.hold(p);
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
      consumer.release(p);
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
      SourceRef source = new SourceRef(rec.topic(), rec.partition(), rec.offset(), Addresses.ack(instanceId));
      String problem;
      try {
        JsonObject payload = new JsonObject(rec.value());
        String pipelineName = payload.getString("pipeline");
        PipelineConfig pipeline = app.pipelines().stream().filter(x -> x.name().equals(pipelineName)).findFirst().orElse(null);
        JsonObject original = payload.getJsonObject("original_event");
        ParseResult parsed = parser.parse(original == null ? null : original.encode().getBytes(StandardCharsets.UTF_8));
        int retryCount = payload.getJsonObject("failure_info").getInteger("retry_count", 0) + 1;
        if (parsed instanceof ParseResult.Valid valid) {
          PipelineEvent first = new PipelineEvent(String.valueOf(pipelineName), valid.event(), source, retryCount,
              System.currentTimeMillis());
          // an operator's request for a new judgment travels with the retry record (Records.deadLetter)
          PipelineEvent event = payload.getBoolean("rejudge", false) ? first.asRejudged() : first;
          // a failed cascade escalation goes back to its escalation tier with its earlier verdicts (Records.deadLetter)
          if (payload.getValue("escalation") instanceof JsonObject escalation) {
            Rejudge r = Rejudge.fromJson(escalation);
            if (r.kind() == Rejudge.Kind.ESCALATION && app.tiers().containsKey(r.tier())) {
              event = event.withRejudge(r);
            } else {
              // a tier no longer configured (or not an escalation): judged from its first tier, as before
              LOG.warn("retry.escalation.ignored pipeline={} event={} kind={} tier={}", pipelineName, event.id(),
                  r.kind(), r.tier());
            }
          }
          if (pipeline != null) {
            ToBuffer.send(vertx, event);
          } else {
            // its pipeline is gone: one DLQ record with its original event, replayable once the pipeline is back
            Handoff.send(vertx, Addresses.FAILURES, new FailedEvents(List.of(event), "unknown_pipeline",
                "the retry names pipeline '" + pipelineName + "', which is not enabled", false));
          }
          return;
        }
        problem = "retry record's original_event is invalid: " + ((ParseResult.Malformed) parsed).reason();
      } catch (RuntimeException e) {
        problem = "retry record is not the DLQ payload: " + e.getMessage();
      }
      LOG.warn("retry.record.unusable topic={} partition={} offset={} problem={}", rec.topic(), rec.partition(),
          rec.offset(), problem);
      Handoff.send(vertx, Addresses.REJECTED, new RejectedRecord("retry", source,
          rec.key() == null ? null : rec.key().getBytes(StandardCharsets.UTF_8),
          rec.value() == null ? null : rec.value().getBytes(StandardCharsets.UTF_8), problem));
    }

    Future<Void> stop() {
      return consumer.stopReading().compose(v -> consumer.close()).<Void>mapEmpty()
          .recover(err -> Future.succeededFuture());
    }
  }
}
