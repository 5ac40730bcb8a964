package com.reviewpipeline.telemetry;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag as {@code kafka-consumer-groups --describe} reports it: per group, topic and
 * partition, end offset minus committed offset (the end offset when nothing is committed).
 * Blocking: call it off the event loop. Used by the admin API and the alerts.
 */
public final class ConsumerLag {

  /** One partition of one group. {@code committed} is null when the group never committed it. */
  public record Partition(String topic, int partition, Long committed, long end) {
    public long lag() {
      return committed == null ? end : Math.max(0, end - committed);
    }
  }

  private ConsumerLag() {}

  /** The product's groups and the topics each reads: pipelines, retry scheduler, and the database sinks when configured. */
  public static Map<String, List<String>> groups(AppConfig app) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (PipelineConfig p : app.pipelines()) {
      groups.put(p.groupId(), List.of(app.kafka().eventsTopic()));
    }
    groups.put(app.kafka().retryGroup(), app.kafka().retryStages().stream().map(s -> s.topic()).toList());
    if (!app.databaseUrl().isBlank()) {
      groups.put(app.kafka().storeGroup(), List.of(app.kafka().resultsTopic()));
      groups.put(app.kafka().manualReviewGroup(), List.of(app.kafka().dlqTopic()));
    }
    return groups;
  }

  /** Lag of every group on every partition of its topics, partitions sorted by topic then number. */
  public static Map<String, List<Partition>> measure(Admin admin, Map<String, List<String>> groups) throws Exception {
    Set<String> topics = new TreeSet<>();
    groups.values().forEach(topics::addAll);
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).forEach((topic, d) ->
        d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
    var ends = admin.listOffsets(request).all().get(5, TimeUnit.SECONDS);
    List<TopicPartition> sorted = new ArrayList<>(request.keySet());
    sorted.sort((a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
    Map<String, List<Partition>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> g : groups.entrySet()) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(g.getKey())
          .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
      List<Partition> parts = new ArrayList<>();
      for (TopicPartition tp : sorted) {
        if (g.getValue().contains(tp.topic())) {
          OffsetAndMetadata c = committed.get(tp);
          parts.add(new Partition(tp.topic(), tp.partition(), c == null ? null : c.offset(), ends.get(tp).offset()));
        }
      }
      out.put(g.getKey(), parts);
    }
    return out;
  }
}
