package com.reviewpipeline.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka consumer that keeps its group metadata (generation, member id) as of its last poll, read on the polling
 * thread, the only one the consumer may be used from. A transaction commits consumed offsets with it
 * ({@code sendOffsetsToTransaction}), so a member fenced by a rebalance since cannot commit: the broker refuses the
 * generation.
 */
final class GroupAwareConsumer<K, V> extends KafkaConsumer<K, V> {

  private volatile ConsumerGroupMetadata groupMetadata;
  /** Per partition, {last record offset returned, position}, as of the same poll; kept when reading committed only. */
  private final Map<Integer, long[]> readTo = new java.util.concurrent.ConcurrentHashMap<>();
  private final boolean readCommitted;

  GroupAwareConsumer(Map<String, String> props) {
    super(new HashMap<String, Object>(props));
    this.readCommitted = "read_committed".equals(props.get("isolation.level"));
  }

  @Override
  public ConsumerRecords<K, V> poll(Duration timeout) {
    ConsumerRecords<K, V> records = super.poll(timeout);
    groupMetadata = super.groupMetadata();
    if (readCommitted) {
      for (TopicPartition tp : super.assignment()) {
        List<ConsumerRecord<K, V>> got = records.records(tp);
        long[] before = readTo.get(tp.partition());
        long last = !got.isEmpty() ? got.get(got.size() - 1).offset() : before == null ? -1 : before[0];
        try {
          readTo.put(tp.partition(), new long[] {last, super.position(tp, Duration.ZERO)});
        } catch (org.apache.kafka.common.errors.TimeoutException | IllegalStateException unknownYet) {
          // no position yet (its committed offset is being fetched): nothing to say about this partition
        }
      }
    }
    return records;
  }

  /**
   * Per partition, the last record offset the consumer returned and its position after the same poll (reading
   * {@code read_committed}; empty otherwise): offsets between them hold no record for us.
   */
  Map<Integer, long[]> readTo() {
    return readTo;
  }

  /** As of the last poll; null before the first. */
  ConsumerGroupMetadata lastGroupMetadata() {
    return groupMetadata;
  }
}
