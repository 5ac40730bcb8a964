package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Message Batches API for backlogs (docs/claude-stage.md "Message Batches"): per pipeline, whether its batches
 * go to
 * {@code POST /v1/messages/batches} (half price, answered within 24 h) instead of {@code /v1/messages}.
 *
 * @param topic the compacted topic holding every submitted Message Batch until its results are handled, so a restart
 *     polls it again instead of submitting its events a second time
 * @param collectMs requests ready for a Message Batch are gathered for at most this long before it is submitted
 * @param maxRequests or until this many are gathered (the API takes up to 100,000 requests or 256 MB)
 * @param pollIntervalMs how often a submitted Message Batch is asked whether it has ended
 * @param lagCheckMs how often the lag of {@code backlog} pipelines is measured
 * @param restoreGraceMs after a restart, how long an ended Message Batch waits for the events of a request to be
 *     read again; a request still missing some then has its events judged again by a direct call (the missing ones
 *     were done before the restart)
 * @param maxWaitingEvents events per ingest instance that may wait in Message Batches without counting toward the
 *     in-flight high watermark: a Message Batch runs for minutes to hours, and counted they would stop ingest after
 *     one watermark's worth of a backlog
 * @param pipelines per pipeline, its mode
 */
public record MessageBatchSettings(String topic, long collectMs, int maxRequests, long pollIntervalMs, long lagCheckMs,
    long restoreGraceMs, int maxWaitingEvents, Map<String, PipelineMode> pipelines) {

  public static final String OFF = "off";
  public static final String ALWAYS = "always";
  public static final String BACKLOG = "backlog";
  public static final Set<String> MODES = Set.of(OFF, ALWAYS, BACKLOG);
  /** The defaults of a {@code message_batches.pipelines.<name>} entry's keys (docs/configuration.md lists them). */
  public static final JsonObject ENTRY_DEFAULTS = new JsonObject().put("mode", OFF).put("backlog_lag", 20_000L);
  /** The API's limit on requests per Message Batch. */
  public static final int API_MAX_REQUESTS = 100_000;

  /**
   * @param mode {@code off}: never; {@code always}: every batch of the pipeline; {@code backlog}: while the pipeline's
   *     consumer lag is above {@code backlogLag}
   */
  public record PipelineMode(String mode, long backlogLag) {}

  public MessageBatchSettings {
    pipelines = Map.copyOf(pipelines);
  }

  public String mode(String pipeline) {
    PipelineMode m = pipelines.get(pipeline);
    return m == null ? OFF : m.mode();
  }

  public long backlogLag(String pipeline) {
    PipelineMode m = pipelines.get(pipeline);
    return m == null ? Long.MAX_VALUE : m.backlogLag();
  }

  public MessageBatchSettings withPipeline(String name, String mode, long backlogLag) {
    Map<String, PipelineMode> next = new TreeMap<>(pipelines);
    next.put(name, new PipelineMode(mode, backlogLag));
    return new MessageBatchSettings(topic, collectMs, maxRequests, pollIntervalMs, lagCheckMs, restoreGraceMs, maxWaitingEvents, next);
  }

  public MessageBatchSettings withTopic(String t) {
    return new MessageBatchSettings(t, collectMs, maxRequests, pollIntervalMs, lagCheckMs, restoreGraceMs, maxWaitingEvents, pipelines);
  }

  public MessageBatchSettings withLagCheckMs(long ms) {
    return new MessageBatchSettings(topic, collectMs, maxRequests, pollIntervalMs, ms, restoreGraceMs, maxWaitingEvents, pipelines);
  }

  public MessageBatchSettings withMaxWaitingEvents(int n) {
    return new MessageBatchSettings(topic, collectMs, maxRequests, pollIntervalMs, lagCheckMs, restoreGraceMs, n, pipelines);
  }

  public MessageBatchSettings withTimings(long collect, long poll, long grace) {
    return new MessageBatchSettings(topic, collect, maxRequests, poll, lagCheckMs, grace, maxWaitingEvents, pipelines);
  }

  /** @param pipelineNames every pipeline of the configuration: a mode for another is a typo */
  public static MessageBatchSettings fromJson(JsonObject given, Collection<String> pipelineNames) {
    JsonObject j = Declaration.withDefaults("message_batches", given);
    String topic = j.getString("topic");
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("message_batches.topic must name a topic");
    }
    int max = j.getInteger("max_requests");
    if (max < 1 || max > API_MAX_REQUESTS) {
      throw new IllegalArgumentException("message_batches.max_requests must be within 1.." + API_MAX_REQUESTS + ", got " + max);
    }
    long collect = atLeast(j, "collect_ms", 1);
    long poll = atLeast(j, "poll_interval_ms", 10);
    long lag = atLeast(j, "lag_check_ms", 100);
    long grace = atLeast(j, "restore_grace_ms", 0);
    int waiting = (int) Math.min(Integer.MAX_VALUE, atLeast(j, "max_waiting_events", 0));
    Map<String, PipelineMode> modes = new TreeMap<>();
    JsonObject per = j.getJsonObject("pipelines", new JsonObject());
    for (String name : per.fieldNames()) {
      String where = "message_batches.pipelines." + name;
      if (!pipelineNames.contains(name)) {
        throw new IllegalArgumentException(where + ": no such pipeline; pipelines: " + pipelineNames);
      }
      if (!(per.getValue(name) instanceof JsonObject entry)) {
        throw new IllegalArgumentException(where + " must be an object {mode, backlog_lag}");
      }
      for (String key : entry.fieldNames()) {
        if (!ENTRY_DEFAULTS.containsKey(key)) {
          throw new IllegalArgumentException("unknown configuration key '" + where + "." + key + "'; known: mode, backlog_lag");
        }
      }
      JsonObject p = Declaration.merged(ENTRY_DEFAULTS, entry, where);
      String mode = p.getString("mode");
      if (!MODES.contains(mode)) {
        throw new IllegalArgumentException(where + ".mode must be one of off, always, backlog: " + mode);
      }
      long backlog = p.getLong("backlog_lag");
      if (backlog < 1) {
        throw new IllegalArgumentException(where + ".backlog_lag must be positive, got " + backlog);
      }
      modes.put(name, new PipelineMode(mode, backlog));
    }
    return new MessageBatchSettings(topic, collect, max, poll, lag, grace, waiting, modes);
  }

  private static long atLeast(JsonObject j, String key, long min) {
    long v = j.getLong(key);
    if (v < min) {
      throw new IllegalArgumentException("message_batches." + key + " must be at least " + min + ", got " + v);
    }
    return v;
  }
}
