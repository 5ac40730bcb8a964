package com.reviewpipeline.claude.request;

import com.reviewpipeline.config.ModelProfile.StructuredOutput;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.VerdictMapping;
import com.reviewpipeline.model.Usage;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the verdicts out of a Messages API response by content-block type, never by position (thinking blocks
 * may come first): the {@code tool_use} block of the pipeline's tool, or the JSON text of a {@code json_schema}
 * answer. An answer cut short ({@code max_tokens}, {@code model_context_window_exceeded}, {@code refusal}) yields
 * its complete items; the rest count as missing. Every item is checked against the batch's ids and the
 * pipeline's item schema, then mapped to the documented verdict fields ({@link VerdictMapping}); one bad item fails
 * alone, not the batch.
 */
public final class ResponseReader {

  private final String toolName;
  private final ItemValidator validator;
  private final VerdictMapping mapping;

  /** A reader of items that are the documented verdict fields already. */
  public ResponseReader(String toolName, ItemValidator validator) {
    this(toolName, validator, null);
  }

  /** @param mapping from answer items to documented verdicts; null: the items are documented verdicts already */
  public ResponseReader(String toolName, ItemValidator validator, VerdictMapping mapping) {
    this.toolName = toolName;
    this.validator = validator;
    this.mapping = mapping;
  }

  /** The reader of a pipeline's answers: its tool, its item schema, its mapping. */
  public static ResponseReader of(PipelineConfig pipeline) {
    return new ResponseReader(pipeline.toolName(), new ItemValidator(pipeline.itemSchema()), pipeline.mapping());
  }

  public ParsedResponse read(JsonObject response, StructuredOutput mode, Collection<String> batchIds) {
    if (response == null || !"message".equals(response.getString("type"))) {
      throw new ResponseFormatException("response is not a message object");
    }
    String stopReason = response.getString("stop_reason");
    boolean cut = ParsedResponse.TRUNCATED.contains(stopReason) || "refusal".equals(stopReason);
    JsonObject toolUse = null;
    StringBuilder text = new StringBuilder();
    int thinking = 0;
    List<String> types = new ArrayList<>();
    for (Object block : response.getJsonArray("content", new JsonArray())) {
      if (!(block instanceof JsonObject b)) {
        continue;
      }
      String type = b.getString("type");
      types.add(type);
      switch (String.valueOf(type)) {
        case "thinking", "redacted_thinking" -> thinking++;
        case "tool_use" -> {
          if (toolUse == null && toolName.equals(b.getString("name"))) {
            toolUse = b;
          }
        }
        case "text" -> text.append(b.getString("text", ""));
        default -> { }
      }
    }
    Answer answer = mode == StructuredOutput.JSON_SCHEMA
        ? fromText(text.toString(), cut, types, stopReason)
        : fromToolUse(toolUse, mode, cut, types, stopReason);
    return check(response, answer, batchIds, thinking);
  }

  private record Answer(JsonArray results, long chars) {}

  private Answer fromToolUse(JsonObject toolUse, StructuredOutput mode, boolean cut, List<String> types, String stop) {
    if (toolUse == null) {
      if (cut) {
        return new Answer(new JsonArray(), 0);
      }
      throw new ResponseFormatException((mode == StructuredOutput.AUTO_TOOL
          ? "the model answered without calling " + toolName
          : "no tool_use block named " + toolName) + "; content block types: " + types + ", stop_reason: " + stop);
    }
    Object input = toolUse.getValue("input");
    if (input instanceof String partial) {
      return new Answer(PartialJson.completeResults(partial), partial.length());
    }
    if (input instanceof JsonObject in && in.getValue("results") instanceof JsonArray results) {
      return new Answer(results, in.encode().length());
    }
    if (cut) {
      return new Answer(new JsonArray(), 0);
    }
    throw new ResponseFormatException("tool_use input has no results array");
  }

  private Answer fromText(String text, boolean cut, List<String> types, String stop) {
    if (text.isBlank()) {
      if (cut) {
        return new Answer(new JsonArray(), 0);
      }
      throw new ResponseFormatException("no text block with the JSON answer; content block types: " + types
          + ", stop_reason: " + stop);
    }
    try {
      Object results = new JsonObject(text.strip()).getValue("results");
      if (results instanceof JsonArray a) {
        return new Answer(a, text.length());
      }
      if (!cut) {
        throw new ResponseFormatException("the JSON answer has no results array");
      }
    } catch (DecodeException | ClassCastException notJson) {
      if (!cut) {
        throw new ResponseFormatException("the answer is not the JSON object the schema asks for: "
            + notJson.getMessage());
      }
    }
    return new Answer(PartialJson.completeResults(text), text.length());
  }

  private ParsedResponse check(JsonObject response, Answer answer, Collection<String> batchIds, int thinking) {
    Set<String> expected = new LinkedHashSet<>(batchIds);
    Map<String, JsonObject> verdicts = new LinkedHashMap<>();
    Map<String, String> invalid = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    String idKey = mapping == null ? "id" : mapping.idKey();
    for (Object o : answer.results()) {
      String id = o instanceof JsonObject item && item.getValue(idKey) instanceof String s ? s : null;
      if (id == null || !expected.contains(id)) {
        unknown.add(String.valueOf(id));
        continue;
      }
      if (verdicts.containsKey(id) || invalid.containsKey(id)) {
        continue;
      }
      String problem = validator.validate(o);
      VerdictMapping.Mapped mapped = problem != null || mapping == null ? null : mapping.expand((JsonObject) o);
      if (mapped != null) {
        problem = mapped.problem();
      }
      if (problem == null) {
        verdicts.put(id, mapped == null ? (JsonObject) o : mapped.verdict());
      } else {
        invalid.put(id, problem);
      }
    }
    List<String> missing = expected.stream()
        .filter(id -> !verdicts.containsKey(id) && !invalid.containsKey(id))
        .toList();
    Object details = response.getValue("stop_details");
    return new ParsedResponse(verdicts, missing, unknown, invalid, response.getString("stop_reason"),
        details instanceof JsonObject d ? d : null, response.getString("model"),
        Usage.fromJson(response.getJsonObject("usage")), thinking, answer.chars());
  }
}
