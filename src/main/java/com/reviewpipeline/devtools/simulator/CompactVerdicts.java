package com.reviewpipeline.devtools.simulator;

import com.reviewpipeline.config.VerdictMapping;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Compact verdict items, for a request whose item schema asks for them (properties {@code i}, {@code f}, {@code s},
 * {@code c}, also inside {@code anyOf} branches): the simulated model judges as it does for the documented fields and
 * writes the codes the shipped moderator prompt defines: the flag letters s, a, f in that order ("" for none),
 * sentiment pos/neu/neg, confidence in tenths, a reason only when a flag is set. A model reads these codes in the
 * prompt; the simulator knows them, as it knows the names {@code is_spam} and {@code sentiment}. What it returns is
 * encoded and counted like any other answer, so compact items cost fewer output tokens only by being shorter.
 */
final class CompactVerdicts {

  /** The documented item the judge fills before it is written compactly. */
  static final JsonObject DOCUMENTED = new JsonObject()
      .put("type", "object")
      .put("properties", new JsonObject()
          .put("id", new JsonObject().put("type", "string"))
          .put("is_spam", new JsonObject().put("type", "boolean"))
          .put("is_abusive", new JsonObject().put("type", "boolean"))
          .put("is_fake", new JsonObject().put("type", "boolean"))
          .put("sentiment", new JsonObject().put("type", "string")
              .put("enum", new JsonArray().add("positive").add("neutral").add("negative")))
          .put("confidence", new JsonObject().put("type", "number"))
          .put("reason", new JsonObject().put("type", "string")))
      .put("required", new JsonArray().add("id").add("is_spam").add("is_abusive").add("is_fake").add("sentiment")
          .add("confidence"));

  private CompactVerdicts() {}

  /** Whether the item schema asks for compact items. */
  static boolean asked(JsonObject itemSchema) {
    return VerdictMapping.properties(itemSchema).containsAll(Set.of("i", "f", "s", "c"));
  }



  /**
   * The compact form of a documented item. A value the knobs spoiled (a sentiment outside the enum) is kept as it
   * is, so the answer is as invalid as its documented form.
   */
  static JsonObject encode(JsonObject v) {
    String flags = (Boolean.TRUE.equals(v.getValue("is_spam")) ? "s" : "")
        + (Boolean.TRUE.equals(v.getValue("is_abusive")) ? "a" : "")
        + (Boolean.TRUE.equals(v.getValue("is_fake")) ? "f" : "");
    Object sentiment = v.getValue("sentiment");
    Object code = "positive".equals(sentiment) ? "pos" : "neutral".equals(sentiment) ? "neu"
        : "negative".equals(sentiment) ? "neg" : sentiment;
    JsonObject out = new JsonObject()
        .put("i", v.getValue("id"))
        .put("f", flags)
        .put("s", code)
        .put("c", v.getValue("confidence") instanceof Number n ? (int) Math.round(n.doubleValue() * 10) : 0);
    if (!flags.isEmpty() && v.getValue("reason") != null) {
      out.put("r", v.getValue("reason"));
    }
    return out;
  }
}
