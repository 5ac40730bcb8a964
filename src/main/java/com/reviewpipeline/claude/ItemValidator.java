package com.reviewpipeline.claude;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.util.List;
import java.util.Map;

/**
 * Checks one answer item against the pipeline's own item schema with vertx-json-schema (draft 2020-12): every keyword
 * the schema uses is enforced, including those structured outputs do not accept and {@link StrictSchema} strips from
 * the request ({@code pattern}, {@code minItems}, {@code maxLength}, ...). Before that, enum values given in another
 * case are rewritten to the schema's spelling: structured outputs do not guarantee an enum's capitalisation
 * (https://platform.claude.com/docs/en/build-with-claude/structured-outputs).
 */
public final class ItemValidator {

  private final JsonObject schema;
  private final Validator validator;

  public ItemValidator(JsonObject itemSchema) {
    this.schema = itemSchema;
    this.validator = Validator.create(JsonSchema.of(itemSchema), new JsonSchemaOptions()
        .setDraft(Draft.DRAFT202012)
        .setBaseUri("urn:review-pipeline:item")
        .setOutputFormat(OutputFormat.Basic));
  }

  /** Returns null when the item is valid, otherwise the first problem found (with where in the item it is). */
  public String validate(Object item) {
    canonicalEnums(item, schema);
    OutputUnit out = validator.validate(item);
    if (Boolean.TRUE.equals(out.getValid())) {
      return null;
    }
    List<OutputUnit> errors = out.getErrors();
    OutputUnit first = errors == null || errors.isEmpty() ? out : errors.get(0);
    String location = first.getInstanceLocation() == null ? "" : first.getInstanceLocation().replaceFirst("^#", "");
    String where = "item" + location.replace('/', '.');
    return where + ": " + first.getError();
  }

  /** Rewrites, in place, enum values given in another case to the schema's spelling (objects and arrays). */
  private static void canonicalEnums(Object value, JsonObject schema) {
    if (schema == null) {
      return;
    }
    if (value instanceof JsonObject obj) {
      JsonObject props = schema.getJsonObject("properties");
      if (props == null) {
        return;
      }
      for (Map.Entry<String, Object> e : obj) {
        JsonObject prop = props.getJsonObject(e.getKey());
        String canonical = canonicalEnum(prop, e.getValue());
        if (canonical != null) {
          obj.put(e.getKey(), canonical); // an existing key: not a structural change to the map being iterated
        } else {
          canonicalEnums(e.getValue(), prop);
        }
      }
    } else if (value instanceof JsonArray arr) {
      JsonObject items = schema.getJsonObject("items");
      for (int i = 0; i < arr.size(); i++) {
        String canonical = canonicalEnum(items, arr.getValue(i));
        if (canonical != null) {
          arr.set(i, canonical);
        } else {
          canonicalEnums(arr.getValue(i), items);
        }
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
    JsonObject props = schema.getJsonObject("properties");
    return props == null ? List.of() : List.copyOf(props.fieldNames());
  }
}
