package com.reviewpipeline.config;

import java.util.List;
import io.vertx.core.json.JsonArray;

import io.vertx.core.json.JsonObject;

/** Broker, topics and consumer settings; see docs/configuration.md for each key. */
public record KafkaSettings(
    String bootstrapServers,
    String eventsTopic,
    String resultsTopic,
    String dlqTopic,
    int eventsPartitions,
    int partitions,
    short replicationFactor,
    long commitIntervalMs,
    int maxPollRecords,
    int maxPollIntervalMs,
    int sessionTimeoutMs,
    int inflightHighWatermark,
    int inflightLowWatermark,
    int offsetMapMaxBytes,
    int maxReviewChars,
    List<RetryStage> retryStages,
    String retryGroup,
    String storeGroup,
    String manualReviewGroup,
    String agreementTopic,
    long agreementRetentionMs,
    Delivery delivery,
    long transactionTimeoutMs) {

  /** {@code delivery.mode}: what the outcome topics promise their readers (docs/delivery.md "Delivery guarantees"). */
  public enum Delivery {
    /** Outcomes written, then offsets committed: a crash may write an outcome twice. */
    AT_LEAST_ONCE,
    /** Outcomes and offsets in one Kafka transaction: a {@code read_committed} reader sees each outcome once. */
    EXACTLY_ONCE;

    static Delivery of(String value) {
      return switch (value) {
        case "at_least_once" -> AT_LEAST_ONCE;
        case "exactly_once" -> EXACTLY_ONCE;
        default -> throw new IllegalArgumentException("delivery.mode must be at_least_once or exactly_once, got "
            + value);
      };
    }
  }

  public boolean exactlyOnce() {
    return delivery == Delivery.EXACTLY_ONCE;
  }

  /** One rung of the retry ladder: a topic whose records re-enter their pipeline {@code delayMs} after failing. */
  public record RetryStage(String topic, long delayMs) {}

  public static KafkaSettings fromJson(JsonObject given) {
    return fromJson(given, null);
  }

  /** @param deliveryGiven the {@code delivery} section (null: its defaults) */
  public static KafkaSettings fromJson(JsonObject given, JsonObject deliveryGiven) {
    JsonObject j = Declaration.withDefaults("kafka", given);
    JsonObject d = Declaration.withDefaults("delivery", deliveryGiven);
    KafkaSettings s = new KafkaSettings(
        j.getString("bootstrap_servers"),
        j.getString("events_topic"),
        j.getString("results_topic"),
        j.getString("dlq_topic"),
        j.getInteger("events_partitions"),
        j.getInteger("partitions"),
        j.getInteger("replication_factor").shortValue(),
        j.getLong("commit_interval_ms"),
        j.getInteger("max_poll_records"),
        j.getInteger("max_poll_interval_ms"),
        j.getInteger("session_timeout_ms"),
        j.getInteger("inflight_high_watermark"),
        j.getInteger("inflight_low_watermark"),
        j.getInteger("offset_map_max_bytes"),
        j.getInteger("max_review_chars"),
        stages(j.getJsonArray("retry_stages")),
        j.getString("retry_group"),
        j.getString("store_group"),
        j.getString("manual_review_group"),
        j.getString("agreement_topic"),
        j.getLong("agreement_retention_ms"),
        Delivery.of(d.getString("mode")),
        d.getLong("transaction_timeout_ms"));
    if (s.transactionTimeoutMs < 1_000) {
      throw new IllegalArgumentException("delivery.transaction_timeout_ms must be at least 1000, got "
          + s.transactionTimeoutMs);
    }
    if (s.agreementTopic.isBlank() || s.agreementRetentionMs < 60_000) {
      throw new IllegalArgumentException("kafka.agreement_topic must be named and kafka.agreement_retention_ms be at "
          + "least 60000: '" + s.agreementTopic + "', " + s.agreementRetentionMs);
    }
    if (s.inflightLowWatermark >= s.inflightHighWatermark) {
      throw new IllegalArgumentException("kafka.inflight_low_watermark must be below kafka.inflight_high_watermark");
    }
    if (s.offsetMapMaxBytes < 64) {
      throw new IllegalArgumentException("kafka.offset_map_max_bytes must be at least 64 (the broker's "
          + "offset.metadata.max.bytes, 4096 by default): " + s.offsetMapMaxBytes);
    }
    return s;
  }

  static List<RetryStage> stages(JsonArray a) {
    List<RetryStage> out = new java.util.ArrayList<>();
    for (Object o : a) {
      JsonObject st = (JsonObject) o;
      String topic = st.getString("topic");
      Long delay = st.getLong("delay_ms");
      if (topic == null || topic.isBlank() || delay == null || delay < 0) {
        throw new IllegalArgumentException("kafka.retry_stages entries need a topic and a delay_ms >= 0: " + st.encode());
      }
      out.add(new RetryStage(topic, delay));
    }
    return List.copyOf(out);
  }

  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(servers, eventsTopic, resultsTopic, dlqTopic, eventsPartitions, partitions,
        replicationFactor, commitIntervalMs, maxPollRecords, maxPollIntervalMs, sessionTimeoutMs,
        inflightHighWatermark, inflightLowWatermark, offsetMapMaxBytes, maxReviewChars, retryStages, retryGroup, storeGroup,
        manualReviewGroup, agreementTopic, agreementRetentionMs, delivery, transactionTimeoutMs);
  }

  public KafkaSettings withDelivery(Delivery mode) {
    return new KafkaSettings(bootstrapServers, eventsTopic, resultsTopic, dlqTopic, eventsPartitions, partitions,
        replicationFactor, commitIntervalMs, maxPollRecords, maxPollIntervalMs, sessionTimeoutMs,
        inflightHighWatermark, inflightLowWatermark, offsetMapMaxBytes, maxReviewChars, retryStages, retryGroup, storeGroup,
        manualReviewGroup, agreementTopic, agreementRetentionMs, mode, transactionTimeoutMs);
  }
}
