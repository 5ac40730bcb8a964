package com.reviewpipeline.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of a {@link TrackedConsumer}'s partitions run: a partition is paused while the consumer as a whole is
 * ({@link FlowControl}: backpressure, a pause reason, stopping), while the owner holds it (the retry scheduler
 * waiting for a due time), while its offset map nears the metadata limit ({@link MapLimit}) and while its committed
 * map is being read; it resumes when nothing holds it. Used from the consumer's event loop.
 */
final class PartitionPauses {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionPauses.class);

  private final KafkaConsumer<?, ?> consumer;
  private final String topic;
  private final String name;
  private final FlowControl flow;
  private final MapLimit mapLimit;
  private final IntPredicate loading;
  /** The partitions the consumer owns now. */
  final Set<TopicPartition> assigned = new HashSet<>();
  /** Partitions the owner holds paused on its own account. */
  final Set<Integer> held = new HashSet<>();

  /** @param loading whether a partition's committed map is still being read */
  PartitionPauses(KafkaConsumer<?, ?> consumer, String topic, String name, FlowControl flow, MapLimit mapLimit,
      IntPredicate loading) {
    this.consumer = consumer;
    this.topic = topic;
    this.name = name;
    this.flow = flow;
    this.mapLimit = mapLimit;
    this.loading = loading;
  }

  /** After each commit: a partition whose map nears the metadata limit pauses alone until it shrinks. */
  void afterCommit(OffsetTracker tracker) {
    for (Integer partition : tracker.partitions()) {
      int length = tracker.metadataLength(partition);
      TopicPartition tp = new TopicPartition(topic, partition);
      switch (mapLimit.after(partition, length)) {
        case PAUSE -> {
          LOG.warn("consumer.offset_map.paused consumer={} partition={} length={} max={}", name, partition, length,
              mapLimit.maxBytes());
          consumer.pause(Set.of(tp));
        }
        case RESUME -> {
          LOG.info("consumer.offset_map.resumed consumer={} partition={} length={}", name, partition, length);
          resumeIfFree(tp);
        }
        default -> { }
      }
    }
  }

  void hold(int partition) {
    held.add(partition);
    consumer.pause(Set.of(new TopicPartition(topic, partition)));
  }

  void release(int partition) {
    if (held.remove(partition)) {
      resumeIfFree(new TopicPartition(topic, partition));
    }
  }

  /** Resumes one partition unless something else holds it. */
  void resumeIfFree(TopicPartition tp) {
    int p = tp.getPartition();
    if (assigned.contains(tp) && !flow.paused() && !held.contains(p) && !mapLimit.holds(p) && !loading.test(p)) {
      consumer.resume(Set.of(tp));
    }
  }

  void pauseAssigned() {
    if (!assigned.isEmpty()) {
      consumer.pause(Set.copyOf(assigned));
    }
  }

  void resumeAssigned() {
    Set<TopicPartition> running = assigned.stream().filter(tp -> !held.contains(tp.getPartition())
        && !mapLimit.holds(tp.getPartition()) && !loading.test(tp.getPartition())).collect(Collectors.toSet());
    if (!running.isEmpty()) {
      consumer.resume(running);
    }
  }
}
