package com.reviewpipeline.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A Kafka consumer that keeps its group metadata (generation, member id) as of its last poll, read on the polling
 * thread, the only one the consumer may be used from. A transaction commits consumed offsets with it
 * ({@code sendOffsetsToTransaction}), so a member fenced by a rebalance since cannot commit: the broker refuses the
 * generation.
 */
final class GroupAwareConsumer<K, V> extends KafkaConsumer<K, V> {

  private volatile ConsumerGroupMetadata groupMetadata;

  GroupAwareConsumer(Map<String, String> props) {
    super(new HashMap<String, Object>(props));
  }

  @Override
  public ConsumerRecords<K, V> poll(Duration timeout) {
    ConsumerRecords<K, V> records = super.poll(timeout);
    groupMetadata = super.groupMetadata();
    return records;
  }

  /** As of the last poll; null before the first. */
  ConsumerGroupMetadata lastGroupMetadata() {
    return groupMetadata;
  }
}
