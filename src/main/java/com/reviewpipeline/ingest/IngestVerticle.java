package com.reviewpipeline.ingest;

import com.reviewpipeline.kafka.FlowControl;
import com.reviewpipeline.kafka.OffsetTracker;
import com.reviewpipeline.kafka.TrackedCommits;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Drain;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.KafkaSettings;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.BatchAck;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.RejectedRecord;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka consumer of one pipeline's group. Hands valid events to the buffer, malformed ones to
 * the failure handler, and commits per partition only the offsets whose outcome Kafka has
 * acknowledged (at-least-once). Pauses its partitions above the in-flight high-water mark.
 */
public final class IngestVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IngestVerticle.class);

  private final AppConfig app;
  private final PipelineConfig pipeline;
  private final String instanceId = UUID.randomUUID().toString();
  private final OffsetTracker tracker = new OffsetTracker();
  private final Set<TopicPartition> assigned = new HashSet<>();

  private KafkaSettings kafka;
  private ReviewEventParser parser;
  private KafkaConsumer<byte[], byte[]> consumer;
  private MessageConsumer<BatchAck> ackConsumer;
  private final Telemetry telemetry;
  /** Backpressure and pause reasons (admin, spend_limit, circuits): whether the partitions should be paused. */
  private FlowControl flow;
  private MessageConsumer<io.vertx.core.json.JsonObject> controlConsumer;
  private boolean stopping;
  private long commitTimer = -1;
  private TrackedCommits commits;

  public IngestVerticle(AppConfig app, Telemetry telemetry, PipelineConfig pipeline) {
    this.app = app;
    this.pipeline = pipeline;
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    kafka = app.kafka();
    flow = new FlowControl(kafka.inflightHighWatermark(), kafka.inflightLowWatermark());
    parser = new ReviewEventParser(kafka.maxReviewChars());
    telemetry.registerInFlight(pipeline.name(), instanceId, tracker::inFlight);
    ackConsumer = vertx.eventBus().localConsumer(Addresses.ack(instanceId), msg -> onAck(msg.body()));
    controlConsumer = vertx.eventBus().consumer(Addresses.CONTROL, msg -> onControl(msg.body()));

    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put("group.id", pipeline.groupId());
    props.put("client.id", pipeline.name() + "-ingest-" + instanceId.substring(0, 8));
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", "earliest");
    props.put("max.poll.records", String.valueOf(kafka.maxPollRecords()));
    props.put("max.poll.interval.ms", String.valueOf(kafka.maxPollIntervalMs()));
    props.put("session.timeout.ms", String.valueOf(kafka.sessionTimeoutMs()));
    props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    consumer = KafkaConsumer.create(vertx, props);
    commits = new TrackedCommits(consumer, kafka.eventsTopic(), tracker,
        err -> LOG.warn("ingest.commit.failed pipeline={} error={}", pipeline.name(), err.toString()));
    // A paused consumer's poll returns only when this times out; a short timeout makes resume prompt.
    consumer.pollTimeout(java.time.Duration.ofMillis(100));
    consumer.handler(this::onRecord);
    consumer.exceptionHandler(err -> LOG.warn("ingest.consumer.error pipeline={} error={}", pipeline.name(), err.toString()));
    consumer.partitionsAssignedHandler(this::onAssigned);
    consumer.partitionsRevokedHandler(this::onRevoked);
    commitTimer = vertx.setPeriodic(kafka.commitIntervalMs(), id -> commit());
    return ackConsumer.completion()
        .compose(v -> controlConsumer.completion())
        .compose(v -> vertx.sharedData().<String, io.vertx.core.json.JsonObject>getAsyncMap(Addresses.ADMIN_PAUSES))
        .compose(pauses -> pauses.get(pipeline.name()))
        .map(pause -> {
          if (pause != null) {
            onControl(pause);
          }
          return null;
        })
        .compose(v -> consumer.subscribe(kafka.eventsTopic()))
        .onSuccess(v -> LOG.info("ingest.started pipeline={} group={} topic={} instance={}",
            pipeline.name(), pipeline.groupId(), kafka.eventsTopic(), instanceId));
  }

  private void onRecord(KafkaConsumerRecord<byte[], byte[]> record) {
    int partition = record.partition();
    if (stopping) {
      // fetched before the pause took effect: left uncommitted for the next run to read
      return;
    }
    if (!assigned.contains(new TopicPartition(record.topic(), partition))) {
      // delivered from a batch fetched before the partition was revoked: the new owner reads it
      return;
    }
    tracker.handOut(partition, record.offset());
    String replayFor = replayTarget(record);
    if (replayFor != null && !replayFor.equals(pipeline.name())) {
      // a manual-review replay for another pipeline: done here without a call
      tracker.done(partition, record.offset());
      return;
    }
    SourceRef source = new SourceRef(record.topic(), partition, record.offset(), Addresses.ack(instanceId));
    telemetry.consumed(pipeline.name());
    ParseResult parsed = parser.parse(record.value());
    if (parsed instanceof ParseResult.Valid valid) {
      vertx.eventBus().send(Addresses.events(pipeline.name()),
          new PipelineEvent(pipeline.name(), valid.event(), source, 0, System.currentTimeMillis()));
    } else if (parsed instanceof ParseResult.Malformed bad) {
      vertx.eventBus().send(Addresses.REJECTED,
          new RejectedRecord(pipeline.name(), source, record.key(), record.value(), bad.reason()));
    }
    if (flow.afterRead(tracker.uncommitted()) == FlowControl.Action.PAUSE) {
      telemetry.backpressurePause(pipeline.name());
      LOG.info("ingest.paused pipeline={} uncommitted={} in_flight={} high_watermark={}",
          pipeline.name(), tracker.uncommitted(), tracker.inFlight(), kafka.inflightHighWatermark());
      consumer.pause(Set.copyOf(assigned));
      // No input arrives while paused: partial buffers would only hold the window open until max_wait.
      vertx.eventBus().publish(Addresses.BUFFER_FLUSH, pipeline.name());
    }
  }

  private static String replayTarget(KafkaConsumerRecord<byte[], byte[]> record) {
    for (var h : record.headers()) {
      if ("replay-for-pipeline".equals(h.key())) {
        return h.value().toString();
      }
    }
    return null;
  }

  private void onAck(BatchAck ack) {
    for (SourceRef ref : ack.done()) {
      tracker.done(ref.partition(), ref.offset());
    }
    if (flow.backpressure() && !stopping) {
      // The window only shrinks on commit: commit now rather than at the next tick.
      commit().onComplete(v -> maybeResume());
    }
  }

  /**
   * Pause or resume on request of the admin API or the Claude verticles (spend limit, no usable
   * key). Each pause has a reason; consumption resumes when the last reason is lifted, so an admin
   * resume does not lift a spend-limit pause.
   */
  private void onControl(io.vertx.core.json.JsonObject cmd) {
    String target = cmd.getString("pipeline", "*");
    if (!target.equals("*") && !target.equals(pipeline.name())) {
      return;
    }
    String action = cmd.getString("action", "");
    String reason = cmd.getString("reason", "admin");
    if (action.equals("pause")) {
      LOG.warn("ingest.paused pipeline={} reason={} by={}", pipeline.name(), reason, cmd.getString("by", "-"));
      if (flow.pause(reason) == FlowControl.Action.PAUSE) {
        if (!assigned.isEmpty()) {
          consumer.pause(Set.copyOf(assigned));
        }
        // in-flight events complete; partial buffers go now rather than after max_wait
        vertx.eventBus().publish(Addresses.BUFFER_FLUSH, pipeline.name());
      }
    } else if (action.equals("resume")) {
      FlowControl.Action next = flow.resume(reason);
      LOG.info("ingest.resume.requested pipeline={} reason={} still_paused_for={}", pipeline.name(), reason, flow.reasons());
      if (next == FlowControl.Action.RESUME && !assigned.isEmpty()) {
        consumer.resume(Set.copyOf(assigned));
      }
    }
    telemetry.paused(pipeline.name(), instanceId, flow.reasons());
  }

  private void maybeResume() {
    if (flow.afterCommit(tracker.uncommitted()) == FlowControl.Action.RESUME) {
      LOG.info("ingest.resumed pipeline={} uncommitted={} low_watermark={}",
          pipeline.name(), tracker.uncommitted(), kafka.inflightLowWatermark());
      consumer.resume(Set.copyOf(assigned));
    }
  }

  private void onAssigned(Set<TopicPartition> partitions) {
    assigned.addAll(partitions);
    telemetry.rebalance(pipeline.name(), "assigned");
    telemetry.assigned(pipeline.name(), instanceId, assigned.stream().map(TopicPartition::getPartition).toList());
    LOG.info("ingest.assigned pipeline={} partitions={}", pipeline.name(), describe(partitions));
    if (flow.paused()) {
      consumer.pause(partitions);
    }
  }

  private void onRevoked(Set<TopicPartition> partitions) {
    LOG.info("ingest.revoked pipeline={} partitions={}", pipeline.name(), describe(partitions));
    telemetry.rebalance(pipeline.name(), "revoked");
    // Commit what is done before forgetting; in-flight events of these partitions will be read
    // again by the next owner (at-least-once).
    commit().onComplete(ar -> {
      assigned.removeAll(partitions);
      telemetry.assigned(pipeline.name(), instanceId, assigned.stream().map(TopicPartition::getPartition).toList());
      tracker.revoke(partitions.stream().map(TopicPartition::getPartition).collect(Collectors.toSet()));
      maybeResume();
    });
  }

  /** Commits every partition whose committable offset moved (see {@link TrackedCommits}). */
  Future<Void> commit() {
    return commits.commit();
  }

  /**
   * The last commit before closing: while a rebalance is in progress (an instance joining or
   * leaving) Kafka refuses commits, so try again while the poll loop completes the rebalance;
   * each success here is an event the next owner does not process again.
   */
  private Future<Void> finalCommit(int attemptsLeft) {
    return commit().compose(v -> {
      if (tracker.changedSinceCommit().isEmpty() || attemptsLeft <= 1) {
        return Future.succeededFuture();
      }
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      vertx.setTimer(300, t -> finalCommit(attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  /**
   * Graceful drain: stop fetching, flush buffers, wait for in-flight events up to the shutdown
   * deadline, commit what is done, close the consumer.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    flow.stopping();
    vertx.cancelTimer(commitTimer);
    Future<Void> pause = assigned.isEmpty() ? Future.succeededFuture() : consumer.pause(Set.copyOf(assigned));
    long deadline = System.currentTimeMillis() + app.shutdownTimeoutMs();
    return pause.transform(v -> {
          vertx.eventBus().publish(Addresses.BUFFER_FLUSH, pipeline.name());
          return Drain.until(vertx, () -> tracker.inFlight() == 0, deadline, 50);
        })
        .compose(v -> finalCommit(10))
        .compose(v -> consumer.close())
        .onComplete(v -> {
          telemetry.unregisterInFlight(pipeline.name(), instanceId);
          LOG.info("ingest.stopped pipeline={} instance={} in_flight_abandoned={}",
              pipeline.name(), instanceId, tracker.inFlight());
        });
  }

  private static String describe(Set<TopicPartition> partitions) {
    return partitions.stream()
        .map(TopicPartition::getPartition)
        .sorted()
        .map(String::valueOf)
        .collect(Collectors.joining(",", "[", "]"));
  }
}
