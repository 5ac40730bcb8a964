package com.reviewpipeline.ingest;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Drain;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.bus.Headers;
import com.reviewpipeline.bus.ToBuffer;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.KafkaSettings;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.kafka.TrackedConsumer;
import com.reviewpipeline.model.BatchAck;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.RejectedRecord;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka consumer of one pipeline's group. Hands valid events to the buffer, malformed ones to
 * the failure handler, and commits per partition only the offsets whose outcome Kafka has
 * acknowledged (at-least-once, see {@link TrackedConsumer}). Pauses above the in-flight high-water
 * mark and for the pause reasons the admin API and the Claude stage send.
 */
public final class IngestVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);
  /** How long backpressure may last before the partial buffers are flushed (well below any max_wait). */
  static final long BACKPRESSURE_FLUSH_AFTER_MS = 250;

  private final AppConfig app;
  private final PipelineConfig pipeline;
  private final Telemetry telemetry;
  private final String instanceId = UUID.randomUUID().toString();
  private KafkaSettings kafka;
  private ReviewEventParser parser;
  private TrackedConsumer<byte[], byte[]> consumer;
  private MessageConsumer<BatchAck> ackConsumer;
  private MessageConsumer<JsonObject> controlConsumer;
  /** Events of the poll being handed out, not yet sent to the buffer (see {@link #toBuffer}). */
  private List<PipelineEvent> gathered = new ArrayList<>();

  private final com.reviewpipeline.bus.MessageBatchWaits ledger;

  public IngestVerticle(AppConfig app, Telemetry telemetry, PipelineConfig pipeline) {
    this(app, telemetry, pipeline, null);
  }

  /** @param ledger the process's Message Batches: events waiting in one do not hold a graceful stop (null: none) */
  public IngestVerticle(AppConfig app, Telemetry telemetry, PipelineConfig pipeline,
      com.reviewpipeline.bus.MessageBatchWaits ledger) {
    this.ledger = ledger;
    this.app = app;
    this.pipeline = pipeline;
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    kafka = app.kafka();
    parser = new ReviewEventParser(kafka.maxReviewChars());
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put("group.id", pipeline.groupId());
    props.put("client.id", pipeline.name() + "-ingest-" + instanceId.substring(0, 8));
    props.put("auto.offset.reset", "earliest");
    props.put("max.poll.records", String.valueOf(kafka.maxPollRecords()));
    props.put("max.poll.interval.ms", String.valueOf(kafka.maxPollIntervalMs()));
    props.put("session.timeout.ms", String.valueOf(kafka.sessionTimeoutMs()));
    props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    // a paused consumer's poll returns only when its timeout passes; a short one makes resume prompt
    consumer = new TrackedConsumer<byte[], byte[]>(vertx, props, kafka.eventsTopic(), kafka, 100,
        "ingest " + pipeline.name())
        .handler(this::onRecord)
        .onAssigned(this::onAssigned)
        .onRevoked(this::onRevoked)
        .onSkipped(() -> telemetry.skippedDone(pipeline.name()))
        .onBackpressure(() -> {
          telemetry.backpressurePause(pipeline.name());
          // No input arrives while paused. Usually the calls in flight finish and reading resumes at once; when it
          // has not, the partial buffers may be what holds the in-flight count up: they go now, not after max_wait.
          // Flushing at every pause made small batches (more requests) under a steady backlog.
          vertx.setTimer(BACKPRESSURE_FLUSH_AFTER_MS, t -> {
            if (consumer.backpressured()) {
              vertx.eventBus().publish(Addresses.BUFFER_FLUSH, pipeline.name());
            }
          });
        });
    if (kafka.exactlyOnce()) {
      consumer.transactional("review-pipeline-" + pipeline.groupId() + "-" + instanceId);
    }
    if (ledger != null) {
      // events waiting in Message Batches (minutes to hours) do not hold back the rest of a backlog
      consumer.waitingElsewhere(this::deferred, app.messageBatches().maxWaitingEvents());
    }
    telemetry.registerInFlight(pipeline.name(), instanceId, consumer::inFlight);
    ackConsumer = vertx.eventBus().localConsumer(Addresses.ack(instanceId), msg -> onAck(msg.body()));
    controlConsumer = vertx.eventBus().consumer(Addresses.CONTROL, msg -> onControl(msg.body()));
    return ackConsumer.completion()
        .compose(v -> controlConsumer.completion())
        .compose(v -> startPaused(Addresses.ADMIN_PAUSES))
        .compose(v -> startPaused(Addresses.BUDGET_PAUSES))
        .compose(v -> consumer.start())
        .onSuccess(v -> LOG.info("ingest.started pipeline={} group={} topic={} instance={}",
            pipeline.name(), pipeline.groupId(), kafka.eventsTopic(), instanceId));
  }

  /** Obeys a pause kept in the cluster-wide map {@code name} (admin, budget) for this pipeline, if there is one. */
  private Future<Void> startPaused(String name) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(name)
        .compose(pauses -> pauses.get(pipeline.name()))
        .map(pause -> {
          if (pause != null) {
            onControl(pause);
          }
          return null;
        });
  }

  private void onRecord(KafkaConsumerRecord<byte[], byte[]> record) {
    int partition = record.partition();
    String replayFor = header(record, Headers.REPLAY_FOR_PIPELINE);
    SourceRef source = new SourceRef(record.topic(), partition, record.offset(), Addresses.ack(instanceId));
    if (replayFor != null && !replayFor.equals(pipeline.name())) {
      if (app.pipelines().stream().noneMatch(p -> p.name().equals(replayFor))
          && app.pipelines().get(0).name().equals(pipeline.name())) {
        // no enabled pipeline will judge it: the first one dead-letters it, so it has exactly one outcome
        unknownPipeline(record, source, replayFor);
      } else {
        // a manual-review replay for another pipeline: done here without a call
        consumer.done(partition, record.offset());
      }
      return;
    }
    telemetry.consumed(pipeline.name());
    ParseResult parsed = parser.parse(record.value());
    if (parsed instanceof ParseResult.Valid valid) {
      PipelineEvent event = new PipelineEvent(pipeline.name(), valid.event(), source, 0, System.currentTimeMillis());
      toBuffer("true".equalsIgnoreCase(header(record, Headers.REJUDGE)) ? event.asRejudged() : event);
    } else if (parsed instanceof ParseResult.Malformed bad) {
      Handoff.send(vertx, Addresses.REJECTED,
          new RejectedRecord(pipeline.name(), source, record.key(), record.value(), bad.reason()));
    }
  }

  /**
   * Gathers the events {@link #onRecord} gets in one event-loop task (the consumer hands a poll's records over in
   * one task, or a few) and sends them to the buffer in one acknowledged message as soon as that task ends.
   */
  private void toBuffer(PipelineEvent event) {
    if (gathered.isEmpty()) {
      vertx.runOnContext(v -> {
        List<PipelineEvent> events = gathered;
        gathered = new ArrayList<>();
        ToBuffer.send(vertx, pipeline.name(), events);
      });
    }
    gathered.add(event);
  }

  private void unknownPipeline(KafkaConsumerRecord<byte[], byte[]> record, SourceRef source, String named) {
    telemetry.consumed(pipeline.name());
    ParseResult parsed = parser.parse(record.value());
    if (parsed instanceof ParseResult.Valid valid) {
      Handoff.send(vertx, Addresses.FAILURES, new FailedEvents(List.of(new PipelineEvent(named, valid.event(), source,
          0, System.currentTimeMillis())), "unknown_pipeline",
          "the replay names pipeline '" + named + "', which is not enabled", false));
    } else if (parsed instanceof ParseResult.Malformed bad) {
      Handoff.send(vertx, Addresses.REJECTED,
          new RejectedRecord(pipeline.name(), source, record.key(), record.value(), bad.reason()));
    }
  }

  /** The value of a record's header as text, or null when it has none of that name. */
  private static String header(KafkaConsumerRecord<byte[], byte[]> record, String name) {
    for (var h : record.headers()) {
      if (name.equals(h.key())) {
        return h.value().toString();
      }
    }
    return null;
  }

  private void onAck(BatchAck ack) {
    consumer.done(ack.done(), ack.outcomes());
  }

  /**
   * Pause or resume on request of the admin API or the Claude verticles (spend limit, no usable
   * key, a circuit). Each pause has a reason; consumption resumes when the last reason is lifted, so
   * an admin resume does not lift a spend-limit pause.
   */
  private void onControl(JsonObject cmd) {
    String target = cmd.getString("pipeline", "*");
    if (!target.equals("*") && !target.equals(pipeline.name())) {
      return;
    }
    String action = cmd.getString("action", "");
    String reason = cmd.getString("reason", "admin");
    if (action.equals("pause")) {
      LOG.warn("ingest.paused pipeline={} reason={} by={}", pipeline.name(), reason, cmd.getString("by", "-"));
      if (consumer.pause(reason)) {
        // in-flight events complete; partial buffers go now rather than after max_wait
        vertx.eventBus().publish(Addresses.BUFFER_FLUSH, pipeline.name());
      }
    } else if (action.equals("resume")) {
      consumer.resume(reason);
      LOG.info("ingest.resume.requested pipeline={} reason={} still_paused_for={}", pipeline.name(), reason,
          consumer.pauseReasons());
    }
    telemetry.paused(pipeline.name(), instanceId, consumer.pauseReasons());
  }

  private void onAssigned(Set<Integer> partitions) {
    telemetry.rebalance(pipeline.name(), "assigned");
    telemetry.assigned(pipeline.name(), instanceId, consumer.partitions());
    LOG.info("ingest.assigned pipeline={} partitions={}", pipeline.name(), describe(partitions));
  }

  private void onRevoked(Set<Integer> partitions) {
    telemetry.rebalance(pipeline.name(), "revoked");
    telemetry.assigned(pipeline.name(), instanceId, consumer.partitions());
    LOG.info("ingest.revoked pipeline={} partitions={}", pipeline.name(), describe(partitions));
  }

  /** Commits every partition whose committable offset moved. */
  Future<Void> commit() {
    return consumer.commit();
  }

  /**
   * Graceful drain: stop fetching, flush buffers, wait for in-flight events up to the shutdown deadline, commit
   * what is done, close the consumer. A drain that ends with events in flight or done offsets uncommitted is
   * reported to telemetry, so the process can exit with a code that says so.
   */
  @Override
  public Future<?> stop() {
    long deadline = System.currentTimeMillis() + app.shutdownTimeoutMs();
    return consumer.stopReading()
        .transform(v -> {
          vertx.eventBus().publish(Addresses.BUFFER_FLUSH, pipeline.name());
          // events in a submitted Message Batch are not waited for: it may run for hours, its id is durable and a
          // restart polls it again (their offsets stay uncommitted, so they are read again and wait for it)
          return Drain.until(vertx, () -> consumer.inFlight() <= deferred(), deadline, 50);
        })
        .compose(drained -> {
          int waiting = deferred(); // counted before closing: a closed consumer owns no partitions
          // the last commit may wait out a rebalance until the deadline: each record it records done is one the
          // next owner does not judge, and bill, again
          return consumer.close(deadline).map(committed -> {
            int abandoned = consumer.inFlight() - waiting;
            if (!drained || abandoned > 0) {
              telemetry.uncleanStop("ingest " + pipeline.name() + ": " + abandoned + " events still in flight at the "
                  + "drain deadline");
            }
            if (!committed) {
              telemetry.uncleanStop("ingest " + pipeline.name() + ": the final commit failed");
            }
            return null;
          });
        })
        .onComplete(v -> {
          telemetry.unregisterInFlight(pipeline.name(), instanceId);
          LOG.info("ingest.stopped pipeline={} instance={} in_flight_abandoned={}", pipeline.name(), instanceId,
              consumer.inFlight());
        });
  }

  private int deferred() {
    return ledger == null ? 0 : ledger.deferredIn(pipeline.name(), kafka.eventsTopic(), consumer.partitions());
  }

  private static String describe(Set<Integer> partitions) {
    return partitions.stream().sorted().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
  }
}
