package com.reviewpipeline.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
 * calls {@link #done}, commits carry each partition's first offset not yet done, revoked partitions commit what is
 * done before they go, and {@link FlowControl} pauses the partitions while too much is read but not committed or
 * while a pause reason is set. Ingest, the retry scheduler and the database sinks are each one of these with their
 * own record handler. Used from the owner's event loop.
 */
public final class TrackedConsumer<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(TrackedConsumer.class);

  private final Vertx vertx;
  private final KafkaConsumer<K, V> consumer;
  private final String topic;
  private final String name;
  private final long commitIntervalMs;
  private final OffsetTracker tracker = new OffsetTracker();
  private final TrackedCommits commits;
  private final FlowControl flow;
  private final Set<TopicPartition> assigned = new HashSet<>();
  /** Partitions the owner holds paused on its own account (the retry scheduler waiting for a due time). */
  private final Set<Integer> held = new HashSet<>();
  private Consumer<KafkaConsumerRecord<K, V>> handler = r -> { };
  private Consumer<Set<Integer>> onAssigned = p -> { };
  private Consumer<Set<Integer>> onRevoked = p -> { };
  private Runnable onBackpressure = () -> { };
  private long commitTimer = -1;
  private boolean stopping;
  /** A commit made to shrink the backpressure window is on its way. */
  private boolean backpressureCommit;

  /**
   * @param props the consumer's properties; auto-commit is always off
   * @param name how this consumer appears in logs (e.g. {@code ingest review-moderator})
   */
  public TrackedConsumer(Vertx vertx, Map<String, String> props, String topic, FlowControl flow, long commitIntervalMs,
      long pollTimeoutMs, String name) {
    Map<String, String> p = new java.util.HashMap<>(props);
    p.put("enable.auto.commit", "false");
    this.vertx = vertx;
    this.consumer = KafkaConsumer.create(vertx, p);
    this.topic = topic;
    this.name = name;
    this.flow = flow;
    this.commitIntervalMs = commitIntervalMs;
    this.commits = new TrackedCommits(consumer, topic, tracker,
        err -> LOG.warn("consumer.commit.failed consumer={} topic={} error={}", name, topic, err.toString()));
    consumer.pollTimeout(java.time.Duration.ofMillis(pollTimeoutMs));
    consumer.handler(this::onRecord);
    consumer.exceptionHandler(err -> LOG.warn("consumer.error consumer={} topic={} error={}", name, topic, err.toString()));
    consumer.partitionsAssignedHandler(this::assigned);
    consumer.partitionsRevokedHandler(this::revoked);
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

  public Future<Void> start() {
    commitTimer = vertx.setPeriodic(commitIntervalMs, t -> commit().onComplete(v -> afterCommit()));
    return consumer.subscribe(topic);
  }

  private void onRecord(KafkaConsumerRecord<K, V> record) {
    if (stopping) {
      return; // fetched before the pause took effect: left uncommitted for the next run to read
    }
    if (!assigned.contains(new TopicPartition(record.topic(), record.partition()))) {
      return; // fetched before the partition was revoked: the new owner reads it
    }
    tracker.handOut(record.partition(), record.offset());
    if (flow.afterRead(tracker.uncommitted()) == FlowControl.Action.PAUSE) {
      LOG.info("consumer.paused consumer={} uncommitted={} in_flight={} high_watermark={}", name,
          tracker.uncommitted(), tracker.inFlight(), flow.highWatermark());
      pauseAssigned();
      onBackpressure.run();
    }
    handler.accept(record);
  }

  /** The record at {@code offset} of {@code partition} has its outcome. */
  public void done(int partition, long offset) {
    tracker.done(partition, offset);
    shrinkWindow();
  }

  /**
   * Under backpressure the window only shrinks on commit: commit now rather than at the next tick, once for all the
   * offsets done meanwhile, and again when more were done while it was on its way.
   */
  private void shrinkWindow() {
    if (!flow.backpressure() || backpressureCommit) {
      return;
    }
    backpressureCommit = true;
    commit().onComplete(v -> {
      backpressureCommit = false;
      afterCommit();
      if (!tracker.changedSinceCommit().isEmpty()) {
        shrinkWindow();
      }
    });
  }

  private void afterCommit() {
    if (flow.afterCommit(tracker.uncommitted()) == FlowControl.Action.RESUME) {
      LOG.info("consumer.resumed consumer={} uncommitted={} low_watermark={}", name, tracker.uncommitted(),
          flow.lowWatermark());
      resumeAssigned();
    }
  }

  /** Pauses every partition for {@code reason}; true when this paused a running consumer. */
  public boolean pause(String reason) {
    if (flow.pause(reason) == FlowControl.Action.PAUSE) {
      pauseAssigned();
      return true;
    }
    return false;
  }

  /** Lifts {@code reason}; the partitions resume when nothing else holds them. */
  public void resume(String reason) {
    if (flow.resume(reason) == FlowControl.Action.RESUME) {
      resumeAssigned();
    }
  }

  /** Pauses one partition on the owner's account until {@link #release}. */
  public void hold(int partition) {
    held.add(partition);
    consumer.pause(Set.of(new TopicPartition(topic, partition)));
  }

  /** Ends {@link #hold}; the partition resumes unless the consumer as a whole is paused. */
  public void release(int partition) {
    TopicPartition tp = new TopicPartition(topic, partition);
    if (held.remove(partition) && assigned.contains(tp) && !flow.paused()) {
      consumer.resume(Set.of(tp));
    }
  }

  private void pauseAssigned() {
    if (!assigned.isEmpty()) {
      consumer.pause(Set.copyOf(assigned));
    }
  }

  private void resumeAssigned() {
    Set<TopicPartition> running = assigned.stream().filter(tp -> !held.contains(tp.getPartition()))
        .collect(Collectors.toSet());
    if (!running.isEmpty()) {
      consumer.resume(running);
    }
  }

  private void assigned(Set<TopicPartition> partitions) {
    assigned.addAll(partitions);
    if (flow.paused()) {
      consumer.pause(partitions);
    }
    onAssigned.accept(ids(partitions));
  }

  private void revoked(Set<TopicPartition> partitions) {
    // commit what is done before forgetting; what is in flight is read again by the next owner (at-least-once)
    commit().onComplete(ar -> {
      assigned.removeAll(partitions);
      Set<Integer> ids = ids(partitions);
      held.removeAll(ids);
      tracker.revoke(ids);
      onRevoked.accept(ids);
      afterCommit();
    });
  }

  private static Set<Integer> ids(Set<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::getPartition).collect(Collectors.toSet());
  }

  /** Commits every partition whose committable offset moved; never fails. */
  public Future<Void> commit() {
    return commits.commit();
  }

  /** Stops reading: every partition paused for good, the commit timer off. Records still arriving are dropped. */
  public Future<Void> stopReading() {
    stopping = true;
    flow.stopping();
    vertx.cancelTimer(commitTimer);
    return assigned.isEmpty() ? Future.succeededFuture() : consumer.pause(Set.copyOf(assigned));
  }

  /**
   * The last commit, then close. While a rebalance is in progress (a member joining or leaving) Kafka refuses
   * commits, so it tries again while the poll loop completes the rebalance; each success is a record the next owner
   * does not process again. Completes true when nothing done was left uncommitted.
   */
  public Future<Boolean> close() {
    return finalCommit(10).compose(clean -> consumer.close().map(clean).otherwise(clean));
  }

  private Future<Boolean> finalCommit(int attemptsLeft) {
    return commit().compose(v -> {
      if (tracker.changedSinceCommit().isEmpty()) {
        return Future.succeededFuture(true);
      }
      if (attemptsLeft <= 1) {
        LOG.warn("consumer.final_commit.failed consumer={} partitions={}", name, tracker.changedSinceCommit().keySet());
        return Future.succeededFuture(false);
      }
      Promise<Boolean> later = Promise.promise();
      vertx.setTimer(300, t -> finalCommit(attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  /** Records handed to the owner and not yet done. */
  public int inFlight() {
    return tracker.inFlight();
  }

  /** Offsets read since the last commit (the backpressure window). */
  public long uncommitted() {
    return tracker.uncommitted();
  }

  /** Whether the consumer is paused (backpressure, a reason, stopping). */
  public boolean paused() {
    return flow.paused();
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
