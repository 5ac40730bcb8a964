package com.reviewpipeline.app;

import com.reviewpipeline.config.KafkaSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the product's topics when missing. Blocking: run it off the event loop. */
public final class Topics {

  private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

  private Topics() {}

  /**
   * Waits until every new partition's leader serves requests. ListOffsets is answered by the
   * partition leader itself, and the admin client retries it while the leader is not ready; an
   * idempotent producer that writes before that can be refused with NOT_LEADER_OR_FOLLOWER and then
   * wedge on OUT_OF_ORDER_SEQUENCE_NUMBER (seen against a freshly created topic). Blocking.
   */
  private static void awaitLeaders(Admin admin, List<NewTopic> created)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (NewTopic t : created) {
      for (int p = 0; p < t.numPartitions(); p++) {
        request.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
      }
    }
    // The admin client's metadata may not know a just-created topic yet: retry until it does.
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
            || System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  public static void ensure(KafkaSettings kafka) throws InterruptedException, ExecutionException, TimeoutException {
    ensure(kafka, null);
  }

  /**
   * The product's topics, and {@code compactedTopic} (the Message Batches waited for; null: none) with
   * {@code cleanup.policy=compact}, one partition: it holds one record per submitted Message Batch until a tombstone.
   * The agreement topic is compacted by (pipeline, event) and its records deleted after their retention.
   */
  public static void ensure(KafkaSettings kafka, String compactedTopic)
      throws InterruptedException, ExecutionException, TimeoutException {
    Properties props = new Properties();
    props.put("bootstrap.servers", kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      Map<String, Integer> wanted = new HashMap<>(Map.of(
          kafka.eventsTopic(), kafka.eventsPartitions(),
          kafka.resultsTopic(), kafka.partitions(),
          kafka.dlqTopic(), kafka.partitions()));
      kafka.retryStages().forEach(st -> wanted.put(st.topic(), kafka.partitions()));
      List<NewTopic> missing = new ArrayList<>();
      wanted.forEach((name, partitions) -> {
        if (!existing.contains(name)) {
          missing.add(new NewTopic(name, partitions, kafka.replicationFactor()));
        }
      });
      // one partition: every node folds the comparisons in the same order (docs/claude-stage.md "Agreement-gated
      // escalation")
      if (!existing.contains(kafka.agreementTopic())) {
        missing.add(new NewTopic(kafka.agreementTopic(), 1, kafka.replicationFactor()).configs(Map.of(
            "cleanup.policy", "compact,delete", "retention.ms", String.valueOf(kafka.agreementRetentionMs()))));
      }
      if (compactedTopic != null && !existing.contains(compactedTopic)) {
        missing.add(new NewTopic(compactedTopic, 1, kafka.replicationFactor())
            .configs(Map.of("cleanup.policy", "compact")));
      }
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      awaitLeaders(admin, missing);
      LOG.info("topics.created topics={}", missing.stream().map(t -> t.name() + "(" + t.numPartitions() + ")").toList());
    }
  }
}
