package com.reviewpipeline.claude;

import com.reviewpipeline.config.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where submitted Message Batches are kept until their results are handled: the compacted topic in service
 * ({@link Topic}); the cost bench, which runs without a broker, keeps them in memory ({@link #inMemory}).
 */
public interface MessageBatchStore {

  /** Every batch put and not removed. May block: called off the event loop. */
  List<MessageBatchLedger.Submitted> load() throws Exception;

  Future<Void> put(MessageBatchLedger.Submitted batch);

  Future<Void> remove(String id);

  /**
   * From where {@link #load} stopped, what every process puts and removes (this one's own writes included): {@code
   * changed} gets (id, batch) for a put and (id, null) for a removal, on the caller's context. This is how the nodes
   * of a cluster learn of each other's batches while they run, not only at start.
   */
  default Future<Void> follow(Vertx vertx, BiConsumer<String, MessageBatchLedger.Submitted> changed) {
    return Future.succeededFuture();
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * A store that forgets everything when the process ends (no restart to resume from). Processes given the same
   * instance (tests) follow each other's writes as the nodes of a cluster do through the topic.
   */
  static MessageBatchStore inMemory() {
    Map<String, MessageBatchLedger.Submitted> kept = new java.util.concurrent.ConcurrentHashMap<>();
    List<java.util.function.Consumer<Map.Entry<String, MessageBatchLedger.Submitted>>> followers =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    return new MessageBatchStore() {
      @Override
      public List<MessageBatchLedger.Submitted> load() {
        return List.copyOf(kept.values());
      }

      @Override
      public Future<Void> put(MessageBatchLedger.Submitted batch) {
        kept.put(batch.id(), batch);
        followers.forEach(f -> f.accept(new java.util.AbstractMap.SimpleEntry<>(batch.id(), batch)));
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> remove(String id) {
        kept.remove(id);
        followers.forEach(f -> f.accept(new java.util.AbstractMap.SimpleEntry<>(id, null)));
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> follow(Vertx vertx, BiConsumer<String, MessageBatchLedger.Submitted> changed) {
        io.vertx.core.Context context = vertx.getOrCreateContext();
        followers.add(e -> context.runOnContext(v -> changed.accept(e.getKey(), e.getValue())));
        return Future.succeededFuture();
      }
    };
  }

  /** The compacted topic {@code topic} of the broker {@code kafka} names. */
  static MessageBatchStore topic(Vertx vertx, KafkaSettings kafka, String topic) {
    return new Topic(vertx, kafka, topic);
  }

  /** The compacted topic (one partition): a record per submitted batch, key its id; a tombstone once handled. */
  final class Topic implements MessageBatchStore {

    private static final Logger LOG = LoggerFactory.getLogger(MessageBatchStore.class);

    private final KafkaProducer<String, String> producer;
    /** Where {@link #load} stopped reading, per partition: {@link #follow} goes on from there. */
    private volatile Map<TopicPartition, Long> loadedTo = Map.of();
    private io.vertx.kafka.client.consumer.KafkaConsumer<String, String> follower;

    private final KafkaSettings kafka;
    private final String topic;

    Topic(Vertx vertx, KafkaSettings kafka, String topic) {
      this.kafka = kafka;
      this.topic = topic;
      Map<String, String> props = new HashMap<>();
      props.put("bootstrap.servers", kafka.bootstrapServers());
      props.put("acks", "all");
      props.put("enable.idempotence", "true");
      props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
      props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
      producer = KafkaProducer.create(vertx, props);
    }

    /** Every Message Batch in the topic that has no tombstone yet. Blocking. */
    @Override
    public List<MessageBatchLedger.Submitted> load() {
      Properties p = new Properties();
      p.put("bootstrap.servers", kafka.bootstrapServers());
      p.put("key.deserializer", StringDeserializer.class.getName());
      p.put("value.deserializer", StringDeserializer.class.getName());
      p.put("enable.auto.commit", "false");
      p.put("allow.auto.create.topics", "false");
      Map<String, MessageBatchLedger.Submitted> latest = new LinkedHashMap<>();
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
        List<org.apache.kafka.common.PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
          LOG.warn("message_batches.topic_missing topic={} (nothing to restore)", topic);
          return List.of();
        }
        List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        loadedTo = Map.copyOf(end);
        long deadline = System.currentTimeMillis() + 60_000;
        while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
          if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
          }
          for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
            if (r.value() == null) {
              latest.remove(r.key());
            } else {
              latest.put(r.key(), MessageBatchLedger.Submitted.fromJson(new JsonObject(r.value())));
            }
          }
        }
      }
      return List.copyOf(latest.values());
    }

    @Override
    public Future<Void> put(MessageBatchLedger.Submitted batch) {
      return producer.send(KafkaProducerRecord.create(topic, batch.id(), batch.toJson().encode())).mapEmpty();
    }

    @Override
    public Future<Void> remove(String id) {
      return producer.send(KafkaProducerRecord.create(topic, id, (String) null)).mapEmpty();
    }

    @Override
    public Future<Void> follow(Vertx vertx, BiConsumer<String, MessageBatchLedger.Submitted> changed) {
      if (loadedTo.isEmpty()) {
        return Future.succeededFuture(); // no topic: load said so; nothing to follow
      }
      Map<String, String> props = new HashMap<>();
      props.put("bootstrap.servers", kafka.bootstrapServers());
      props.put("key.deserializer", StringDeserializer.class.getName());
      props.put("value.deserializer", StringDeserializer.class.getName());
      props.put("enable.auto.commit", "false");
      props.put("allow.auto.create.topics", "false");
      follower = io.vertx.kafka.client.consumer.KafkaConsumer.create(vertx, props);
      follower.handler(r -> {
        try {
          changed.accept(r.key(), r.value() == null ? null
              : MessageBatchLedger.Submitted.fromJson(new JsonObject(r.value())));
        } catch (RuntimeException e) {
          LOG.warn("message_batches.follow.unreadable key={} offset={} error={}", r.key(), r.offset(), e.toString());
        }
      });
      follower.exceptionHandler(e -> LOG.warn("message_batches.follow.error topic={} error={}", topic, e.toString()));
      Map<io.vertx.kafka.client.common.TopicPartition, Long> from = new HashMap<>();
      loadedTo.forEach((tp, offset) -> from.put(new io.vertx.kafka.client.common.TopicPartition(tp.topic(),
          tp.partition()), offset));
      return follower.assign(from.keySet()).compose(v -> Future.all(from.entrySet().stream()
          .map(e -> follower.seek(e.getKey(), e.getValue())).toList())).mapEmpty();
    }

    @Override
    public Future<Void> close() {
      Future<Void> stopFollowing = follower == null ? Future.succeededFuture() : follower.close();
      return stopFollowing.eventually(producer::close);
    }
  }

}
