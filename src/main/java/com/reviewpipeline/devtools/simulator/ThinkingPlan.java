package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How a request that passed {@link RequestRules} thinks: the effective thinking type, the effective effort and
 * the display. The token figures are the simulator's assumption (the API documents none): thinking
 * "billed as output tokens ... and they count toward {@code max_tokens}"
 * (https://platform.claude.com/docs/en/build-with-claude/thinking), so they only need to grow with effort
 * and with the batch.
 */
public record ThinkingPlan(Mode mode, String effort, long budget, boolean summarized) {

  public enum Mode { OFF, ADAPTIVE, ENABLED, BETWEEN_TOOLS }

  /** Effort levels from lowest to highest (https://platform.claude.com/docs/en/build-with-claude/effort). */
  public static final List<String> EFFORTS = List.of("low", "medium", "high", "xhigh", "max");

  /** Tokens of one progress update before a tool call under {@code between_tools} (simulator assumption). */
  public static final long PROGRESS_UPDATE_TOKENS = 20;

  public static int rank(String effort) {
    return EFFORTS.indexOf(effort);
  }

  /** The request's effort, else the model's default (null when the model has no effort parameter). */
  static String effectiveEffort(JsonObject body, ApiModel model) {
    JsonObject output = body.getJsonObject("output_config");
    String effort = output == null ? null : output.getString("effort");
    return effort != null ? effort : model.defaultEffort();
  }

  static ThinkingPlan of(JsonObject body, ApiModel model) {
    JsonObject thinking = body.getJsonObject("thinking");
    String type = thinking == null ? (model.thinksByDefault() ? "adaptive" : "disabled") : thinking.getString("type");
    String effort = effectiveEffort(body, model);
    String display = thinking == null ? null : thinking.getString("display");
    boolean summarized = "summarized".equals(display != null ? display : model.defaultDisplay());
    if (forced(body) && "without_thinking".equals(model.forcedToolChoice())) {
      // Haiku 5.5: "the response starts with the tool call and has no thinking block"
      return new ThinkingPlan(Mode.OFF, effort, 0, summarized);
    }
    return switch (type) {
      case "adaptive" -> new ThinkingPlan(Mode.ADAPTIVE, effort == null ? "high" : effort, 0, summarized);
      case "enabled" -> new ThinkingPlan(Mode.ENABLED, "high", thinking.getLong("budget_tokens", 0L), summarized);
      case "between_tools" -> new ThinkingPlan(Mode.BETWEEN_TOOLS, effort, 0, summarized);
      default -> new ThinkingPlan(Mode.OFF, effort, 0, summarized);
    };
  }

  static boolean forced(JsonObject body) {
    JsonObject choice = body.getJsonObject("tool_choice");
    String type = choice == null ? null : choice.getString("type");
    return "any".equals(type) || "tool".equals(type);
  }

  /** Thinking tokens before the answer, for a batch of {@code reviews}. */
  public long upFrontTokens(int reviews) {
    return switch (mode) {
      case ADAPTIVE -> byEffort(effort, reviews);
      case ENABLED -> Math.min(budget, byEffort("high", reviews));
      default -> 0;
    };
  }

  /** Whether a tool call is introduced by one progress-update thinking block. */
  public boolean progressUpdate() {
    return mode == Mode.BETWEEN_TOOLS;
  }

  static long byEffort(String effort, int reviews) {
    return switch (effort) {
      case "low" -> 12 + 2L * reviews;
      case "medium" -> 150 + 20L * reviews;
      case "xhigh" -> 800 + 100L * reviews;
      case "max" -> 1600 + 200L * reviews;
      default -> 400 + 50L * reviews;
    };
  }
}
