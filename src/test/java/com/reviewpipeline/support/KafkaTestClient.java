package com.reviewpipeline.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Plain Kafka clients for tests: produce, read a whole topic, and compare committed with end offsets. */
public final class KafkaTestClient implements AutoCloseable {

  private final String bootstrap;
  private final Admin admin;

  public KafkaTestClient(String bootstrap) {
    this.bootstrap = bootstrap;
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    this.admin = Admin.create(p);
  }

  /** A producer of byte records, acks=all; the caller closes it. */
  private KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  public void produce(String topic, List<Map.Entry<byte[], byte[]>> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (Map.Entry<byte[], byte[]> r : records) {
        sent.add(producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())));
      }
      for (var f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
  }

  /** One record with headers. */
  public void produceWithHeaders(String topic, String key, String value, Map<String, String> headers) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key.getBytes(), value.getBytes());
      headers.forEach((k, v) -> r.headers().add(k, v.getBytes()));
      producer.send(r).get(30, TimeUnit.SECONDS);
    }
  }

  public void produceStrings(String topic, Map<String, String> keyToValue) throws Exception {
    List<Map.Entry<byte[], byte[]>> records = new ArrayList<>();
    keyToValue.forEach((k, v) -> records.add(Map.entry(k.getBytes(), v.getBytes())));
    produce(topic, records);
  }

  /**
   * Every record of a topic from the beginning to its current end, as a {@code read_committed} reader sees it (the
   * same as any reader for records written without a transaction; in exactly-once delivery, only committed outcomes).
   */
  public List<ConsumerRecord<String, String>> readAll(String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("group.id", "reader-" + UUID.randomUUID());
    p.put("enable.auto.commit", "false");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 30_000;
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  public Map<Integer, Long> endOffsets(String topic) throws Exception {
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      req.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    return admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
  }

  /** Committed offsets of a group on one topic, as {@code kafka-consumer-groups --describe} reports them. */
  public Map<Integer, Long> committed(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> all =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    return all.entrySet().stream()
        .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
        .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
  }

  /**
   * What a group's commits on {@code topic} say is done now: per partition, every offset below the committed one
   * and those its offset map records above it (decoded as the pipeline decodes it).
   */
  public CommittedDone committedDone(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> all =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    Map<Integer, Long> ends = endOffsets(topic);
    Map<Integer, Long> offsets = new java.util.HashMap<>();
    Map<Integer, com.reviewpipeline.kafka.OffsetMap> maps = new java.util.HashMap<>();
    all.forEach((tp, om) -> {
      if (tp.topic().equals(topic) && om != null) {
        offsets.put(tp.partition(), om.offset());
        var decoded = com.reviewpipeline.kafka.OffsetMapCodec.decode(om.metadata(), om.offset(),
            ends.getOrDefault(tp.partition(), 0L));
        if (decoded instanceof com.reviewpipeline.kafka.OffsetMapCodec.Decoded.Map m) {
          maps.put(tp.partition(), m.map());
        }
      }
    });
    return new CommittedDone(offsets, maps, System.currentTimeMillis());
  }

  /** A snapshot of {@link #committedDone}, read completely by {@code takenAtMs}. */
  public record CommittedDone(Map<Integer, Long> offsets, Map<Integer, com.reviewpipeline.kafka.OffsetMap> maps,
      long takenAtMs) {
    public boolean isDone(int partition, long offset) {
      com.reviewpipeline.kafka.OffsetMap map = maps.get(partition);
      return offset < offsets.getOrDefault(partition, 0L) || (map != null && map.isDone(offset));
    }

    /** Offsets the maps record as done above the committed offsets. */
    public long doneAbove() {
      return maps.values().stream().mapToLong(com.reviewpipeline.kafka.OffsetMap::doneCount).sum();
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
