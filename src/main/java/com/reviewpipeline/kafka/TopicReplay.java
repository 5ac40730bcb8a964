package com.reviewpipeline.kafka;

import com.reviewpipeline.config.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A topic a process reads whole at start, then follows while it runs, without a consumer group (every process
 * reads every record, its own writes included): the Message Batches waited for, the agreement ledger. Records come
 * in the topic's order, so processes that fold the same records hold the same state.
 */
public final class TopicReplay {

  private static final Logger LOG = LoggerFactory.getLogger(TopicReplay.class);
  /** How long {@link #load} may take before start-up fails instead of running on a partial state. */
  static final long LOAD_TIMEOUT_MS = 60_000;

  private final KafkaSettings kafka;
  private final String topic;
  /** Where {@link #load} stopped reading, per partition: {@link #follow} goes on from there. */
  private volatile Map<TopicPartition, Long> loadedTo = Map.of();
  private io.vertx.kafka.client.consumer.KafkaConsumer<String, String> follower;

  public TopicReplay(KafkaSettings kafka, String topic) {
    this.kafka = kafka;
    this.topic = topic;
  }

  private Properties props() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    p.put("enable.auto.commit", "false");
    p.put("allow.auto.create.topics", "false");
    return p;
  }

  /**
   * Every record from the beginning to the end the topic had when called, in order. Blocking: off the event loop.
   *
   * @return false when the topic does not exist (nothing read, nothing to follow)
   */
  public boolean load(Consumer<ConsumerRecord<String, String>> each) {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props())) {
      List<org.apache.kafka.common.PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        return false;
      }
      List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      loadedTo = Map.copyOf(end);
      long deadline = System.currentTimeMillis() + LOAD_TIMEOUT_MS;
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
        }
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          each.accept(r);
        }
      }
    }
    return true;
  }

  /** From where {@link #load} stopped, every record appended since, on the caller's context; nothing without a load. */
  public Future<Void> follow(Vertx vertx, Consumer<io.vertx.kafka.client.consumer.KafkaConsumerRecord<String, String>> each) {
    if (loadedTo.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, String> p = new HashMap<>();
    props().forEach((k, v) -> p.put(String.valueOf(k), String.valueOf(v)));
    follower = io.vertx.kafka.client.consumer.KafkaConsumer.create(vertx, p);
    follower.handler(r -> {
      try {
        each.accept(r);
      } catch (RuntimeException e) {
        LOG.warn("topic.follow.unreadable topic={} key={} offset={} error={}", topic, r.key(), r.offset(), e.toString());
      }
    });
    follower.exceptionHandler(e -> LOG.warn("topic.follow.error topic={} error={}", topic, e.toString()));
    Map<io.vertx.kafka.client.common.TopicPartition, Long> from = new HashMap<>();
    loadedTo.forEach((tp, offset) -> from.put(new io.vertx.kafka.client.common.TopicPartition(tp.topic(),
        tp.partition()), offset));
    return follower.assign(from.keySet()).compose(v -> Future.all(from.entrySet().stream()
        .map(e -> follower.seek(e.getKey(), e.getValue())).toList())).mapEmpty();
  }

  public Future<Void> close() {
    return follower == null ? Future.succeededFuture() : follower.close();
  }
}
