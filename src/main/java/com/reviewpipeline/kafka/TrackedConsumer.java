package com.reviewpipeline.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import com.reviewpipeline.config.KafkaSettings;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka consumer that commits only what is done: every record handed to the owner is tracked until the owner
 * calls {@link #done}; each commit carries, per partition, the first offset not yet done and, in its metadata, the
 * map of the offsets done above it ({@link OffsetMapCodec}); a newly assigned partition first reads its committed map
 * and skips the records it names, so nothing done is processed again after a crash, a rebalance or a scale change.
 * Revoked partitions commit what is done before they go. {@link FlowControl} pauses the partitions while too many
 * records are in flight (read, not done) or while a pause reason is set; a partition whose map nears the broker's
 * metadata limit pauses alone until it shrinks. Ingest, the retry scheduler and the database sinks are each one of
 * these with their own record handler. Used from the owner's event loop.
 */
public final class TrackedConsumer<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(TrackedConsumer.class);

  private final Vertx vertx;
  private final KafkaConsumer<K, V> consumer;
  private final String topic;
  private final String name;
  private final long commitIntervalMs;
  private final OffsetTracker tracker = new OffsetTracker();
  private TrackedCommits commits;
  /** Exactly-once delivery: the outcomes written with the offsets; null: at-least-once. */
  private OutcomeTransactions transactions;
  private final GroupAwareConsumer<K, V> nativeConsumer;
  private final KafkaSettings kafka;
  private final FlowControl flow;
  private final Set<TopicPartition> assigned;
  /** Which partitions run and which are held, and why. */
  private final PartitionPauses pauses;
  /** Pauses partitions whose offset map nears the metadata limit. */
  private final MapLimit mapLimit;
  private final CommittedMaps maps;
  /** Records of partitions whose committed map is still being read: handed out once it is. */
  private final MapLoading<K, V> loading;
  private Consumer<KafkaConsumerRecord<K, V>> handler = r -> { };
  private Consumer<Set<Integer>> onAssigned = p -> { };
  private Consumer<Set<Integer>> onRevoked = p -> { };
  private Runnable onBackpressure = () -> { };
  private Runnable onSkipped = () -> { };
  private long commitTimer = -1;
  private boolean stopping;
  /** Records in flight that wait elsewhere for hours (Message Batches); null: none. See {@link #waitingElsewhere}. */
  private java.util.function.IntSupplier waitingElsewhere;
  private int maxWaitingElsewhere;
  /** {@link #waitingElsewhere}'s count, capped, as of the last refresh (every {@link #WAITING_REFRESH_MS}). */
  private int excluded;
  private long waitingTimer = -1;
  static final long WAITING_REFRESH_MS = 100;

  /**
   * @param props the consumer's properties; auto-commit is always off
   * @param name how this consumer appears in logs (e.g. {@code ingest review-moderator})
   */
  public TrackedConsumer(Vertx vertx, Map<String, String> props, String topic, KafkaSettings kafka, long pollTimeoutMs,
      String name) {
    Map<String, String> p = new java.util.HashMap<>(props);
    p.put("enable.auto.commit", "false");
    if (kafka.exactlyOnce()) {
      // outcomes of aborted transactions (a fenced or dead process's) are never read
      p.put("isolation.level", "read_committed");
    }
    this.vertx = vertx;
    this.kafka = kafka;
    this.nativeConsumer = new GroupAwareConsumer<>(p);
    this.consumer = KafkaConsumer.create(vertx, nativeConsumer);
    this.topic = topic;
    this.name = name;
    this.flow = new FlowControl(kafka.inflightHighWatermark(), kafka.inflightLowWatermark());
    this.commitIntervalMs = kafka.commitIntervalMs();
    this.mapLimit = new MapLimit(kafka.offsetMapMaxBytes());
    this.maps = new CommittedMaps(vertx, p, topic);
    this.loading = new MapLoading<>(consumer, tracker, maps, name);
    this.pauses = new PartitionPauses(consumer, topic, name, flow, mapLimit, loading::loading);
    loading.wire(pauses, this::onRecord);
    this.assigned = pauses.assigned;
    this.commits = new TrackedCommits(consumer, topic, tracker, mapLimit,
        err -> LOG.warn("consumer.commit.failed consumer={} topic={} error={}", name, topic, err.toString()));
    consumer.pollTimeout(java.time.Duration.ofMillis(pollTimeoutMs));
    consumer.handler(this::onRecord);
    consumer.exceptionHandler(err -> LOG.warn("consumer.error consumer={} topic={} error={}", name, topic, err.toString()));
    consumer.partitionsAssignedHandler(this::assigned);
    consumer.partitionsRevokedHandler(this::revoked);
  }

  /**
   * Exactly-once delivery ({@code delivery.mode: exactly_once}): the owner hands each record's outcome records to
   * {@link #done(int, long, java.util.List)} instead of writing them, and every commit is a transaction of those
   * outcomes with the offsets ({@link OutcomeTransactions}). Call before {@link #start}.
   *
   * @param transactionalId unique to this consumer instance
   */
  public TrackedConsumer<K, V> transactional(String transactionalId) {
    transactions = new OutcomeTransactions(vertx, kafka.bootstrapServers(), transactionalId,
        kafka.transactionTimeoutMs(), nativeConsumer::lastGroupMetadata, name);
    commits = new TrackedCommits(transactions::write, topic, tracker, mapLimit,
        err -> LOG.warn("consumer.commit.failed consumer={} topic={} error={}", name, topic, err.toString()));
    return this;
  }

  /** Receives each record of an assigned partition, already tracked: the owner must call {@link #done} for it. */
  public TrackedConsumer<K, V> handler(Consumer<KafkaConsumerRecord<K, V>> handler) {
    this.handler = handler;
    return this;
  }

  public TrackedConsumer<K, V> onAssigned(Consumer<Set<Integer>> hook) {
    this.onAssigned = hook;
    return this;
  }

  /** Called once the revoked partitions' done offsets are committed and they are forgotten. */
  public TrackedConsumer<K, V> onRevoked(Consumer<Set<Integer>> hook) {
    this.onRevoked = hook;
    return this;
  }

  /** Called when backpressure pauses the partitions (ingest flushes its buffers then). */
  public TrackedConsumer<K, V> onBackpressure(Runnable hook) {
    this.onBackpressure = hook;
    return this;
  }

  /**
   * Records in flight that wait elsewhere for a long time (events in a submitted Message Batch, answered within
   * hours) do not count toward the high watermark, up to {@code max} of them: counted, they would stop the consumer
   * after one watermark's worth of a backlog. {@code waiting} is read every {@value #WAITING_REFRESH_MS} ms, and a
   * consumer held by backpressure resumes when what is left counted falls to the low watermark.
   */
  public TrackedConsumer<K, V> waitingElsewhere(java.util.function.IntSupplier waiting, int max) {
    this.waitingElsewhere = waiting;
    this.maxWaitingElsewhere = max;
    return this;
  }

  /** Records in flight that count toward the watermarks. */
  private int counted() {
    return tracker.inFlight() - excluded;
  }

  private void refreshWaiting() {
    excluded = Math.max(0, Math.min(waitingElsewhere.getAsInt(), maxWaitingElsewhere));
    if (flow.afterDone(counted()) == FlowControl.Action.RESUME) {
      LOG.info("consumer.resumed consumer={} in_flight={} waiting_elsewhere={} low_watermark={}", name,
          tracker.inFlight(), excluded, flow.lowWatermark());
      pauses.resumeAssigned();
    }
  }

  /** Called for each record skipped because the committed offset map says it is done. */
  public TrackedConsumer<K, V> onSkipped(Runnable hook) {
    this.onSkipped = hook;
    return this;
  }

  public Future<Void> start() {
    commitTimer = vertx.setPeriodic(commitIntervalMs, t -> commit().onComplete(v -> pauses.afterCommit(tracker)));
    if (waitingElsewhere != null && maxWaitingElsewhere > 0) {
      waitingTimer = vertx.setPeriodic(WAITING_REFRESH_MS, t -> refreshWaiting());
    }
    Future<Void> producer = transactions == null ? Future.succeededFuture() : transactions.start();
    return producer.compose(v -> maps.start()).compose(v -> consumer.subscribe(topic));
  }

  private void onRecord(KafkaConsumerRecord<K, V> record) {
    if (stopping) {
      return; // fetched before the pause took effect: left uncommitted for the next run to read
    }
    if (!assigned.contains(new TopicPartition(record.topic(), record.partition()))) {
      return; // fetched before the partition was revoked: the new owner reads it
    }
    if (loading.waits(record)) {
      return; // its partition's committed map is not read yet
    }
    if (tracker.skipIfDone(record.partition(), record.offset())) {
      onSkipped.run(); // done before the last commit: judged, and billed, once
      return;
    }
    tracker.handOut(record.partition(), record.offset());
    if (flow.afterRead(counted()) == FlowControl.Action.PAUSE) {
      LOG.info("consumer.paused consumer={} in_flight={} waiting_elsewhere={} high_watermark={}", name,
          tracker.inFlight(), excluded, flow.highWatermark());
      pauses.pauseAssigned();
      onBackpressure.run();
    }
    handler.accept(record);
  }

  /**
   * The records of these outcomes have them: in exactly-once delivery the outcomes are written with the commit of
   * their offsets; in at-least-once they are written already and only the offsets count.
   */
  public void done(java.util.List<com.reviewpipeline.model.SourceRef> sources,
      java.util.List<com.reviewpipeline.model.BatchAck.Outcome> outcomes) {
    if (transactions != null) {
      transactions.add(outcomes.stream().filter(o -> owns(o.source().partition())).toList());
    } else if (!outcomes.isEmpty()) {
      throw new IllegalStateException("outcome records handed to an at-least-once consumer: they would be lost");
    }
    for (com.reviewpipeline.model.SourceRef ref : sources) {
      done(ref.partition(), ref.offset());
    }
  }

  /** The record at {@code offset} of {@code partition} has its outcome. */
  public void done(int partition, long offset) {
    if (tracker.done(partition, offset) && flow.afterDone(counted()) == FlowControl.Action.RESUME) {
      LOG.info("consumer.resumed consumer={} in_flight={} low_watermark={}", name, tracker.inFlight(),
          flow.lowWatermark());
      pauses.resumeAssigned();
    }
  }

  /** Pauses every partition for {@code reason}; true when this paused a running consumer. */
  public boolean pause(String reason) {
    if (flow.pause(reason) == FlowControl.Action.PAUSE) {
      pauses.pauseAssigned();
      return true;
    }
    return false;
  }

  /** Lifts {@code reason}; the partitions resume when nothing else holds them. */
  public void resume(String reason) {
    if (flow.resume(reason) == FlowControl.Action.RESUME) {
      pauses.resumeAssigned();
    }
  }

  /** Pauses one partition on the owner's account until {@link #release}. */
  public void hold(int partition) {
    pauses.hold(partition);
  }

  /** Ends {@link #hold}; the partition resumes unless the consumer as a whole is paused. */
  public void release(int partition) {
    pauses.release(partition);
  }

  /** A newly assigned partition is paused while its committed offset map is read ({@link MapLoading}). */
  private void assigned(Set<TopicPartition> partitions) {
    assigned.addAll(partitions);
    Set<Integer> ids = ids(partitions);
    loading.assigned(partitions, ids);
    onAssigned.accept(ids);
  }

  private void revoked(Set<TopicPartition> partitions) {
    // commit what is done before forgetting; what is in flight is read again by the next owner (at-least-once)
    commit().onComplete(ar -> {
      assigned.removeAll(partitions);
      Set<Integer> ids = ids(partitions);
      pauses.held.removeAll(ids);
      mapLimit.forget(ids);
      loading.forget(ids);
      tracker.revoke(ids);
      if (transactions != null) {
        transactions.forget(ids);
      }
      onRevoked.accept(ids);
    });
  }

  private static Set<Integer> ids(Set<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::getPartition).collect(Collectors.toSet());
  }

  /** Commits every partition whose committable offset moved; never fails (nothing once closing). */
  public Future<Void> commit() {
    // read_committed: a drained partition's commit passes the transaction markers after its last record
    nativeConsumer.readTo().forEach((p, at) -> tracker.readPast(p, at[0], at[1]));
    return commits.commit();
  }

  /** Stops reading: every partition paused for good, the commit timer off. Records still arriving are dropped. */
  public Future<Void> stopReading() {
    stopping = true;
    flow.stopping();
    vertx.cancelTimer(commitTimer);
    vertx.cancelTimer(waitingTimer);
    return assigned.isEmpty() ? Future.succeededFuture() : consumer.pause(Set.copyOf(assigned));
  }

  /** {@link #close(long)} with 3 s for the last commit. */
  public Future<Boolean> close() {
    return close(0);
  }

  /**
   * The last commit ({@link TrackedCommits#last}: tried again through a rebalance until {@code untilMs}, 3 s at
   * least), then close. Completes true when nothing done was left uncommitted.
   */
  public Future<Boolean> close(long untilMs) {
    return commits.last(vertx, untilMs, name).compose(clean -> consumer.close().map(clean).otherwise(clean))
        .compose(clean -> transactions == null ? Future.succeededFuture(clean)
            : transactions.close().map(clean).otherwise(clean))
        .onComplete(v -> maps.close());
  }

  /** Records handed to the owner and not yet done. */
  public int inFlight() {
    return tracker.inFlight();
  }

  /** Records skipped because the committed map said they were done. */
  public long skipped() {
    return tracker.skipped();
  }

  /** Whether the consumer is paused (backpressure, a reason, stopping). */
  public boolean paused() {
    return flow.paused();
  }

  /** Whether backpressure (too many records in flight) holds the partitions now. */
  public boolean backpressured() {
    return flow.backpressure();
  }

  public Set<String> pauseReasons() {
    return flow.reasons();
  }

  /** The partitions this consumer owns now. */
  public Set<Integer> partitions() {
    return ids(assigned);
  }

  public boolean owns(int partition) {
    return assigned.contains(new TopicPartition(topic, partition));
  }
}
