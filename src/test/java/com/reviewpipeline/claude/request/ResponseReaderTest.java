package com.reviewpipeline.claude.request;

import static com.reviewpipeline.config.ModelProfile.StructuredOutput.AUTO_TOOL;
import static com.reviewpipeline.config.ModelProfile.StructuredOutput.FORCED_TOOL;
import static com.reviewpipeline.config.ModelProfile.StructuredOutput.JSON_SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

  ResponseReader parser;

  @BeforeEach
  void setUp() throws Exception {
    // the documented fields as answer items; compact items are read in CompactVerdictsTest
    JsonObject tool = new JsonObject(Files.readString(Path.of("conf/pipelines/moderator.verbose.tool.json")));
    JsonObject items = tool.getJsonObject("input_schema").getJsonObject("properties").getJsonObject("results")
        .getJsonObject("items");
    parser = new ResponseReader("record_verdicts", new ItemValidator(items));
  }

  static JsonObject verdict(String id) {
    return new JsonObject().put("id", id).put("is_spam", false).put("is_abusive", false).put("is_fake", false)
        .put("sentiment", "positive").put("confidence", 0.9);
  }

  static JsonObject response(JsonArray content, String stopReason) {
    return new JsonObject()
        .put("id", "msg_1").put("type", "message").put("role", "assistant").put("model", "claude-sonnet-4-6")
        .put("content", content).put("stop_reason", stopReason)
        .put("usage", new JsonObject().put("input_tokens", 1200).put("output_tokens", 300)
            .put("cache_read_input_tokens", 50));
  }

  static JsonObject toolUse(JsonArray results) {
    return new JsonObject().put("type", "tool_use").put("id", "toolu_1").put("name", "record_verdicts")
        .put("input", new JsonObject().put("results", results));
  }

  @Test
  @DisplayName("reads verdicts from the tool_use block even when a text block comes first")
  void readsToolUseByType() {
    JsonArray content = new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "Here are the verdicts"))
        .add(toolUse(new JsonArray().add(verdict("a")).add(verdict("b").put("is_spam", true).put("reason", "link"))));
    ParsedResponse parsed = parser.read(response(content, "tool_use"), FORCED_TOOL, List.of("a", "b"));
    assertThat(parsed.verdicts()).containsOnlyKeys("a", "b");
    assertThat(parsed.verdicts().get("b").getBoolean("is_spam")).isTrue();
    assertThat(parsed.missing()).isEmpty();
    assertThat(parsed.unknown()).isEmpty();
    assertThat(parsed.invalid()).isEmpty();
    assertThat(parsed.usage().inputTokens()).isEqualTo(1200);
    assertThat(parsed.usage().cacheReadInputTokens()).isEqualTo(50);
    assertThat(parsed.usage().totalInputTokens()).isEqualTo(1250);
    assertThat(parsed.stopReason()).isEqualTo("tool_use");
  }

  @Test
  @DisplayName("reports missing ids, ignores unknown ids and fails an invalid item alone")
  void missingUnknownAndInvalid() {
    JsonArray results = new JsonArray()
        .add(verdict("a"))
        .add(verdict("zzz"))
        .add(verdict("c").put("sentiment", "ecstatic"))
        .add(verdict("d").put("confidence", 7))
        .add(verdict("e").put("extra", 1));
    ParsedResponse parsed = parser.read(response(new JsonArray().add(toolUse(results)), "tool_use"),
        FORCED_TOOL, List.of("a", "b", "c", "d", "e"));
    assertThat(parsed.verdicts()).containsOnlyKeys("a");
    assertThat(parsed.missing()).containsExactly("b");
    assertThat(parsed.unknown()).containsExactly("zzz");
    assertThat(parsed.invalid()).containsOnlyKeys("c", "d", "e");
    assertThat(parsed.invalid().get("c")).contains("sentiment");
    assertThat(parsed.invalid().get("d")).contains("confidence");
    assertThat(parsed.invalid().get("e")).contains("extra");
  }

  @Test
  @DisplayName("an item missing a required field is invalid")
  void requiredFieldMissing() {
    JsonObject item = verdict("a");
    item.remove("is_fake");
    ParsedResponse parsed = parser.read(response(new JsonArray().add(toolUse(new JsonArray().add(item))), "tool_use"),
        FORCED_TOOL, List.of("a"));
    assertThat(parsed.invalid().get("a")).contains("is_fake");
  }

  @Test
  @DisplayName("a response with only text and no tool call is a format error, never parsed as text")
  void textOnlyIsAnError() {
    JsonArray content = new JsonArray().add(new JsonObject().put("type", "text")
        .put("text", new JsonObject().put("results", new JsonArray().add(verdict("a"))).encode()));
    assertThatThrownBy(() -> parser.read(response(content, "end_turn"), FORCED_TOOL, List.of("a")))
        .isInstanceOf(ResponseFormatException.class)
        .hasMessageContaining("no tool_use block");
  }

  @Test
  @DisplayName("a truncated response without a tool call reports every id missing with stop_reason max_tokens")
  void truncated() {
    ParsedResponse parsed = parser.read(response(new JsonArray(), "max_tokens"), FORCED_TOOL, List.of("a", "b"));
    assertThat(parsed.stopReason()).isEqualTo("max_tokens");
    assertThat(parsed.missing()).containsExactly("a", "b");
  }

  @Test
  @DisplayName("a tool call without a results array is a format error")
  void toolWithoutResults() {
    JsonObject block = new JsonObject().put("type", "tool_use").put("name", "record_verdicts")
        .put("input", new JsonObject().put("verdicts", new JsonArray()));
    assertThatThrownBy(() -> parser.read(response(new JsonArray().add(block), "tool_use"), FORCED_TOOL, List.of("a")))
        .isInstanceOf(ResponseFormatException.class)
        .hasMessageContaining("results");
  }

  static JsonObject thinking() {
    return new JsonObject().put("type", "thinking").put("thinking", "").put("signature", "EosnCkYICxIMMb3L");
  }

  static JsonObject text(String t) {
    return new JsonObject().put("type", "text").put("text", t);
  }

  @Test
  @DisplayName("a json_schema answer is read from its text block after a thinking block, and the thinking block is counted")
  void jsonSchemaAfterThinking() {
    String json = new JsonObject().put("results", new JsonArray().add(verdict("1")).add(verdict("2"))).encode();
    ParsedResponse parsed = parser.read(response(new JsonArray().add(thinking()).add(text(json)), "end_turn"),
        JSON_SCHEMA, List.of("1", "2"));
    assertThat(parsed.verdicts()).containsOnlyKeys("1", "2");
    assertThat(parsed.thinkingBlocks()).isEqualTo(1);
    assertThat(parsed.answerChars()).isEqualTo(json.length());
  }

  @Test
  @DisplayName("a json_schema answer that is not JSON is a format error unless the answer was cut short")
  void jsonSchemaProse() {
    assertThatThrownBy(() -> parser.read(response(new JsonArray().add(text("Here are my verdicts: all fine.")), "end_turn"),
        JSON_SCHEMA, List.of("1")))
        .isInstanceOf(ResponseFormatException.class);
  }

  @Test
  @DisplayName("a truncated json_schema text yields its complete items; the cut item and the rest are missing")
  void truncatedJsonText() {
    String full = new JsonObject().put("results", new JsonArray().add(verdict("1")).add(verdict("2").put("reason", "a {tricky] \\\"text"))
        .add(verdict("3"))).encode();
    String cut = full.substring(0, full.indexOf("\"id\":\"3\"") + 12);
    ParsedResponse parsed = parser.read(response(new JsonArray().add(text(cut)), "max_tokens"), JSON_SCHEMA,
        List.of("1", "2", "3", "4"));
    assertThat(parsed.verdicts()).containsOnlyKeys("1", "2");
    assertThat(parsed.verdicts().get("2").getString("reason")).isEqualTo("a {tricky] \\\"text");
    assertThat(parsed.missing()).containsExactly("3", "4");
    assertThat(parsed.truncated()).isTrue();
  }

  @Test
  @DisplayName("a truncated tool input (complete items, then one cut item) keeps the complete items and reports the cut one, never a parse error")
  void truncatedToolInput() {
    JsonObject cutItem = new JsonObject().put("id", "3").put("is_spam", false);
    JsonArray results = new JsonArray().add(verdict("1")).add(verdict("2")).add(cutItem);
    ParsedResponse parsed = parser.read(response(new JsonArray().add(toolUse(results)), "max_tokens"), FORCED_TOOL,
        List.of("1", "2", "3", "4"));
    assertThat(parsed.verdicts()).containsOnlyKeys("1", "2");
    assertThat(parsed.invalid()).containsOnlyKeys("3");
    assertThat(parsed.missing()).containsExactly("4");
    ParsedResponse empty = parser.read(response(new JsonArray().add(new JsonObject().put("type", "tool_use")
        .put("id", "toolu_1").put("name", "record_verdicts").put("input", new JsonObject())), "max_tokens"),
        FORCED_TOOL, List.of("1"));
    assertThat(empty.missing()).containsExactly("1");
  }

  @Test
  @DisplayName("model_context_window_exceeded is read like max_tokens")
  void contextWindowExceeded() {
    ParsedResponse parsed = parser.read(response(new JsonArray().add(toolUse(new JsonArray().add(verdict("1")))),
        "model_context_window_exceeded"), FORCED_TOOL, List.of("1", "2"));
    assertThat(parsed.truncated()).isTrue();
    assertThat(parsed.missing()).containsExactly("2");
  }

  @Test
  @DisplayName("a refusal is read with its stop_details, and the partial content that came with it is used")
  void refusalWithPartialContent() {
    JsonObject response = response(new JsonArray().add(toolUse(new JsonArray().add(verdict("1")))), "refusal")
        .put("stop_details", new JsonObject().put("type", "refusal").put("category", "general_harms")
            .put("explanation", "declined"));
    ParsedResponse parsed = parser.read(response, FORCED_TOOL, List.of("1", "2", "3"));
    assertThat(parsed.refused()).isTrue();
    assertThat(parsed.verdicts()).containsOnlyKeys("1");
    assertThat(parsed.missing()).containsExactly("2", "3");
    assertThat(parsed.stopDetails().getString("category")).isEqualTo("general_harms");
  }

  @Test
  @DisplayName("under tool_choice auto, a prose answer instead of the tool call is an invalid response")
  void autoToolProse() {
    assertThatThrownBy(() -> parser.read(response(new JsonArray().add(text("All reviews look fine.")), "end_turn"),
        AUTO_TOOL, List.of("1")))
        .isInstanceOf(ResponseFormatException.class)
        .hasMessageContaining("without calling record_verdicts");
  }

  @Test
  @DisplayName("enum values are compared case-insensitively and rewritten to the schema's spelling")
  void enumCaseInsensitive() {
    ParsedResponse parsed = parser.read(response(new JsonArray().add(toolUse(new JsonArray()
        .add(verdict("1").put("sentiment", "Positive")).add(verdict("2").put("sentiment", "NEGATIVE")))), "tool_use"),
        FORCED_TOOL, List.of("1", "2"));
    assertThat(parsed.invalid()).isEmpty();
    assertThat(parsed.verdicts().get("1").getString("sentiment")).isEqualTo("positive");
    assertThat(parsed.verdicts().get("2").getString("sentiment")).isEqualTo("negative");
  }
}
