package com.reviewpipeline.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.ingest.ParseResult;
import com.reviewpipeline.ingest.ReviewEventParser;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.RejectedRecord;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The DLQ payload ({@link Records#deadLetter}), also written to the retry topics, and the malformed-input record
 * ({@link Records#malformed}): fields as docs/operations.md "Failures, retries, manual review, alerts" documents them
 * and as the retry scheduler, the store and the replay read them.
 */
class DeadLetterRecordTest {

  static final ReviewEvent REVIEW = new ReviewEvent("e-42", "p-7", "u-9", "Buy cheap pills at example.com", 1,
      "2026-11-26T10:00:00Z", "api");
  static final SourceRef SOURCE = new SourceRef("review-retry-5m", 2, 77L, "pipeline.ack.instance-1");

  static PipelineEvent event(int retryCount) {
    return new PipelineEvent("review-moderator", REVIEW, SOURCE, retryCount, 1L);
  }

  static JsonObject deadLetter(int retryCount, String message) {
    return Records.deadLetter(event(retryCount), "overloaded_error", message, 3, true, null);
  }

  @Test
  @DisplayName("a DLQ record carries the original event with all its fields")
  void carriesTheOriginalEvent() {
    assertThat(deadLetter(1, "529").getJsonObject("original_event")).isEqualTo(REVIEW.toJson());
  }

  @Test
  @DisplayName("round trip: the retry scheduler parses original_event back into the same review")
  void originalEventParsesBackIntoTheSameReview() {
    JsonObject read = new JsonObject(deadLetter(1, "529").encode());
    byte[] original = read.getJsonObject("original_event").encode().getBytes(StandardCharsets.UTF_8);
    assertThat(new ReviewEventParser(10_000).parse(original)).isEqualTo(new ParseResult.Valid(REVIEW));
  }

  @Test
  @DisplayName("failure_info carries the error type and message, the event's retry count and when it failed")
  void failureInfo() {
    Instant before = Instant.now();
    JsonObject info = deadLetter(2, "529 overloaded_error: Overloaded").getJsonObject("failure_info");
    assertThat(info.fieldNames()).containsExactlyInAnyOrder("error_type", "error_message", "retry_count", "failed_at");
    assertThat(info.getString("error_type")).isEqualTo("overloaded_error");
    assertThat(info.getString("error_message")).isEqualTo("529 overloaded_error: Overloaded");
    assertThat(info.getValue("retry_count")).isEqualTo(2);
    assertThat(Instant.parse(info.getString("failed_at"))).isBetween(before, Instant.now());
  }

  @Test
  @DisplayName("error_message is cut at 500 characters; a message of exactly 500 is kept whole; a null message is empty")
  void errorMessageIsCutAt500() {
    String exact = "x".repeat(500);
    assertThat(deadLetter(0, exact + "TAIL").getJsonObject("failure_info").getString("error_message"))
        .isEqualTo(exact);
    assertThat(deadLetter(0, exact).getJsonObject("failure_info").getString("error_message")).isEqualTo(exact);
    assertThat(deadLetter(0, null).getJsonObject("failure_info").getString("error_message")).isEmpty();
  }

  @Test
  @DisplayName("a retry-stage record says not exhausted and when it is due; the scheduler can parse the due time")
  void retryRecordCarriesItsDueTime() {
    String due = "2026-11-26T10:05:00Z";
    JsonObject policy = Records.deadLetter(event(0), "rate_limit_error", "429", 3, false, due)
        .getJsonObject("retry_policy");
    assertThat(policy.getValue("max_retries")).isEqualTo(3);
    assertThat(policy.getBoolean("exhausted")).isFalse();
    assertThat(Instant.parse(policy.getString("next_retry_at"))).isEqualTo(Instant.parse(due));
  }

  @Test
  @DisplayName("a DLQ record says exhausted, with next_retry_at present and null")
  void dlqRecordIsExhausted() {
    JsonObject policy = deadLetter(3, "529").getJsonObject("retry_policy");
    assertThat(policy.getBoolean("exhausted")).isTrue();
    assertThat(policy.containsKey("next_retry_at")).isTrue();
    assertThat(policy.getValue("next_retry_at")).isNull();
  }

  @Test
  @DisplayName("a DLQ record names its pipeline and the Kafka position it came from, without the internal ack address")
  void pipelineAndSource() {
    JsonObject d = deadLetter(1, "529");
    assertThat(d.fieldNames()).containsExactlyInAnyOrder("original_event", "failure_info", "retry_policy",
        "pipeline", "source");
    assertThat(d.getString("pipeline")).isEqualTo("review-moderator");
    assertThat(d.getJsonObject("source")).isEqualTo(new JsonObject().put("topic", "review-retry-5m")
        .put("partition", 2).put("offset", 77L));
  }

  static RejectedRecord rejected(byte[] key, byte[] value, String reason) {
    return new RejectedRecord("review-moderator", new SourceRef("review-events", 5, 9_001L, "pipeline.ack.i"), key,
        value, reason);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("a malformed record keeps UTF-8 key and value as text, with encoding utf-8")
  void malformedUtf8IsText() {
    JsonObject original = Records.malformed(rejected(utf8("k-ü"), utf8("{\"event_id\": 1"), "invalid JSON"))
        .getJsonObject("original_record");
    assertThat(original.getString("value")).isEqualTo("{\"event_id\": 1");
    assertThat(original.getString("encoding")).isEqualTo("utf-8");
    assertThat(original.getString("key")).isEqualTo("k-ü");
  }

  @Test
  @DisplayName("round trip: bytes that are not UTF-8 are written as base64 and decode back to the exact bytes")
  void malformedBinaryIsBase64() {
    byte[] value = {(byte) 0xC3, (byte) 0x28, 0x00, (byte) 0xFF, 0x7B};
    byte[] key = {(byte) 0xFE, 0x01};
    JsonObject read = new JsonObject(Records.malformed(rejected(key, value, "value is not valid UTF-8")).encode());
    JsonObject original = read.getJsonObject("original_record");
    assertThat(original.getString("encoding")).isEqualTo("base64");
    assertThat(Base64.getDecoder().decode(original.getString("value"))).isEqualTo(value);
    assertThat(Base64.getDecoder().decode(original.getString("key"))).isEqualTo(key);
  }

  @Test
  @DisplayName("a tombstone is recorded as value null with encoding null; a record without a key has no key field")
  void malformedNullValueAndKey() {
    JsonObject original = Records.malformed(rejected(null, null, "null value (tombstone)"))
        .getJsonObject("original_record");
    assertThat(original.containsKey("value")).isTrue();
    assertThat(original.getValue("value")).isNull();
    assertThat(original.getString("encoding")).isEqualTo("null");
    assertThat(original.containsKey("key")).isFalse();
  }

  @Test
  @DisplayName("a malformed record is error_type malformed with its reason, retry_count 0, never retried")
  void malformedFailureInfoAndPolicy() {
    JsonObject m = Records.malformed(rejected(null, utf8("[]"), "JSON value is not an object but array"));
    JsonObject info = m.getJsonObject("failure_info");
    assertThat(info.getString("error_type")).isEqualTo("malformed");
    assertThat(info.getString("error_message")).isEqualTo("JSON value is not an object but array");
    assertThat(info.getValue("retry_count")).isEqualTo(0);
    assertThat(Instant.parse(info.getString("failed_at"))).isNotNull();
    JsonObject policy = m.getJsonObject("retry_policy");
    assertThat(policy.getValue("max_retries")).isEqualTo(0);
    assertThat(policy.getBoolean("exhausted")).isTrue();
    assertThat(policy.containsKey("next_retry_at")).isTrue();
    assertThat(policy.getValue("next_retry_at")).isNull();
  }

  @Test
  @DisplayName("a malformed record names pipeline and source position, and has no original_event (so it cannot be replayed)")
  void malformedPipelineSourceAndNoOriginalEvent() {
    JsonObject m = Records.malformed(rejected(null, utf8("nope"), "invalid JSON"));
    assertThat(m.getString("pipeline")).isEqualTo("review-moderator");
    assertThat(m.getJsonObject("source")).isEqualTo(new JsonObject().put("topic", "review-events")
        .put("partition", 5).put("offset", 9_001L));
    assertThat(m.containsKey("original_event")).isFalse();
  }
}
