package com.reviewpipeline.claude;

import com.reviewpipeline.model.Usage;
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
 * Reads the forced tool call out of a Messages API response: finds the {@code tool_use} block by
 * type and name (never {@code content[0].text}), and checks every item against the batch's ids
 * and the pipeline's item schema. One bad item fails alone, not the batch.
 */
public final class ToolResponseParser {

  private final String toolName;
  private final ItemValidator validator;

  public ToolResponseParser(String toolName, ItemValidator validator) {
    this.toolName = toolName;
    this.validator = validator;
  }

  public ParsedResponse parse(JsonObject response, Collection<String> batchIds) {
    if (response == null || !"message".equals(response.getString("type"))) {
      throw new ResponseFormatException("response is not a message object");
    }
    String stopReason = response.getString("stop_reason");
    Usage usage = Usage.fromJson(response.getJsonObject("usage"));
    String model = response.getString("model");
    JsonArray content = response.getJsonArray("content", new JsonArray());
    JsonObject toolUse = null;
    List<String> types = new ArrayList<>();
    for (Object block : content) {
      if (block instanceof JsonObject b) {
        types.add(b.getString("type"));
        if ("tool_use".equals(b.getString("type")) && toolName.equals(b.getString("name"))) {
          toolUse = b;
          break;
        }
      }
    }
    Set<String> expected = new LinkedHashSet<>(batchIds);
    if (toolUse == null) {
      if ("max_tokens".equals(stopReason) || "refusal".equals(stopReason)) {
        return new ParsedResponse(Map.of(), List.copyOf(expected), List.of(), Map.of(), stopReason, model, usage);
      }
      throw new ResponseFormatException("no tool_use block named " + toolName + "; content block types: " + types
          + ", stop_reason: " + stopReason);
    }
    Object input = toolUse.getValue("input");
    if (!(input instanceof JsonObject in) || !(in.getValue("results") instanceof JsonArray results)) {
      throw new ResponseFormatException("tool_use input has no results array");
    }
    Map<String, JsonObject> verdicts = new LinkedHashMap<>();
    Map<String, String> invalid = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (Object o : results) {
      String id = o instanceof JsonObject item && item.getValue("id") instanceof String s ? s : null;
      if (id == null || !expected.contains(id)) {
        unknown.add(String.valueOf(id));
        continue;
      }
      if (verdicts.containsKey(id) || invalid.containsKey(id)) {
        continue;
      }
      String problem = validator.validate(o);
      if (problem == null) {
        verdicts.put(id, (JsonObject) o);
      } else {
        invalid.put(id, problem);
      }
    }
    List<String> missing = expected.stream()
        .filter(id -> !verdicts.containsKey(id) && !invalid.containsKey(id))
        .toList();
    return new ParsedResponse(verdicts, missing, unknown, invalid, stopReason, model, usage);
  }
}
