package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Structured-output rules shared by {@code output_config.format} and {@code strict} tools
 * (https://platform.claude.com/docs/en/build-with-claude/structured-outputs, JSON Schema limitations):
 * numerical and string constraints, array constraints beyond {@code minItems} 0 or 1, and
 * {@code additionalProperties} other than false are rejected, and every object must set
 * {@code additionalProperties: false}. "If you use an unsupported feature, you'll receive a 400 error with
 * details": the page quotes no message, so the simulator's names the keyword and where it is.
 */
final class SchemaRules {

  static final List<String> UNSUPPORTED = List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
      "multipleOf", "minLength", "maxLength", "maxItems");
  /** "Strict tools per request | 20" (structured-outputs page, limits). */
  static final int MAX_STRICT_TOOLS = 20;

  private SchemaRules() {}

  static ApiError check(JsonObject body, ApiModel model) {
    ApiError e = format(body, model);
    return e != null ? e : strictTools(body, model);
  }

  private static ApiError format(JsonObject body, ApiModel model) {
    JsonObject output = body.getJsonObject("output_config");
    Object value = output == null ? null : output.getValue("format");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject format) || !"json_schema".equals(format.getString("type"))) {
      String type = value instanceof JsonObject f ? f.getString("type") : null;
      return ApiError.invalidRequest("output_config.format.type: '" + type + "' is not a supported format type; expected 'json_schema'");
    }
    if (!model.structuredOutputs()) {
      return ApiError.invalidRequest("output_config.format: structured outputs are not supported for this model.");
    }
    if (!(format.getValue("schema") instanceof JsonObject schema)) {
      return ApiError.invalidRequest("output_config.format.schema: Field required");
    }
    String violation = violation(schema, "output_config.format.schema");
    return violation == null ? null : ApiError.invalidRequest(violation);
  }

  private static ApiError strictTools(JsonObject body, ApiModel model) {
    JsonArray tools = body.getJsonArray("tools", new JsonArray());
    int strict = 0;
    for (int i = 0; i < tools.size(); i++) {
      if (!(tools.getValue(i) instanceof JsonObject tool) || !Boolean.TRUE.equals(tool.getValue("strict"))) {
        continue;
      }
      strict++;
      if (!model.structuredOutputs()) {
        return ApiError.invalidRequest("tools." + i + ".strict: structured outputs are not supported for this model.");
      }
      String violation = violation(tool.getValue("input_schema"), "tools." + i + ".input_schema");
      if (violation != null) {
        return ApiError.invalidRequest(violation);
      }
    }
    if (strict > MAX_STRICT_TOOLS) {
      return ApiError.invalidRequest("tools: a request can have at most " + MAX_STRICT_TOOLS + " strict tools; found " + strict + ".");
    }
    return null;
  }

  /** The first unsupported construct in {@code node} and below, as a message naming it and its path; null if none. */
  static String violation(Object node, String path) {
    if (!(node instanceof JsonObject s)) {
      return null;
    }
    for (String keyword : UNSUPPORTED) {
      if (s.containsKey(keyword)) {
        return path + ": '" + keyword + "' is not supported in structured outputs";
      }
    }
    if (s.getValue("minItems") instanceof Number n && n.intValue() > 1) {
      return path + ": 'minItems' values other than 0 and 1 are not supported in structured outputs";
    }
    Object additional = s.getValue("additionalProperties");
    if (additional != null && !Boolean.FALSE.equals(additional)) {
      return path + ": 'additionalProperties' other than false is not supported in structured outputs";
    }
    if (additional == null && isObject(s)) {
      return path + ": For 'object' type, 'additionalProperties' must be explicitly set to false";
    }
    if (s.getValue("properties") instanceof JsonObject props) {
      for (String name : props.fieldNames()) {
        String v = violation(props.getValue(name), path + ".properties." + name);
        if (v != null) {
          return v;
        }
      }
    }
    for (String key : List.of("items", "anyOf", "allOf", "$defs", "definitions")) {
      String v = children(s.getValue(key), path + "." + key);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String children(Object value, String path) {
    if (value instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        String v = violation(list.getValue(i), path + "." + i);
        if (v != null) {
          return v;
        }
      }
    } else if (value instanceof JsonObject o) {
      // items is itself a schema; $defs and definitions map names to schemas
      if (path.endsWith(".items")) {
        return violation(o, path);
      }
      for (String name : o.fieldNames()) {
        String v = violation(o.getValue(name), path + "." + name);
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  private static boolean isObject(JsonObject s) {
    Object type = s.getValue("type");
    return "object".equals(type) || (type instanceof JsonArray types && types.contains("object"))
        || (type == null && s.containsKey("properties"));
  }
}
