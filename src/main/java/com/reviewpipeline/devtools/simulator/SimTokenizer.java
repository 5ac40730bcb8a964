package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The simulator's own token rule. It is deliberately not characters / 3.5: the client estimates with a
 * characters-per-token figure and calibrates it from {@code usage}; a simulator counting with the same
 * formula would leave nothing to calibrate and the calibration untested. The rule: each run of ASCII letters
 * is ceil(length / 6) tokens, each run of digits ceil(length / 3), each run of other ASCII symbols
 * ceil(length / 2), each non-ASCII character one, whitespace nothing; a request's total is then multiplied by
 * the model's {@code token_ratio} (1.3 on the 5.5 generation, whose tokenizer "produces approximately 30% more
 * tokens": https://platform.claude.com/docs/en/about-claude/pricing) and rounded up.
 */
public final class SimTokenizer {

  /**
   * The system prompt the API adds when tools are present, by {@code tool_choice}
   * (https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview, pricing: 346 for auto/none,
   * 313 for any/tool on the Claude 4 models), scaled by the model's ratio like any other text.
   */
  static final int TOOL_SYSTEM_AUTO = 346;
  static final int TOOL_SYSTEM_FORCED = 313;
  /**
   * The simulator's assumption for what {@code output_config.format} adds to the input (the grammar's
   * instructions); the vendor pages give no figure.
   */
  static final int FORMAT_OVERHEAD = 60;

  private SimTokenizer() {}

  /** Unscaled tokens of {@code text}. */
  public static long raw(CharSequence text) {
    long n = 0;
    int i = 0;
    int len = text.length();
    while (i < len) {
      char c = text.charAt(i);
      int kind = kind(c);
      if (kind == NON_ASCII) {
        n++;
        i++;
        continue;
      }
      int start = i;
      while (i < len && kind(text.charAt(i)) == kind) {
        i++;
      }
      int run = i - start;
      n += switch (kind) {
        case LETTER -> (run + 5) / 6;
        case DIGIT -> (run + 2) / 3;
        case SYMBOL -> (run + 1) / 2;
        default -> 0;
      };
    }
    return n;
  }

  /** {@code raw} tokens as the model with this ratio counts them. */
  public static long scale(long raw, double ratio) {
    // the epsilon keeps 100 * 1.3 = 130.00000000000003 at 130
    return (long) Math.ceil(raw * ratio - 1e-9);
  }

  /** Input tokens of a Messages request: system, tools (without cache_control), messages, and the overheads. */
  public static long inputTokens(JsonObject body, double ratio) {
    return scale(rawInput(body), ratio);
  }

  static long rawInput(JsonObject body) {
    long n = raw(systemText(body));
    JsonArray tools = body.getJsonArray("tools");
    if (tools != null && !tools.isEmpty()) {
      for (Object t : tools) {
        n += rawTool((JsonObject) t);
      }
      n += toolSystemTokens(body);
    }
    JsonObject output = body.getJsonObject("output_config");
    if (output != null && output.getValue("format") != null) {
      n += FORMAT_OVERHEAD;
    }
    for (Object m : body.getJsonArray("messages", new JsonArray())) {
      n += rawContent(((JsonObject) m).getValue("content"));
    }
    return n;
  }

  static long rawTool(JsonObject tool) {
    if (!tool.containsKey("cache_control")) {
      return raw(tool.encode());
    }
    JsonObject copy = tool.copy();
    copy.remove("cache_control");
    return raw(copy.encode());
  }

  /**
   * {@code raw(contentText(content))} without building the text: the blocks are joined by spaces, which end a run
   * and count nothing, so the text's tokens are the sum of its blocks' tokens.
   */
  static long rawContent(Object content) {
    if (content instanceof String s) {
      return raw(s);
    }
    if (!(content instanceof JsonArray blocks)) {
      return 0;
    }
    long n = 0;
    for (Object o : blocks) {
      if (o instanceof JsonObject b) {
        switch (b.getString("type", "")) {
          case "text" -> n += raw(b.getString("text", ""));
          case "tool_use" -> n += raw(String.valueOf(b.getValue("input")));
          case "tool_result" -> n += rawContent(b.getValue("content"));
          default -> { }
        }
      }
    }
    return n;
  }

  static int toolSystemTokens(JsonObject body) {
    JsonObject choice = body.getJsonObject("tool_choice");
    String type = choice == null ? "auto" : choice.getString("type", "auto");
    return "any".equals(type) || "tool".equals(type) ? TOOL_SYSTEM_FORCED : TOOL_SYSTEM_AUTO;
  }

  static String systemText(JsonObject body) {
    Object system = body.getValue("system");
    if (system instanceof String s) {
      return s;
    }
    return system instanceof JsonArray blocks ? contentText(blocks) : "";
  }

  /** The text a message's content carries: text blocks, tool inputs and tool results. */
  static String contentText(Object content) {
    if (content instanceof String s) {
      return s;
    }
    if (!(content instanceof JsonArray blocks)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (Object o : blocks) {
      if (o instanceof JsonObject b) {
        switch (b.getString("type", "")) {
          case "text" -> sb.append(b.getString("text", "")).append(' ');
          case "tool_use" -> sb.append(String.valueOf(b.getValue("input"))).append(' ');
          case "tool_result" -> sb.append(contentText(b.getValue("content"))).append(' ');
          default -> { }
        }
      }
    }
    return sb.toString();
  }

  private static final int WHITESPACE = 0;
  private static final int LETTER = 1;
  private static final int DIGIT = 2;
  private static final int SYMBOL = 3;
  private static final int NON_ASCII = 4;

  private static int kind(char c) {
    if (c >= 128) {
      return NON_ASCII;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return LETTER;
    }
    if (c >= '0' && c <= '9') {
      return DIGIT;
    }
    return Character.isWhitespace(c) ? WHITESPACE : SYMBOL;
  }
}
