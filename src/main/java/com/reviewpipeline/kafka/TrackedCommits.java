package com.reviewpipeline.kafka;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits an {@link OffsetTracker}'s commits for one topic: only partitions whose offset or map changed, serialised
 * so commits never reorder, and coalesced so calls made while one commit is queued share it. A failed commit is
 * reported and leaves the tracker unchanged (the next commit carries it). A map longer than the broker accepts
 * ({@code offset.metadata.max.bytes}, which refuses the whole commit) is left out: the offset is still committed, and
 * the done offsets above it would be read again after a crash; {@link TrackedConsumer} pauses a partition before its
 * map gets there. Used from one event loop, like the tracker.
 */
public final class TrackedCommits {

  private static final Logger LOG = LoggerFactory.getLogger(TrackedCommits.class);

  private final java.util.function.Function<Map<TopicPartition, OffsetAndMetadata>, Future<Void>> writer;
  private final String topic;
  private final OffsetTracker tracker;
  private final Consumer<Throwable> onFailure;
  private final MapLimit limit;
  private Future<Void> chain = Future.succeededFuture();
  private boolean queued;
  /** The last commit is over: no more (see {@link #commit}). */
  private boolean closing;
  /** The last commit's tries: one every 300 ms, for 3 s at least (a rebalance in progress refuses commits). */
  private static final long LAST_RETRY_MS = 300;
  private static final long LAST_MIN_MS = 3_000;

  TrackedCommits(KafkaConsumer<?, ?> consumer, String topic, OffsetTracker tracker, MapLimit limit,
      Consumer<Throwable> onFailure) {
    this(offsets -> consumer.commit(offsets).mapEmpty(), topic, tracker, limit, onFailure);
  }

  /**
   * @param writer commits the offsets: the consumer's commit, or a transaction with the outcomes of those offsets
   *     ({@link OutcomeTransactions#write}), called in the turn the offsets are computed
   */
  TrackedCommits(java.util.function.Function<Map<TopicPartition, OffsetAndMetadata>, Future<Void>> writer, String topic,
      OffsetTracker tracker, MapLimit limit, Consumer<Throwable> onFailure) {
    this.limit = limit;
    this.writer = writer;
    this.topic = topic;
    this.tracker = tracker;
    this.onFailure = onFailure;
  }

  /**
   * Completes (never fails) once this commit, or the queued one it joined, is done. Nothing once the last commit is
   * over: the consumer is closing, and a commit on a closed vertx-kafka-client consumer starts a poll thread of its
   * own, which meets the closing one ({@code ConcurrentModificationException}, seen when close revoked partitions).
   */
  public Future<Void> commit() {
    if (closing) {
      return Future.succeededFuture();
    }
    if (queued) {
      return chain;
    }
    queued = true;
    chain = chain.transform(ignored -> {
      queued = false;
      return once();
    });
    return chain;
  }

  private Future<Void> once() {
    Map<Integer, OffsetTracker.Commit> changed = tracker.changedSinceCommit();
    if (changed.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    changed.forEach((partition, commit) -> {
      String metadata = limit.admissible(commit.metadata());
      if (!metadata.equals(commit.metadata())) {
        LOG.warn("consumer.offset_map.too_large topic={} partition={} length={} max={} (committed without it: the done "
            + "offsets above {} would be read again after a crash)", topic, partition, commit.metadata().length(),
            limit.maxBytes(), commit.offset());
      }
      offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(commit.offset(), metadata));
    });
    return writer.apply(offsets)
        .onSuccess(v -> tracker.markCommitted(changed))
        .onFailure(onFailure::accept)
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  /**
   * The last commit before the consumer closes. While a rebalance is in progress (a member joining or leaving) Kafka
   * refuses commits, so it tries again every 300 ms while the poll loop completes the rebalance, until {@code untilMs}
   * (3 s at least); each success is a record the next owner does not process again. Completes true when nothing done
   * was left uncommitted; no commit follows it.
   */
  Future<Boolean> last(Vertx vertx, long untilMs, String consumerName) {
    return lastTry(vertx, Math.max(untilMs, System.currentTimeMillis() + LAST_MIN_MS), consumerName)
        .onComplete(v -> closing = true);
  }

  private Future<Boolean> lastTry(Vertx vertx, long untilMs, String consumerName) {
    return commit().compose(v -> {
      if (tracker.changedSinceCommit().isEmpty()) {
        return Future.succeededFuture(true);
      }
      if (System.currentTimeMillis() + LAST_RETRY_MS > untilMs) {
        LOG.warn("consumer.final_commit.failed consumer={} partitions={}", consumerName,
            tracker.changedSinceCommit().keySet());
        return Future.succeededFuture(false);
      }
      Promise<Boolean> later = Promise.promise();
      vertx.setTimer(LAST_RETRY_MS, t -> lastTry(vertx, untilMs, consumerName).onComplete(later));
      return later.future();
    });
  }
}
