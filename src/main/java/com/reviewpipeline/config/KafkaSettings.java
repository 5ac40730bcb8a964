package com.reviewpipeline.config;

import java.util.List;
import io.vertx.core.json.JsonArray;

import io.vertx.core.json.JsonObject;

/** Broker, topics and consumer settings; see the README configuration table for each key. */
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
    int maxReviewChars,
    List<RetryStage> retryStages,
    String retryGroup,
    String storeGroup,
    String manualReviewGroup) {

  /** One rung of the retry ladder: a topic whose records re-enter their pipeline {@code delayMs} after failing. */
  public record RetryStage(String topic, long delayMs) {}

  public static KafkaSettings fromJson(JsonObject j) {
    KafkaSettings s = new KafkaSettings(
        j.getString("bootstrap_servers", ""),
        j.getString("events_topic", "review-events"),
        j.getString("results_topic", "review-ai-results"),
        j.getString("dlq_topic", "review-dlq"),
        j.getInteger("events_partitions", 12),
        j.getInteger("partitions", 3),
        j.getInteger("replication_factor", 1).shortValue(),
        j.getLong("commit_interval_ms", 1000L),
        j.getInteger("max_poll_records", 500),
        j.getInteger("max_poll_interval_ms", 300_000),
        j.getInteger("session_timeout_ms", 45_000),
        j.getInteger("inflight_high_watermark", 4000),
        j.getInteger("inflight_low_watermark", 3000),
        j.getInteger("max_review_chars", 10000),
        stages(j.getJsonArray("retry_stages")),
        j.getString("retry_group", "review-retry-scheduler"),
        j.getString("store_group", "review-store"),
        j.getString("manual_review_group", "review-manual-review"));
    if (s.inflightLowWatermark >= s.inflightHighWatermark) {
      throw new IllegalArgumentException("kafka.inflight_low_watermark must be below kafka.inflight_high_watermark");
    }
    return s;
  }

  static List<RetryStage> stages(JsonArray a) {
    if (a == null) {
      return List.of(new RetryStage("review-retry-1m", 60_000), new RetryStage("review-retry-5m", 300_000),
          new RetryStage("review-retry-30m", 1_800_000));
    }
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
        inflightHighWatermark, inflightLowWatermark, maxReviewChars, retryStages, retryGroup, storeGroup,
        manualReviewGroup);
  }
}
