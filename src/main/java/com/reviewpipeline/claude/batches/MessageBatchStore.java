package com.reviewpipeline.claude.batches;

import com.reviewpipeline.config.KafkaSettings;
import com.reviewpipeline.kafka.TopicReplay;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
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
    private final TopicReplay replay;
    private final String topic;

    Topic(Vertx vertx, KafkaSettings kafka, String topic) {
      this.topic = topic;
      this.replay = new TopicReplay(kafka, topic);
      producer = com.reviewpipeline.kafka.Producers.strings(vertx, kafka.bootstrapServers());
    }

    /** Every Message Batch in the topic that has no tombstone yet. Blocking. */
    @Override
    public List<MessageBatchLedger.Submitted> load() {
      Map<String, MessageBatchLedger.Submitted> latest = new LinkedHashMap<>();
      boolean found = replay.load(r -> {
        if (r.value() == null) {
          latest.remove(r.key());
        } else {
          latest.put(r.key(), MessageBatchLedger.Submitted.fromJson(new JsonObject(r.value())));
        }
      });
      if (!found) {
        LOG.warn("message_batches.topic_missing topic={} (nothing to restore)", topic);
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
      return replay.follow(vertx, r -> changed.accept(r.key(), r.value() == null ? null
          : MessageBatchLedger.Submitted.fromJson(new JsonObject(r.value()))));
    }

    @Override
    public Future<Void> close() {
      return replay.close().eventually(producer::close);
    }
  }
}
