package com.reviewpipeline.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A newly assigned partition of a {@link TrackedConsumer} is paused while its committed offset map is read; records
 * that arrive meanwhile wait here. Then the map is loaded into the tracker (or, when it cannot be trusted, ignored with
 * a warning: the records are processed again, never skipped wrongly), the waiting records are taken in order and the
 * partition resumes unless something else holds it. Used from the consumer's event loop.
 */
final class MapLoading<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(MapLoading.class);

  private final KafkaConsumer<K, V> consumer;
  private final OffsetTracker tracker;
  private final CommittedMaps maps;
  private final String name;
  /** Records of partitions whose committed map is still being read. */
  private final Map<Integer, List<KafkaConsumerRecord<K, V>>> loading = new HashMap<>();
  private PartitionPauses pauses;
  private Consumer<KafkaConsumerRecord<K, V>> onRecord;

  MapLoading(KafkaConsumer<K, V> consumer, OffsetTracker tracker, CommittedMaps maps, String name) {
    this.consumer = consumer;
    this.tracker = tracker;
    this.maps = maps;
    this.name = name;
  }

  /** @param onRecord where a waiting record goes once its partition's map is read */
  void wire(PartitionPauses pauses, Consumer<KafkaConsumerRecord<K, V>> onRecord) {
    this.pauses = pauses;
    this.onRecord = onRecord;
  }

  boolean loading(int partition) {
    return loading.containsKey(partition);
  }

  /** True when the record's partition map is still being read: the record waits here. */
  boolean waits(KafkaConsumerRecord<K, V> record) {
    List<KafkaConsumerRecord<K, V>> waiting = loading.get(record.partition());
    if (waiting == null) {
      return false;
    }
    waiting.add(record);
    return true;
  }

  /** Pauses the newly assigned partitions and reads their committed maps. */
  void assigned(Set<TopicPartition> partitions, Set<Integer> ids) {
    consumer.pause(partitions);
    ids.forEach(p -> loading.put(p, new ArrayList<>()));
    maps.read(ids).onComplete(ar -> {
      for (TopicPartition tp : partitions) {
        read(tp, ar.succeeded() ? ar.result().get(tp.getPartition())
            : new OffsetMapCodec.Decoded.Ignored("could not read the committed offset: " + ar.cause()));
      }
    });
  }

  void forget(Set<Integer> ids) {
    ids.forEach(loading::remove);
  }

  private void read(TopicPartition tp, OffsetMapCodec.Decoded decoded) {
    int partition = tp.getPartition();
    List<KafkaConsumerRecord<K, V>> waiting = loading.remove(partition);
    if (waiting == null || !pauses.assigned.contains(tp)) {
      return; // revoked meanwhile
    }
    if (decoded instanceof OffsetMapCodec.Decoded.Map m) {
      tracker.load(partition, m.map());
    }
    if (decoded instanceof OffsetMapCodec.Decoded.Map m && m.map().doneCount() > 0) {
      LOG.info("consumer.offset_map.loaded consumer={} partition={} committed={} done_above={} up_to={}", name,
          partition, m.map().base(), m.map().doneCount(), m.map().end());
    } else if (decoded instanceof OffsetMapCodec.Decoded.Ignored ignored) {
      LOG.warn("consumer.offset_map.ignored consumer={} partition={} reason=\"{}\" (records after the committed offset "
          + "are processed again)", name, partition, ignored.reason());
    }
    waiting.forEach(onRecord);
    pauses.resumeIfFree(tp);
  }
}
