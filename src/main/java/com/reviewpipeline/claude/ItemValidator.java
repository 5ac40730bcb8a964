package com.reviewpipeline.claude;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one tool-output item against the subset of JSON Schema our tool schemas use: object
 * with properties, required and additionalProperties=false; boolean, integer, number (with
 * minimum/maximum), string (with enum), and arrays of those. Enum values match case-insensitively and are
 * rewritten to the schema's spelling: structured outputs do not guarantee an enum's capitalisation
 * (https://platform.claude.com/docs/en/build-with-claude/structured-outputs).
 */
public final class ItemValidator {

  private final JsonObject schema;

  public ItemValidator(JsonObject itemSchema) {
    this.schema = itemSchema;
  }

  /** Returns null when the item is valid, otherwise the first problem found. */
  public String validate(Object item) {
    return check("item", item, schema);
  }

  private static String check(String path, Object value, JsonObject schema) {
    String type = schema.getString("type");
    if (type == null) {
      return null;
    }
    switch (type) {
      case "object" -> {
        if (!(value instanceof JsonObject obj)) {
          return path + " must be an object";
        }
        JsonObject props = schema.getJsonObject("properties", new JsonObject());
        for (Object req : schema.getJsonArray("required", new JsonArray())) {
          if (!obj.containsKey((String) req) || obj.getValue((String) req) == null) {
            return path + "." + req + " is missing";
          }
        }
        Set<String> allowed = new HashSet<>(props.fieldNames());
        for (Map.Entry<String, Object> e : obj) {
          if (!allowed.contains(e.getKey())) {
            if (!schema.getBoolean("additionalProperties", true)) {
              return path + "." + e.getKey() + " is not allowed";
            }
            continue;
          }
          if (e.getValue() == null) {
            continue;
          }
          Object v = e.getValue();
          String canonical = canonicalEnum(props.getJsonObject(e.getKey()), v);
          if (canonical != null) {
            obj.put(e.getKey(), canonical); // an existing key: not a structural change to the map being iterated
            v = canonical;
          }
          String problem = check(path + "." + e.getKey(), v, props.getJsonObject(e.getKey()));
          if (problem != null) {
            return problem;
          }
        }
        return null;
      }
      case "array" -> {
        if (!(value instanceof JsonArray arr)) {
          return path + " must be an array";
        }
        Integer maxItems = schema.getInteger("maxItems");
        if (maxItems != null && arr.size() > maxItems) {
          return path + " has " + arr.size() + " items, at most " + maxItems + " allowed";
        }
        JsonObject items = schema.getJsonObject("items", new JsonObject());
        for (int i = 0; i < arr.size(); i++) {
          String canonical = canonicalEnum(items, arr.getValue(i));
          if (canonical != null) {
            arr.set(i, canonical);
          }
          String problem = check(path + "[" + i + "]", arr.getValue(i), items);
          if (problem != null) {
            return problem;
          }
        }
        return null;
      }
      case "boolean" -> {
        return value instanceof Boolean ? null : path + " must be a boolean";
      }
      case "integer", "number" -> {
        if (!(value instanceof Number n) || (type.equals("integer") && n.doubleValue() != Math.rint(n.doubleValue()))) {
          return path + " must be a" + (type.equals("integer") ? "n integer" : " number");
        }
        Double min = schema.getDouble("minimum");
        Double max = schema.getDouble("maximum");
        if ((min != null && n.doubleValue() < min) || (max != null && n.doubleValue() > max)) {
          return path + " is out of range [" + min + ", " + max + "]";
        }
        return null;
      }
      case "string" -> {
        if (!(value instanceof String s)) {
          return path + " must be a string";
        }
        JsonArray allowed = schema.getJsonArray("enum");
        if (allowed != null && !allowed.contains(s)) {
          return path + " must be one of " + allowed.encode();
        }
        Integer maxLength = schema.getInteger("maxLength");
        if (maxLength != null && s.length() > maxLength) {
          return path + " is longer than " + maxLength + " characters";
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /** The schema's spelling of an enum value given in another case, else null. */
  private static String canonicalEnum(JsonObject schema, Object value) {
    JsonArray allowed = schema == null ? null : schema.getJsonArray("enum");
    if (allowed == null || !(value instanceof String s) || allowed.contains(s)) {
      return null;
    }
    for (Object a : allowed) {
      if (a instanceof String option && option.equalsIgnoreCase(s)) {
        return option;
      }
    }
    return null;
  }

  /** The property names of the item schema, in declaration order. */
  public List<String> fields() {
    return List.copyOf(schema.getJsonObject("properties", new JsonObject()).fieldNames());
  }
}
