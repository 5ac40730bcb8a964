package com.reviewpipeline.claude.request;

import static com.reviewpipeline.config.ModelProfile.StructuredOutput.FORCED_TOOL;
import static com.reviewpipeline.config.ModelProfile.StructuredOutput.JSON_SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.VerdictMapping;
import com.reviewpipeline.model.PipelineEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Compact answers of the shipped moderator read by the pipeline's reader: documented verdicts out, bad items failed alone. */
class CompactVerdictsTest {

  ResponseReader reader;

  @BeforeEach
  void setUp() throws Exception {
    JsonObject tool = new JsonObject(Files.readString(Path.of("conf/pipelines/moderator.tool.json")));
    JsonObject items = tool.getJsonObject("input_schema").getJsonObject("properties").getJsonObject("results")
        .getJsonObject("items");
    reader = new ResponseReader("record_verdicts", new ItemValidator(items),
        VerdictMapping.of(tool.getJsonObject("compact"), items, List.of("is_spam", "is_abusive", "is_fake")));
  }

  static JsonObject item(String id, String flags) {
    JsonObject item = new JsonObject().put("i", id).put("f", flags).put("s", "pos").put("c", 8);
    return flags.isEmpty() ? item : item.put("r", "reason " + flags);
  }

  static JsonObject toolAnswer(JsonArray results) {
    return ResponseReaderTest.response(new JsonArray().add(ResponseReaderTest.toolUse(results)), "tool_use");
  }

  @Test
  @DisplayName("a tool answer of compact items gives the documented verdicts, keyed by the batch's ids")
  void toolAnswerMapsBack() {
    JsonArray results = new JsonArray().add(item("1", "")).add(item("2", "saf")).add(item("3", "a").put("s", "neg").put("c", 3));
    ParsedResponse parsed = reader.read(toolAnswer(results), FORCED_TOOL, List.of("1", "2", "3"));
    assertThat(parsed.invalid()).isEmpty();
    assertThat(parsed.verdicts()).containsOnlyKeys("1", "2", "3");
    assertThat(parsed.verdicts().get("1")).isEqualTo(new JsonObject().put("id", "1").put("is_spam", false)
        .put("is_abusive", false).put("is_fake", false).put("sentiment", "positive").put("confidence", 0.8));
    assertThat(parsed.verdicts().get("2")).isEqualTo(new JsonObject().put("id", "2").put("is_spam", true)
        .put("is_abusive", true).put("is_fake", true).put("sentiment", "positive").put("confidence", 0.8)
        .put("reason", "reason saf"));
    JsonObject third = parsed.verdicts().get("3");
    assertThat(third.getBoolean("is_abusive")).isTrue();
    assertThat(third.getBoolean("is_spam")).isFalse();
    assertThat(third.getString("sentiment")).isEqualTo("negative");
    assertThat(third.getDouble("confidence")).isEqualTo(0.3);
  }

  @Test
  @DisplayName("a json_schema answer of compact items maps back the same way")
  void jsonAnswerMapsBack() {
    String text = new JsonObject().put("results", new JsonArray().add(item("1", "s")).add(item("2", ""))).encode();
    JsonObject response = ResponseReaderTest.response(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", text)), "end_turn");
    ParsedResponse parsed = reader.read(response, JSON_SCHEMA, List.of("1", "2"));
    assertThat(parsed.verdicts().get("1").getBoolean("is_spam")).isTrue();
    assertThat(parsed.verdicts().get("1").getString("reason")).isEqualTo("reason s");
    assertThat(parsed.verdicts().get("2").containsKey("reason")).isFalse();
    assertThat(parsed.answerChars()).isEqualTo(text.length());
  }

  @Test
  @DisplayName("ids are read from the compact key: unknown, duplicate and missing ids and items keyed 'id' take the existing paths")
  void idsUnderTheCompactKey() {
    JsonArray results = new JsonArray()
        .add(item("1", ""))
        .add(item("1", "s")) // a second answer for 1: the first one counts
        .add(item("9", ""))
        .add(new JsonObject().put("id", "2").put("f", "").put("s", "pos").put("c", 8));
    ParsedResponse parsed = reader.read(toolAnswer(results), FORCED_TOOL, List.of("1", "2", "3"));
    assertThat(parsed.verdicts()).containsOnlyKeys("1");
    assertThat(parsed.verdicts().get("1").getBoolean("is_spam")).isFalse();
    assertThat(parsed.unknown()).containsExactly("9", "null");
    assertThat(parsed.missing()).containsExactly("2", "3");
  }

  @Test
  @DisplayName("a malformed compact item fails alone as invalid_item with a reason naming what is wrong")
  void malformedItemFailsAlone() {
    JsonArray results = new JsonArray()
        .add(item("1", ""))
        .add(item("2", "").put("r", "a reason without a flag"))
        .add(item("3", "sx"))
        .add(item("4", "").put("s", "happy"))
        .add(item("5", "").put("c", 0.85));
    ParsedResponse parsed = reader.read(toolAnswer(results), FORCED_TOOL, List.of("1", "2", "3", "4", "5"));
    assertThat(parsed.verdicts()).containsOnlyKeys("1");
    assertThat(parsed.invalid().get("2")).contains("(1) item.r is not allowed");
    assertThat(parsed.invalid().get("3")).contains("item.f must be one of");
    assertThat(parsed.invalid().get("4")).contains("item.s must be one of [\"pos\",\"neu\",\"neg\"]");
    assertThat(parsed.invalid().get("5")).contains("item.c must be an integer");
    List<PipelineEvent> events = AnswerPlanTest.events(5);
    AnswerPlan plan = AnswerPlan.of(events, parsed, "fast", "", 2);
    assertThat(plan.verdicts()).containsOnlyKeys(events.get(0));
    assertThat(plan.verdicts().get(events.get(0)).getString("id")).as("the event's id replaces the position").isEqualTo("ev0");
    assertThat(plan.failures()).hasSize(4).allSatisfy(f -> {
      assertThat(f.errorType()).isEqualTo("invalid_item");
      assertThat(f.message()).startsWith("invalid item in the model's answer: item");
      assertThat(f.retryable()).isTrue();
    });
  }
}
