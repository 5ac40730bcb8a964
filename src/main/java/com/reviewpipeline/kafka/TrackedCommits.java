package com.reviewpipeline.kafka;

import io.vertx.core.Future;
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

  private final KafkaConsumer<?, ?> consumer;
  private final String topic;
  private final OffsetTracker tracker;
  private final Consumer<Throwable> onFailure;
  private final MapLimit limit;
  private Future<Void> chain = Future.succeededFuture();
  private boolean queued;

  TrackedCommits(KafkaConsumer<?, ?> consumer, String topic, OffsetTracker tracker, MapLimit limit,
      Consumer<Throwable> onFailure) {
    this.limit = limit;
    this.consumer = consumer;
    this.topic = topic;
    this.tracker = tracker;
    this.onFailure = onFailure;
  }

  /** Completes (never fails) once this commit, or the queued one it joined, is done. */
  public Future<Void> commit() {
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
    return consumer.commit(offsets)
        .onSuccess(v -> tracker.markCommitted(changed))
        .onFailure(onFailure::accept)
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }
}
