package com.reviewpipeline.claude;

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

class ToolResponseParserTest {

  ToolResponseParser parser;

  @BeforeEach
  void setUp() throws Exception {
    JsonObject tool = new JsonObject(Files.readString(Path.of("conf/pipelines/moderator.tool.json")));
    JsonObject items = tool.getJsonObject("input_schema").getJsonObject("properties").getJsonObject("results")
        .getJsonObject("items");
    parser = new ToolResponseParser("record_verdicts", new ItemValidator(items));
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
    ParsedResponse parsed = parser.parse(response(content, "tool_use"), List.of("a", "b"));
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
    ParsedResponse parsed = parser.parse(response(new JsonArray().add(toolUse(results)), "tool_use"),
        List.of("a", "b", "c", "d", "e"));
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
    ParsedResponse parsed = parser.parse(response(new JsonArray().add(toolUse(new JsonArray().add(item))), "tool_use"),
        List.of("a"));
    assertThat(parsed.invalid()).containsEntry("a", "item.is_fake is missing");
  }

  @Test
  @DisplayName("a response with only text and no tool call is a format error, never parsed as text")
  void textOnlyIsAnError() {
    JsonArray content = new JsonArray().add(new JsonObject().put("type", "text")
        .put("text", new JsonObject().put("results", new JsonArray().add(verdict("a"))).encode()));
    assertThatThrownBy(() -> parser.parse(response(content, "end_turn"), List.of("a")))
        .isInstanceOf(ResponseFormatException.class)
        .hasMessageContaining("no tool_use block");
  }

  @Test
  @DisplayName("a truncated response without a tool call reports every id missing with stop_reason max_tokens")
  void truncated() {
    ParsedResponse parsed = parser.parse(response(new JsonArray(), "max_tokens"), List.of("a", "b"));
    assertThat(parsed.stopReason()).isEqualTo("max_tokens");
    assertThat(parsed.missing()).containsExactly("a", "b");
  }

  @Test
  @DisplayName("a tool call without a results array is a format error")
  void toolWithoutResults() {
    JsonObject block = new JsonObject().put("type", "tool_use").put("name", "record_verdicts")
        .put("input", new JsonObject().put("verdicts", new JsonArray()));
    assertThatThrownBy(() -> parser.parse(response(new JsonArray().add(block), "tool_use"), List.of("a")))
        .isInstanceOf(ResponseFormatException.class)
        .hasMessageContaining("results");
  }
}
