package com.reviewpipeline.claude;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ItemValidatorTest {

  /** A pipeline's own item schema, with keywords structured outputs do not accept (pattern, minItems, minLength). */
  static final JsonObject SCHEMA = new JsonObject("""
      {"type": "object", "additionalProperties": false,
       "required": ["id", "is_spam", "sentiment", "confidence", "tags"],
       "properties": {
         "id": {"type": "string"},
         "is_spam": {"type": "boolean"},
         "sentiment": {"type": "string", "enum": ["positive", "neutral", "negative"]},
         "confidence": {"type": "number", "minimum": 0, "maximum": 1},
         "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
         "reason": {"type": "string", "minLength": 3, "maxLength": 40},
         "tags": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string", "enum": ["price", "quality"]}}
       }}""");

  final ItemValidator validator = new ItemValidator(SCHEMA);

  static JsonObject valid() {
    return new JsonObject().put("id", "1").put("is_spam", false).put("sentiment", "positive").put("confidence", 0.9)
        .put("tags", new JsonArray().add("price"));
  }

  @Test
  @DisplayName("a valid item passes")
  void valid_item() {
    assertThat(validator.validate(valid().put("sku", "ABC-1234").put("reason", "cheap"))).isNull();
  }

  @Test
  @DisplayName("the pipeline's pattern, minItems, minLength and maxLength are enforced (the hand-written check ignored them)")
  void keywordsBeyondTheOldSubset() {
    assertThat(validator.validate(valid().put("sku", "abc-12"))).isNotNull().contains("sku");
    assertThat(validator.validate(valid().put("tags", new JsonArray()))).isNotNull().contains("tags");
    assertThat(validator.validate(valid().put("reason", "no"))).isNotNull().contains("reason");
    assertThat(validator.validate(valid().put("reason", "x".repeat(41)))).isNotNull().contains("reason");
  }

  @Test
  @DisplayName("types, ranges, required and additional properties are enforced")
  void basics() {
    assertThat(validator.validate(valid().put("confidence", 1.5))).isNotNull();
    assertThat(validator.validate(valid().put("is_spam", "no"))).isNotNull();
    JsonObject missing = valid();
    missing.remove("sentiment");
    assertThat(validator.validate(missing)).isNotNull();
    assertThat(validator.validate(valid().put("extra", 1))).isNotNull();
    assertThat(validator.validate("not an object")).isNotNull();
  }

  @Test
  @DisplayName("enum values in another case are rewritten to the schema's spelling, in arrays too; unknown values fail")
  void enumCase() {
    JsonObject item = valid().put("sentiment", "Positive").put("tags", new JsonArray().add("QUALITY"));
    assertThat(validator.validate(item)).isNull();
    assertThat(item.getString("sentiment")).isEqualTo("positive");
    assertThat(item.getJsonArray("tags").getString(0)).isEqualTo("quality");
    assertThat(validator.validate(valid().put("sentiment", "ecstatic"))).isNotNull().contains("sentiment");
  }

  @Test
  @DisplayName("fields lists the schema's properties in declaration order")
  void fields() {
    assertThat(validator.fields()).startsWith("id", "is_spam", "sentiment");
  }
}
