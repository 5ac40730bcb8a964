package com.reviewpipeline.publish;

import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.RejectedRecord;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.Rejudge;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** The JSON contracts written to Kafka: result records and DLQ records. */
public final class Records {

  static final int MAX_ERROR_MESSAGE = 500;

  private Records() {}

  /**
   * A result on {@code review-ai-results}: the input event, every documented verdict field of the pipeline (the
   * item schema's, or what its compact items map to; absent optional fields as null), whether it is flagged, whether
   * it was judged apart as a suspected prompt injection ({@code contained}), whether the verdict cache answered it
   * ({@code cached}, and then {@code cached_from}: the event whose call produced the verdict), and model, usage and
   * cost.
   */
  public static JsonObject result(PipelineConfig pipeline, EventResult r) {
    ReviewEvent e = r.event().event();
    JsonObject out = e.toJson().put("pipeline", pipeline.name());
    JsonObject verdict = new JsonObject();
    for (String field : pipeline.verdictFields()) {
      verdict.put(field, r.verdict().getValue(field));
    }
    out.mergeIn(verdict);
    if (out.getValue("source") instanceof String channel) {
      out.put("channel", channel); // the review's own source (web, mobile, api); "source" is its Kafka position
    }
    boolean flagged = pipeline.flags(r.verdict());
    if (r.cached()) {
      out.put("cached_from", r.cachedFrom());
    }
    if (r.event().forced()) {
      // an operator asked for a new judgment: the store replaces the row it holds for the event
      out.put("rejudged", true);
    }
    if (r.event().isEscalated()) {
      out.put("escalated_from", escalatedFrom(pipeline, r.event()));
    }
    return out
        .put("flagged", flagged)
        .put("contained", r.event().contained())
        .put("cached", r.cached())
        .put("model", r.model())
        .put("tier", r.tier())
        .put("batch_id", r.batchId())
        .put("batch_size", r.batchSize())
        .put("usage", new JsonObject()
            .put("input_tokens", round(r.inputTokens()))
            .put("output_tokens", round(r.outputTokens())))
        .put("cost_usd", r.costUsd())
        .put("retry_count", r.event().retryCount())
        .put("source", source(r.event()))
        .put("processed_at", Instant.now().toString());
  }

  /**
   * The earlier verdicts of an event a cascade escalated, oldest first: model, tier, why it was escalated, whether it
   * flagged the review, its documented verdict fields and its cost share (already inside the result's
   * {@code cost_usd}). Only an escalated event's result has the field.
   */
  private static JsonArray escalatedFrom(PipelineConfig pipeline, PipelineEvent e) {
    JsonArray out = new JsonArray();
    for (Rejudge.Prior p : e.rejudge().prior()) {
      JsonObject verdict = new JsonObject();
      pipeline.verdictFields().forEach(f -> verdict.put(f, p.verdict().getValue(f)));
      out.add(new JsonObject()
          .put("model", p.model())
          .put("tier", p.tier())
          .put("reason", p.reason())
          .put("flagged", p.flagged())
          .put("verdict", verdict)
          .put("cost_usd", p.costUsd()));
    }
    return out;
  }

  /** The seed's DLQ payload for an event whose processing failed. */
  public static JsonObject deadLetter(PipelineEvent e, String errorType, String message, int maxRetries,
      boolean exhausted, String nextRetryAt) {
    JsonObject out = new JsonObject()
        .put("original_event", e.event().toJson())
        .put("failure_info", failureInfo(errorType, message, e.retryCount()))
        .put("retry_policy", new JsonObject()
            .put("max_retries", maxRetries)
            .put("exhausted", exhausted)
            .put("next_retry_at", nextRetryAt))
        .put("pipeline", e.pipeline())
        .put("source", source(e));
    if (e.forced()) {
      // the retry stage sends it back still marked: the operator's request for a new judgment outlives a failure
      out.put("rejudge", true);
    }
    if (e.isEscalated()) {
      // a failed escalation is retried on its escalation tier with its earlier verdicts, not judged from the first
      // tier again (that call is paid already)
      out.put("escalation", e.rejudge().toJson());
    }
    return out;
  }

  /** A malformed record: the original bytes as text, or base64 when they are not valid UTF-8. */
  public static JsonObject malformed(RejectedRecord r) {
    JsonObject original = new JsonObject();
    if (r.value() == null) {
      original.put("value", null).put("encoding", "null");
    } else {
      String text = utf8OrNull(r.value());
      original.put("value", text != null ? text : Base64.getEncoder().encodeToString(r.value()))
          .put("encoding", text != null ? "utf-8" : "base64");
    }
    if (r.key() != null) {
      String key = utf8OrNull(r.key());
      original.put("key", key != null ? key : Base64.getEncoder().encodeToString(r.key()));
    }
    return new JsonObject()
        .put("original_record", original)
        .put("failure_info", failureInfo("malformed", r.reason(), 0))
        .put("retry_policy", new JsonObject().put("max_retries", 0).put("exhausted", true).put("next_retry_at", null))
        .put("pipeline", r.pipeline())
        .put("source", new JsonObject()
            .put("topic", r.source().topic())
            .put("partition", r.source().partition())
            .put("offset", r.source().offset()));
  }

  private static JsonObject failureInfo(String errorType, String message, int retryCount) {
    String m = message == null ? "" : message;
    return new JsonObject()
        .put("error_type", errorType)
        .put("error_message", m.length() > MAX_ERROR_MESSAGE ? m.substring(0, MAX_ERROR_MESSAGE) : m)
        .put("retry_count", retryCount)
        .put("failed_at", Instant.now().toString());
  }

  private static JsonObject source(PipelineEvent e) {
    return new JsonObject()
        .put("topic", e.source().topic())
        .put("partition", e.source().partition())
        .put("offset", e.source().offset());
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
