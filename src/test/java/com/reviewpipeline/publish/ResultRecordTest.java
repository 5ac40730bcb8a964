package com.reviewpipeline.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The record written to {@code review-ai-results} for each verdict ({@link Records#result}). */
public class ResultRecordTest {

  static final ReviewEvent REVIEW = new ReviewEvent("e-42", "p-7", "u-9", "Great kettle, boils fast.", 5,
      "2026-11-26T10:00:00Z", "mobile");
  static final SourceRef SOURCE = new SourceRef("review-events", 3, 1_234L, "pipeline.ack.instance-1");

  /** The moderator's item schema, reduced to what the record builder reads: properties and flag fields. */
  public static final PipelineConfig MODERATOR = new PipelineConfig("review-moderator", "review-moderator", "prompt",
      new JsonObject().put("name", "record_verdicts").put("input_schema", new JsonObject()
          .put("type", "object")
          .put("properties", new JsonObject().put("results", new JsonObject()
              .put("type", "array")
              .put("items", new JsonObject().put("type", "object").put("properties", new JsonObject()
                  .put("id", new JsonObject().put("type", "string"))
                  .put("is_spam", new JsonObject().put("type", "boolean"))
                  .put("is_abusive", new JsonObject().put("type", "boolean"))
                  .put("is_fake", new JsonObject().put("type", "boolean"))
                  .put("sentiment", new JsonObject().put("type", "string"))
                  .put("confidence", new JsonObject().put("type", "number"))
                  .put("reason", new JsonObject().put("type", "string"))))))),
      List.of("is_spam", "is_abusive", "is_fake"), "balanced", List.of(), 140, 4096, null, "");

  static JsonObject verdict() {
    return new JsonObject().put("id", "e-42").put("is_spam", false).put("is_abusive", false).put("is_fake", false)
        .put("sentiment", "positive").put("confidence", 0.93).put("reason", "genuine praise");
  }

  static EventResult result(JsonObject verdict, int retryCount) {
    return new EventResult(new PipelineEvent("review-moderator", REVIEW, SOURCE, retryCount, 1L), verdict,
        "claude-haiku-5-5", "fast", "batch-1", 12, 0.000123, 101.23456, 17.0061);
  }

  static JsonObject record(JsonObject verdict) {
    return Records.result(MODERATOR, result(verdict, 0));
  }

  @Test
  @DisplayName("the result carries the input event's fields and the pipeline that judged it")
  void carriesTheInputEventAndPipeline() {
    JsonObject r = record(verdict());
    assertThat(r.getString("event_id")).isEqualTo("e-42");
    assertThat(r.getString("product_id")).isEqualTo("p-7");
    assertThat(r.getString("user_id")).isEqualTo("u-9");
    assertThat(r.getString("review_text")).isEqualTo("Great kettle, boils fast.");
    assertThat(r.getValue("rating")).isEqualTo(5);
    assertThat(r.getString("timestamp")).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(r.getString("pipeline")).isEqualTo("review-moderator");
  }

  @Test
  @DisplayName("the result keeps the review's channel (source web/mobile/api) next to its Kafka position")
  void keepsTheReviewChannel() {
    JsonObject r = record(verdict());
    assertThat(r.getString("channel")).isEqualTo("mobile");
    assertThat(r.getJsonObject("source").getLong("offset")).as("source stays the Kafka position").isNotNull();
  }

  @Test
  @DisplayName("every verdict field of the pipeline's schema is a top-level field; the positional id is not")
  void carriesEveryVerdictFieldButId() {
    JsonObject r = record(verdict());
    assertThat(r.getBoolean("is_spam")).isFalse();
    assertThat(r.getBoolean("is_abusive")).isFalse();
    assertThat(r.getBoolean("is_fake")).isFalse();
    assertThat(r.getString("sentiment")).isEqualTo("positive");
    assertThat(r.getDouble("confidence")).isEqualTo(0.93);
    assertThat(r.getString("reason")).isEqualTo("genuine praise");
    assertThat(r.containsKey("id")).isFalse();
  }

  @Test
  @DisplayName("a pipeline with compact answer items publishes the documented fields: the same record as the verbose schema's")
  void compactPipelinePublishesTheDocumentedFields() throws Exception {
    JsonObject tool = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("conf/pipelines/moderator.tool.json")));
    JsonObject items = tool.getJsonObject("input_schema").getJsonObject("properties").getJsonObject("results")
        .getJsonObject("items");
    com.reviewpipeline.config.VerdictMapping mapping = com.reviewpipeline.config.VerdictMapping.of(
        tool.getJsonObject("compact"), items, MODERATOR.flagFields());
    PipelineConfig compact = new PipelineConfig(MODERATOR.name(), MODERATOR.groupId(), "prompt", tool, MODERATOR.flagFields(),
        "balanced", List.of(), 70, 4096, null, "", mapping);
    JsonObject verdict = mapping.expand(new JsonObject().put("i", "3").put("f", "s").put("s", "neg").put("c", 9)
        .put("r", "promo link")).verdict();
    JsonObject fromCompact = Records.result(compact, result(verdict.copy().put("id", "e-42"), 0));
    JsonObject fromVerbose = record(verdict.copy().put("id", "e-42"));
    fromCompact.remove("processed_at");
    fromVerbose.remove("processed_at");
    assertThat(fromCompact).isEqualTo(fromVerbose);
    assertThat(List.copyOf(fromCompact.fieldNames())).isEqualTo(List.copyOf(fromVerbose.fieldNames()));
    assertThat(fromCompact.getBoolean("is_spam")).isTrue();
    assertThat(fromCompact.getDouble("confidence")).isEqualTo(0.9);
    assertThat(fromCompact.getBoolean("flagged")).isTrue();
    assertThat(fromCompact.containsKey("f")).isFalse();
  }

  @Test
  @DisplayName("an optional verdict field the model left out is present as null; a field outside the schema is dropped")
  void absentOptionalFieldIsNullAndUnknownFieldIsDropped() {
    JsonObject v = verdict();
    v.remove("reason");
    v.put("chain_of_thought", "should not leak");
    JsonObject r = record(v);
    assertThat(r.containsKey("reason")).isTrue();
    assertThat(r.getValue("reason")).isNull();
    assertThat(r.containsKey("chain_of_thought")).isFalse();
  }

  @Test
  @DisplayName("flagged is true when any flag field is true, false when none is")
  void flaggedFollowsTheFlagFields() {
    assertThat(record(verdict()).getBoolean("flagged")).isFalse();
    assertThat(record(verdict().put("is_fake", true)).getBoolean("flagged")).isTrue();
    assertThat(record(verdict().put("is_spam", true).put("is_abusive", true)).getBoolean("flagged")).isTrue();
    assertThat(record(verdict().put("sentiment", "negative")).getBoolean("flagged"))
        .as("a non-flag field does not flag").isFalse();
  }

  @Test
  @DisplayName("contained is true only for a review judged apart as a suspected prompt injection")
  void containedFollowsTheEvent() {
    assertThat(record(verdict()).getBoolean("contained")).isFalse();
    EventResult r = result(verdict().put("is_spam", true), 0);
    EventResult contained = new EventResult(r.event().asContained(), r.verdict(), r.model(), r.tier(), r.batchId(), 1,
        r.costUsd(), r.inputTokens(), r.outputTokens());
    JsonObject built = Records.result(MODERATOR, contained);
    assertThat(built.getBoolean("contained")).isTrue();
    assertThat(built.getBoolean("flagged")).as("containment does not decide the verdict").isTrue();
  }

  @Test
  @DisplayName("the result carries model, tier, batch id and size, cost and retry count as given")
  void carriesModelTierBatchCostAndRetryCount() {
    JsonObject r = Records.result(MODERATOR, result(verdict(), 2));
    assertThat(r.getString("model")).isEqualTo("claude-haiku-5-5");
    assertThat(r.getString("tier")).isEqualTo("fast");
    assertThat(r.getString("batch_id")).isEqualTo("batch-1");
    assertThat(r.getValue("batch_size")).isEqualTo(12);
    assertThat(r.getDouble("cost_usd")).isEqualTo(0.000123);
    assertThat(r.getValue("retry_count")).isEqualTo(2);
  }

  @Test
  @DisplayName("usage holds the event's share of the batch's input and output tokens, rounded to 2 decimals")
  void usageIsTheRoundedShare() {
    JsonObject usage = record(verdict()).getJsonObject("usage");
    assertThat(usage.fieldNames()).containsExactlyInAnyOrder("input_tokens", "output_tokens");
    assertThat(usage.getDouble("input_tokens")).isEqualTo(101.23);
    assertThat(usage.getDouble("output_tokens")).isEqualTo(17.01);
  }

  @Test
  @DisplayName("source is the Kafka position (topic, partition, offset) without the internal ack address")
  void sourceIsTheKafkaPosition() {
    JsonObject source = record(verdict()).getJsonObject("source");
    assertThat(source).isEqualTo(new JsonObject().put("topic", "review-events").put("partition", 3)
        .put("offset", 1_234L));
  }

  @Test
  @DisplayName("processed_at is the ISO-8601 instant the record was built")
  void processedAtIsNow() {
    Instant before = Instant.now();
    Instant at = Instant.parse(record(verdict()).getString("processed_at"));
    assertThat(at).isBetween(before, Instant.now());
  }

  @Test
  @DisplayName("round trip: the encoded record decodes with the types the store reads (int rating, boolean flagged, timestamps)")
  void roundTripWithTheStoreTypes() {
    JsonObject built = record(verdict().put("is_spam", true));
    JsonObject read = new JsonObject(built.encode());
    assertThat(read).isEqualTo(built);
    assertThat(read.getInteger("rating")).isEqualTo(5);
    assertThat(read.getBoolean("flagged")).isTrue();
    assertThat(read.getDouble("cost_usd")).isEqualTo(0.000123);
    assertThat(OffsetDateTime.parse(read.getString("timestamp")).toInstant())
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(OffsetDateTime.parse(read.getString("processed_at"))).isNotNull();
  }

  @Test
  @DisplayName("a judged result says cached: false and names no source verdict; a cached one says cached: true, cached_from the judged event, cost 0")
  void cachedResultsSaySo() {
    JsonObject judged = record(verdict());
    assertThat(judged.getBoolean("cached")).isFalse();
    assertThat(judged.containsKey("cached_from")).isFalse();
    EventResult r = result(verdict(), 0);
    EventResult cached = new EventResult(r.event(), r.verdict(), r.model(), r.tier(), r.batchId(), r.batchSize(), 0, 0,
        0, "e-1");
    JsonObject record = Records.result(MODERATOR, cached);
    assertThat(record.getBoolean("cached")).isTrue();
    assertThat(record.getString("cached_from")).isEqualTo("e-1");
    assertThat(record.getString("event_id")).as("its own event").isEqualTo("e-42");
    assertThat(record.getDouble("cost_usd")).isZero();
    assertThat(record.getJsonObject("usage").getDouble("input_tokens")).isZero();
  }

  @Test
  @DisplayName("an escalated result names each earlier verdict (model, tier, reason, flags, its cost share, already in cost_usd); a result judged once has no escalated_from")
  void escalatedFrom() {
    assertThat(record(verdict()).containsKey("escalated_from")).isFalse();
    JsonObject first = verdict().put("is_spam", true).put("confidence", 0.91);
    PipelineEvent up = new PipelineEvent("review-moderator", REVIEW, SOURCE, 0, 1L).escalated("balanced",
        new com.reviewpipeline.model.Rejudge.Prior("claude-haiku-5-5", "fast", first, true, "flagged", 0.00001, 90, 8));
    JsonObject r = Records.result(MODERATOR, new EventResult(up, verdict(), "claude-sonnet-5-5", "balanced", "b-2", 5,
        0.00021, 190, 16));
    assertThat(r.getString("model")).isEqualTo("claude-sonnet-5-5");
    assertThat(r.getDouble("cost_usd")).isEqualTo(0.00021);
    assertThat(r.getJsonArray("escalated_from")).hasSize(1);
    JsonObject e = r.getJsonArray("escalated_from").getJsonObject(0);
    assertThat(e.getString("model")).isEqualTo("claude-haiku-5-5");
    assertThat(e.getString("tier")).isEqualTo("fast");
    assertThat(e.getString("reason")).isEqualTo("flagged");
    assertThat(e.getBoolean("flagged")).isTrue();
    assertThat(e.getDouble("cost_usd")).isEqualTo(0.00001);
    assertThat(e.getJsonObject("verdict").getBoolean("is_spam")).isTrue();
    assertThat(e.getJsonObject("verdict").fieldNames()).doesNotContain("id");
  }
}
