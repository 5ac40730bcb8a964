package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds an answer's content blocks, stop reason, stop details and output tokens in the shapes the API
 * documents: thinking blocks first (https://platform.claude.com/docs/en/build-with-claude/thinking), then a
 * {@code tool_use} or a {@code text} block; {@code max_tokens} and {@code model_context_window_exceeded} cut the
 * answer inside an item, and {@code refusal} stops it before the refused review
 * (https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons).
 */
final class Answers {

  enum Kind { TOOL, JSON, PROSE }

  /** How the request is answered: a call of {@code toolName}, a JSON text per the format's schema, or prose. */
  record Shape(Kind kind, String toolName, JsonObject itemSchema) {}

  /** One verdict and the batch position of the review it judges. */
  record Item(int review, JsonObject value) {}

  /** A cut the knobs ask for: the first {@code keep} items complete, then one incomplete item. */
  record Cut(int keep, String stopReason) {}

  /** {@code thinkingTokens} (up-front and progress updates) is included in {@code outputTokens}, as the API bills it. */
  record Answer(JsonArray content, String stopReason, JsonObject stopDetails, long outputTokens, long thinkingTokens) {}

  static final String PROSE_LEAD = "I reviewed each item. Here are my verdicts:\n\n";

  private Answers() {}

  /**
   * The shape the model answers in: a forced tool call; JSON text when {@code output_config.format} is set;
   * otherwise a call of the first tool under {@code auto} (or no tool_choice), unless the knob makes the model
   * answer prose instead; prose when there is nothing to call.
   */
  static Shape shape(JsonObject body, boolean textInsteadOfTool) {
    JsonArray tools = body.getJsonArray("tools", new JsonArray());
    JsonObject choice = body.getJsonObject("tool_choice");
    String type = choice == null ? "auto" : choice.getString("type");
    JsonObject output = body.getJsonObject("output_config");
    JsonObject format = output == null ? null : output.getJsonObject("format");
    if ("tool".equals(type)) {
      return new Shape(Kind.TOOL, choice.getString("name"), itemsOf(toolSchema(tools, choice.getString("name"))));
    }
    if ("any".equals(type)) {
      return new Shape(Kind.TOOL, tools.getJsonObject(0).getString("name"), itemsOf(tools.getJsonObject(0).getJsonObject("input_schema")));
    }
    if (format != null) {
      return new Shape(Kind.JSON, null, itemsOf(format.getJsonObject("schema")));
    }
    if ("auto".equals(type) && !tools.isEmpty() && !textInsteadOfTool) {
      JsonObject first = tools.getJsonObject(0);
      return new Shape(Kind.TOOL, first.getString("name"), itemsOf(first.getJsonObject("input_schema")));
    }
    return new Shape(Kind.PROSE, null, tools.isEmpty() ? new JsonObject() : itemsOf(tools.getJsonObject(0).getJsonObject("input_schema")));
  }

  private static JsonObject toolSchema(JsonArray tools, String name) {
    for (Object o : tools) {
      if (o instanceof JsonObject t && name.equals(t.getString("name"))) {
        return t.getJsonObject("input_schema");
      }
    }
    return null;
  }

  /** The item schema: {@code properties.results.items} of a tool's input schema or of the format's schema. */
  static JsonObject itemsOf(JsonObject schema) {
    try {
      return schema.getJsonObject("properties").getJsonObject("results").getJsonObject("items");
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  static Answer refusal() {
    return new Answer(new JsonArray(), "refusal", refusalDetails(), 0, 0);
  }

  /**
   * The answer for {@code items} of a batch of {@code reviews}: stopped before review {@code refuseAt} (-1:
   * never), cut as {@code cut} asks (null: only where {@code max_tokens} runs out).
   */
  static Answer build(Shape shape, List<Item> items, int reviews, int refuseAt, Cut cut, ThinkingPlan plan, int maxTokens,
      double ratio) {
    return build(shape, items, reviews, refuseAt, cut, plan, 0, maxTokens, ratio);
  }

  /** The same, thinking {@code extraThinking} tokens more up front (a review that takes long thought). */
  static Answer build(Shape shape, List<Item> items, int reviews, int refuseAt, Cut cut, ThinkingPlan plan,
      long extraThinking, int maxTokens, double ratio) {
    long thinking = plan.upFrontTokens(reviews) + extraThinking;
    long progress = plan.progressUpdate() && shape.kind() == Kind.TOOL ? ThinkingPlan.PROGRESS_UPDATE_TOKENS : 0;
    JsonArray content = new JsonArray();
    if (thinking > 0) {
      content.add(thinkingBlock(plan.summarized() ? "Judging " + reviews + " reviews for spam, abuse and fake praise." : ""));
    }
    if (thinking >= maxTokens) {
      // "a request with a small max_tokens can stop with stop_reason: max_tokens after a thinking block and before any text"
      return new Answer(content, "max_tokens", null, maxTokens, maxTokens);
    }
    if (progress > 0) {
      // progress updates "still come back as thinking blocks with their summary text" (whats-new-sonnet-5-5)
      content.add(thinkingBlock("Recording a verdict for each review."));
    }
    long spent = thinking + progress;
    List<JsonObject> values = items.stream().map(Item::value).toList();
    if (refuseAt >= 0) {
      List<JsonObject> before = items.stream().filter(i -> i.review() < refuseAt).map(Item::value).toList();
      JsonObject block = partial(shape, before, null);
      content.add(block);
      return new Answer(content, "refusal", refusalDetails(), spent + visibleTokens(block, ratio), spent);
    }
    if (cut != null) {
      int keep = Math.min(cut.keep(), values.size());
      JsonObject block = partial(shape, values.subList(0, keep), keep < values.size() ? values.get(keep) : null);
      content.add(block);
      long out = "max_tokens".equals(cut.stopReason()) ? maxTokens : Math.min(maxTokens, spent + visibleTokens(block, ratio));
      return new Answer(content, cut.stopReason(), null, out, spent);
    }
    JsonObject full = complete(shape, values);
    long visible = visibleTokens(full, ratio);
    if (spent + visible <= maxTokens) {
      content.add(full);
      return new Answer(content, shape.kind() == Kind.TOOL ? "tool_use" : "end_turn", null, spent + visible, spent);
    }
    int keep = fitting(values, maxTokens - spent, ratio);
    content.add(partial(shape, values.subList(0, keep), keep < values.size() ? values.get(keep) : null));
    return new Answer(content, "max_tokens", null, maxTokens, spent);
  }

  /** How many items fit in {@code budget} output tokens, counting each item's JSON and its separator. */
  private static int fitting(List<JsonObject> values, long budget, double ratio) {
    long raw = SimTokenizer.raw(PROSE_LEAD + "{\"results\":[]}");
    int k = 0;
    for (JsonObject v : values) {
      raw += SimTokenizer.raw(v.encode()) + 1;
      if (SimTokenizer.scale(raw, ratio) > budget) {
        break;
      }
      k++;
    }
    return k;
  }

  private static JsonObject complete(Shape shape, List<JsonObject> values) {
    JsonObject results = new JsonObject().put("results", new JsonArray(new ArrayList<>(values)));
    return switch (shape.kind()) {
      case TOOL -> toolUse(shape.toolName(), results);
      case JSON -> text(results.encode());
      case PROSE -> text(PROSE_LEAD + results.encode());
    };
  }

  /**
   * The block as generation left it: the complete items, then {@code next} cut off. A tool input keeps the first
   * field or two of {@code next} (so it lacks required fields); a text ends in the middle of {@code next}'s JSON.
   * Without {@code next} (a refusal) a text ends right after the last complete item.
   */
  private static JsonObject partial(Shape shape, List<JsonObject> done, JsonObject next) {
    if (shape.kind() == Kind.TOOL) {
      JsonArray results = new JsonArray(new ArrayList<>(done));
      if (next != null) {
        results.add(firstFields(next));
      }
      return toolUse(shape.toolName(), new JsonObject().put("results", results));
    }
    StringBuilder sb = new StringBuilder(shape.kind() == Kind.PROSE ? PROSE_LEAD : "").append("{\"results\":[");
    for (JsonObject v : done) {
      sb.append(v.encode()).append(',');
    }
    if (next != null) {
      String encoded = next.encode();
      sb.append(encoded, 0, Math.max(2, encoded.length() / 2));
    } else if (!done.isEmpty()) {
      sb.setLength(sb.length() - 1);
    }
    return text(sb.toString());
  }

  private static JsonObject firstFields(JsonObject item) {
    int n = Math.max(1, Math.min(2, item.size() - 1));
    JsonObject cut = new JsonObject();
    for (String field : item.fieldNames()) {
      if (cut.size() == n) {
        break;
      }
      cut.put(field, item.getValue(field));
    }
    return cut;
  }

  private static long visibleTokens(JsonObject block, double ratio) {
    String visible = "tool_use".equals(block.getString("type")) ? block.getJsonObject("input").encode() : block.getString("text");
    return SimTokenizer.scale(SimTokenizer.raw(visible), ratio);
  }

  static JsonObject toolUse(String name, JsonObject input) {
    return new JsonObject()
        .put("type", "tool_use")
        .put("id", "toolu_sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20))
        .put("name", name)
        .put("input", input);
  }

  static JsonObject text(String text) {
    return new JsonObject().put("type", "text").put("text", text);
  }

  /** {@code display: omitted} (the 5.5 default) sends an empty {@code thinking} and only a signature. */
  static JsonObject thinkingBlock(String thinking) {
    byte[] signature = new byte[48];
    ThreadLocalRandom.current().nextBytes(signature);
    return new JsonObject()
        .put("type", "thinking")
        .put("thinking", thinking)
        .put("signature", Base64.getEncoder().encodeToString(signature));
  }

  /** https://platform.claude.com/docs/en/build-with-claude/refusals-and-fallback; the explanation "is not stable". */
  static JsonObject refusalDetails() {
    return new JsonObject()
        .put("type", "refusal")
        .put("category", "general_harms")
        .put("explanation", "This request was declined because it could facilitate harm.");
  }
}
