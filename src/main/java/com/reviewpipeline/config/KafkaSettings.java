package com.reviewpipeline.config;

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
    int maxReviewChars) {

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
        j.getInteger("inflight_high_watermark", 2000),
        j.getInteger("inflight_low_watermark", 1000),
        j.getInteger("max_review_chars", 10000));
    if (s.inflightLowWatermark >= s.inflightHighWatermark) {
      throw new IllegalArgumentException("kafka.inflight_low_watermark must be below kafka.inflight_high_watermark");
    }
    return s;
  }

  public KafkaSettings withBootstrapServers(String servers) {
    return new KafkaSettings(servers, eventsTopic, resultsTopic, dlqTopic, eventsPartitions, partitions,
        replicationFactor, commitIntervalMs, maxPollRecords, maxPollIntervalMs, sessionTimeoutMs,
        inflightHighWatermark, inflightLowWatermark, maxReviewChars);
  }
}
