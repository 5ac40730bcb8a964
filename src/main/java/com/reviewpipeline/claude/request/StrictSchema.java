package com.reviewpipeline.claude.request;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The schema sent with {@code strict: true} tools and {@code output_config.format}: the pipeline's schema without
 * the keywords structured outputs reject with a 400 (numeric bounds, string lengths, array sizes beyond
 * {@code minItems} 0 or 1; https://platform.claude.com/docs/en/build-with-claude/structured-outputs, "JSON Schema
 * limitations"). The full schema still validates every answer locally, so a dropped bound is checked, not lost.
 */
final class StrictSchema {

  static final Set<String> UNSUPPORTED = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
      "multipleOf", "minLength", "maxLength", "maxItems");

  private StrictSchema() {}

  static JsonObject of(JsonObject schema) {
    JsonObject out = new JsonObject();
    schema.forEach(e -> {
      String key = e.getKey();
      Object v = e.getValue();
      if (UNSUPPORTED.contains(key) || (key.equals("minItems") && v instanceof Number n && n.intValue() > 1)) {
        return;
      }
      out.put(key, copy(v));
    });
    if ("object".equals(out.getString("type"))) {
      out.put("additionalProperties", false);
    }
    return out;
  }

  private static Object copy(Object v) {
    if (v instanceof JsonObject o) {
      return of(o);
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(copy(x)));
      return out;
    }
    return v;
  }
}
