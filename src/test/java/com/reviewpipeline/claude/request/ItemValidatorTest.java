package com.reviewpipeline.claude.request;

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
  @DisplayName("a compact item that fits no anyOf branch fails with each branch's reason; flag letters in another case are rewritten")
  void compactBranches() throws Exception {
    JsonObject items = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("conf/pipelines/moderator.tool.json")))
        .getJsonObject("input_schema").getJsonObject("properties").getJsonObject("results").getJsonObject("items");
    ItemValidator compact = new ItemValidator(items);
    JsonObject clean = new JsonObject().put("i", "1").put("f", "").put("s", "pos").put("c", 9);
    assertThat(compact.validate(clean.copy())).isNull();
    assertThat(compact.validate(clean.copy().put("f", "sa").put("r", "promo and insults"))).isNull();
    assertThat(compact.validate(clean.copy().put("r", "no flag, no reason")))
        .isEqualTo("item fits none of the 2 shapes anyOf allows: (1) item.r is not allowed; "
            + "(2) item.f must be one of [\"s\",\"a\",\"f\",\"sa\",\"sf\",\"af\",\"saf\"]");
    assertThat(compact.validate(clean.copy().put("c", 11))).contains("(1) item.c must be one of [0,1,2,3,4,5,6,7,8,9,10]");
    assertThat(compact.validate(clean.copy().put("f", "as"))).as("letters out of order").contains("item.f must be one of");
    JsonObject upper = clean.copy().put("f", "SF").put("s", "NEG");
    assertThat(compact.validate(upper)).isNull();
    assertThat(upper.getString("f")).isEqualTo("sf");
    assertThat(upper.getString("s")).isEqualTo("neg");
    assertThat(compact.fields()).containsExactly("i", "f", "s", "c", "r");
  }

  @Test
  @DisplayName("fields lists the schema's properties in declaration order")
  void fields() {
    assertThat(validator.fields()).startsWith("id", "is_spam", "sentiment");
  }

  @Test
  @DisplayName("on the shipped tool schemas the fast subset check and vertx-json-schema accept and refuse the same items")
  void fastCheckAgreesWithTheLibrary() throws Exception {
    java.util.Random r = new java.util.Random(3);
    for (String tool : java.util.List.of("conf/pipelines/moderator.tool.json", "conf/pipelines/analyzer.tool.json")) {
      JsonObject items = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of(tool)))
          .getJsonObject("input_schema").getJsonObject("properties").getJsonObject("results").getJsonObject("items");
      assertThat(ItemValidator.usesOnlySubset(items)).as(tool + " uses the fast check").isTrue();
      io.vertx.json.schema.Validator library = io.vertx.json.schema.Validator.create(
          io.vertx.json.schema.JsonSchema.of(items), new io.vertx.json.schema.JsonSchemaOptions()
              .setDraft(io.vertx.json.schema.Draft.DRAFT202012).setBaseUri("urn:test"));
      int refused = 0;
      for (int n = 0; n < 5_000; n++) {
        JsonObject item = randomItem(items, r);
        boolean fast = ItemValidator.subsetCheck("item", item.copy(), items) == null;
        boolean lib = library.validate(item.copy()).getValid();
        assertThat(fast).as(tool + ": " + item.encode()).isEqualTo(lib);
        refused += fast ? 0 : 1;
      }
      assertThat(refused).as("the generated items include invalid ones").isBetween(500, 4_500);
    }
  }

  /**
   * An item built from the schema's properties, each value right most of the time and wrong otherwise; for an
   * {@code anyOf} schema, from one branch, sometimes with a property of another branch mixed in.
   */
  static JsonObject randomItem(JsonObject schema, java.util.Random r) {
    JsonArray branches = schema.getJsonArray("anyOf");
    if (branches != null) {
      JsonObject item = randomItem(branches.getJsonObject(r.nextInt(branches.size())), r);
      if (r.nextInt(4) == 0) {
        randomItem(branches.getJsonObject(r.nextInt(branches.size())), r).forEach(e -> {
          if (r.nextBoolean()) {
            item.put(e.getKey(), e.getValue());
          }
        });
      }
      return item;
    }
    JsonObject item = new JsonObject();
    JsonObject props = schema.getJsonObject("properties");
    for (String name : props.fieldNames()) {
      if (r.nextInt(20) == 0) {
        continue; // missing
      }
      JsonObject p = props.getJsonObject(name);
      String type = p.getString("type");
      Object v;
      if (r.nextInt(12) == 0) {
        v = r.nextBoolean() ? (Object) 42 : "forty-two"; // the wrong type, or right by chance
      } else if ("boolean".equals(type)) {
        v = r.nextBoolean();
      } else if ("number".equals(type)) {
        v = r.nextDouble() * 1.2 - 0.1;
      } else if ("integer".equals(type) && p.getJsonArray("enum") != null) {
        JsonArray e = p.getJsonArray("enum");
        v = r.nextInt(15) == 0 ? (Object) (e.getInteger(e.size() - 1) + 1) : e.getInteger(r.nextInt(e.size()));
      } else if ("integer".equals(type)) {
        v = r.nextInt(7) - 1;
      } else if ("array".equals(type)) {
        JsonArray e = p.getJsonObject("items").getJsonArray("enum");
        v = new JsonArray().add(e == null || r.nextInt(15) == 0 ? "unlisted" : e.getString(r.nextInt(e.size())));
      } else if (p.getJsonArray("enum") != null) {
        JsonArray e = p.getJsonArray("enum");
        v = e.getString(r.nextInt(e.size())) + (r.nextInt(15) == 0 ? "x" : "");
      } else {
        v = "t".repeat(r.nextInt(40));
      }
      item.put(name, v);
    }
    if (r.nextInt(25) == 0) {
      item.put("extra", 1);
    }
    return item;
  }
}
