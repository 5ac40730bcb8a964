package com.reviewpipeline.kafka;

import io.vertx.core.Future;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Commits an {@link OffsetTracker}'s committable offsets for one topic: only partitions that
 * moved, serialised so commits never reorder, and coalesced so calls made while one commit is
 * queued share it. A failed commit is reported and leaves the tracker unchanged (the next commit
 * carries it). Used from one event loop, like the tracker.
 */
public final class TrackedCommits {

  private final KafkaConsumer<?, ?> consumer;
  private final String topic;
  private final OffsetTracker tracker;
  private final Consumer<Throwable> onFailure;
  private Future<Void> chain = Future.succeededFuture();
  private boolean queued;

  public TrackedCommits(KafkaConsumer<?, ?> consumer, String topic, OffsetTracker tracker, Consumer<Throwable> onFailure) {
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
    Map<Integer, Long> changed = tracker.changedSinceCommit();
    if (changed.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    changed.forEach((partition, offset) -> offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(offset, "")));
    return consumer.commit(offsets)
        .onSuccess(v -> tracker.markCommitted(changed))
        .onFailure(onFailure::accept)
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }
}
