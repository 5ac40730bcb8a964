package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * Checks a Messages request against its model's rules ({@link ApiModel}, from the model table) and returns the
 * error the API answers, or null. Messages quoted by a vendor page are used verbatim and name it; the others
 * are the simulator's wording, marked "wording assumed", since clients should branch on status and type only.
 */
public final class RequestRules {

  /** https://platform.claude.com/docs/en/models/sonnet-5-5/migration-guide; also on count_tokens. */
  static final String FORCED_TOOL = "tool_choice: type \"tool\" and \"any\" are not supported for this model.";
  /** https://platform.claude.com/docs/en/models/opus-5-5/migration-guide, with %s the rejected type. */
  static final String USE_ADAPTIVE = "\"thinking.type.%s\" is not supported for this model. Use \"thinking.type.adaptive\" and "
      + "\"output_config.effort\" to control thinking behavior.";
  /** https://platform.claude.com/docs/en/api/errors */
  static final String BETWEEN_TOOLS_UNSUPPORTED = "\"thinking.type.between_tools\" is not supported for this model.";
  /** https://platform.claude.com/docs/en/api/errors */
  static final String ADAPTIVE_UNSUPPORTED = "adaptive thinking is not supported on this model";
  /** https://platform.claude.com/docs/en/api/errors, with the effort sent and the highest accepted. */
  static final String EFFORT_WITH_THINKING_OFF = "output_config.effort '%s' is not supported when thinking is disabled on "
      + "this model. Use effort '%s' or below, or enable thinking.";
  /** https://platform.claude.com/docs/en/models/sonnet-5-5/migration-guide (from Sonnet 4.5 or earlier). */
  static final String PREFILL = "This model does not support assistant message prefill. The conversation must end with a user message.";
  /**
   * Observed API text for the rule "Using tool_choice any or tool ... will result in an error"
   * (https://platform.claude.com/docs/en/build-with-claude/extended-thinking, tool choice limitation).
   */
  static final String THINKING_WITH_FORCED_TOOL = "Thinking may not be enabled when tool_choice forces tool use.";

  private static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool", "none");
  private static final List<String> THINKING_TYPES = List.of("adaptive", "between_tools", "disabled", "enabled");
  /** https://platform.claude.com/docs/en/build-with-claude/thinking: {@code updates} needs this beta header. */
  static final String DISPLAY_UPDATES_BETA = "thinking-display-updates-2026-08-18";

  private RequestRules() {}

  /** Every rule of {@code POST /v1/messages}; {@code betas} is the request's {@code anthropic-beta} header. */
  public static ApiError check(JsonObject body, ApiModel model, String betas) {
    ApiError e = toolChoice(body, model);
    if (e == null) {
      e = effort(body, model);
    }
    if (e == null) {
      e = thinking(body, model, betas == null ? "" : betas);
    }
    if (e == null) {
      e = sampling(body, model);
    }
    if (e == null) {
      e = prefill(body, model);
    }
    return e != null ? e : SchemaRules.check(body, model);
  }

  /**
   * {@code POST /v1/messages/count_tokens}: only the forced tool rule is documented for it ("The same check
   * applies to the token counting endpoint"), so only that one is enforced there.
   */
  public static ApiError checkCountTokens(JsonObject body, ApiModel model) {
    return body.getValue("tool_choice") instanceof JsonObject c && isForced(c) && "rejected".equals(model.forcedToolChoice())
        ? ApiError.invalidRequest(FORCED_TOOL) : null;
  }

  static ApiError toolChoice(JsonObject body, ApiModel model) {
    Object value = body.getValue("tool_choice");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject choice) || !TOOL_CHOICES.contains(choice.getString("type", ""))) {
      return ApiError.invalidRequest("tool_choice.type: must be one of 'auto', 'any', 'tool', 'none'"); // wording assumed
    }
    if (!isForced(choice)) {
      return null;
    }
    if ("rejected".equals(model.forcedToolChoice())) {
      return ApiError.invalidRequest(FORCED_TOOL);
    }
    JsonArray tools = body.getJsonArray("tools", new JsonArray());
    if (tools.isEmpty()) {
      return ApiError.invalidRequest("tool_choice: a forced tool_choice requires tools"); // wording assumed
    }
    if ("tool".equals(choice.getString("type")) && tools.stream()
        .noneMatch(t -> t instanceof JsonObject o && o.getString("name", "").equals(choice.getString("name")))) {
      return ApiError.invalidRequest("tool_choice.name: no tool named '" + choice.getString("name") + "' in tools"); // wording assumed
    }
    if ("if_thinking_off".equals(model.forcedToolChoice()) && thinkingRequested(body)) {
      return ApiError.invalidRequest(THINKING_WITH_FORCED_TOOL);
    }
    return null;
  }

  static boolean isForced(JsonObject choice) {
    String type = choice.getString("type");
    return "any".equals(type) || "tool".equals(type);
  }

  /** Whether the request itself turns thinking on (the older models think only when asked). */
  private static boolean thinkingRequested(JsonObject body) {
    JsonObject t = body.getValue("thinking") instanceof JsonObject o ? o : null;
    return t != null && ("enabled".equals(t.getString("type")) || "adaptive".equals(t.getString("type")));
  }

  static ApiError effort(JsonObject body, ApiModel model) {
    Object output = body.getValue("output_config");
    if (output == null) {
      return null;
    }
    if (!(output instanceof JsonObject config)) {
      return ApiError.invalidRequest("output_config: Input should be an object"); // wording assumed
    }
    Object effort = config.getValue("effort");
    if (effort == null) {
      return null;
    }
    if (!(effort instanceof String level) || !ThinkingPlan.EFFORTS.contains(level)) {
      return ApiError.invalidRequest("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"); // wording assumed
    }
    if (!model.effortLevels().contains(level)) {
      // https://platform.claude.com/docs/en/build-with-claude/effort lists the models and levels; wording assumed
      return ApiError.invalidRequest(model.effortLevels().isEmpty()
          ? "output_config.effort: effort is not supported for this model."
          : "output_config.effort '" + level + "' is not supported for this model.");
    }
    return null;
  }

  static ApiError thinking(JsonObject body, ApiModel model, String betas) {
    Object value = body.getValue("thinking");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject t) || !THINKING_TYPES.contains(t.getString("type", ""))) {
      return ApiError.invalidRequest("thinking.type: must be one of 'adaptive', 'between_tools', 'disabled', 'enabled'"); // wording assumed
    }
    String type = t.getString("type");
    if (!model.thinkingTypes().contains(type)) {
      String message = model.thinkingMessages().get(type);
      if (message == null) {
        message = switch (type) {
          case "between_tools" -> BETWEEN_TOOLS_UNSUPPORTED;
          case "adaptive" -> ADAPTIVE_UNSUPPORTED;
          default -> String.format(USE_ADAPTIVE, type);
        };
      }
      return ApiError.invalidRequest(message);
    }
    String effort = ThinkingPlan.effectiveEffort(body, model);
    switch (type) {
      case "between_tools" -> {
        // "between_tools takes no other field: display, budget_tokens, or block_binding sent with it returns a 400 error"
        for (String field : t.fieldNames()) {
          if (!"type".equals(field)) {
            return extraInput("thinking.between_tools." + field);
          }
        }
        return effortCap(effort, model.betweenToolsMaxEffort());
      }
      case "disabled" -> {
        // "display is invalid with thinking.type: disabled" (https://platform.claude.com/docs/en/build-with-claude/thinking)
        if (t.containsKey("display")) {
          return extraInput("thinking.disabled.display");
        }
        return effortCap(effort, model.disabledMaxEffort());
      }
      case "enabled" -> {
        // https://platform.claude.com/docs/en/build-with-claude/extended-thinking: a budget of at least 1,024
        // tokens, below max_tokens; wording assumed
        if (!(t.getValue("budget_tokens") instanceof Integer budget)) {
          return ApiError.invalidRequest("thinking.enabled.budget_tokens: Field required");
        }
        if (budget < 1024) {
          return ApiError.invalidRequest("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
        }
        if (budget >= body.getInteger("max_tokens")) {
          return ApiError.invalidRequest("`max_tokens` must be greater than `thinking.budget_tokens`");
        }
        return display(t, betas);
      }
      default -> {
        return display(t, betas);
      }
    }
  }

  private static ApiError effortCap(String effort, String cap) {
    if (cap != null && effort != null && ThinkingPlan.rank(effort) > ThinkingPlan.rank(cap)) {
      return ApiError.invalidRequest(String.format(EFFORT_WITH_THINKING_OFF, effort, cap));
    }
    return null;
  }

  private static ApiError display(JsonObject t, String betas) {
    String display = t.getString("display");
    if (display == null || "summarized".equals(display) || "omitted".equals(display)
        || ("updates".equals(display) && betas.contains(DISPLAY_UPDATES_BETA))) {
      return null;
    }
    // an unknown display and "updates" without its beta header get the same 400
    return ApiError.invalidRequest("thinking.display: must be 'summarized' or 'omitted'"); // wording assumed
  }

  /** The API's phrase for a field a type does not take (quoted for block_binding on the thinking page). */
  private static ApiError extraInput(String path) {
    return ApiError.invalidRequest(path + ": Extra inputs are not permitted");
  }

  static ApiError sampling(JsonObject body, ApiModel model) {
    ApiModel.Sampling s = model.sampling();
    if (s.onlyWhileThinking() && !thinkingRequested(body)) {
      return null;
    }
    String where = s.onlyWhileThinking() ? " while thinking is enabled." : " for this model."; // wording assumed
    Double temperature = number(body, "temperature");
    Double topP = number(body, "top_p");
    if (temperature != null && s.temperature() != null && !s.temperature().contains(temperature)) {
      return ApiError.invalidRequest("temperature: only " + values(s.temperature()) + " is supported" + where);
    }
    if (topP != null) {
      if (s.topP() != null && s.topP().isEmpty()) {
        return ApiError.invalidRequest("top_p is not supported" + where);
      }
      if (s.topP() != null && !s.topP().contains(topP)) {
        return ApiError.invalidRequest("top_p: only " + values(s.topP()) + " is supported" + where);
      }
      if (s.topP() == null && (topP < s.topPMin() || topP > s.topPMax())) {
        return ApiError.invalidRequest("top_p: must be between " + s.topPMin() + " and " + s.topPMax() + where);
      }
    }
    if (body.getValue("top_k") != null && !s.topK()) {
      return ApiError.invalidRequest("top_k is not supported" + where);
    }
    if (temperature != null && topP != null && !s.temperatureWithTopP()) {
      return ApiError.invalidRequest("temperature and top_p cannot both be specified for this model.");
    }
    return null;
  }

  private static Double number(JsonObject body, String field) {
    return body.getValue(field) instanceof Number n ? n.doubleValue() : null;
  }

  private static String values(List<Double> values) {
    return values.stream().map(v -> v == Math.rint(v) ? String.valueOf(v.longValue()) : String.valueOf(v))
        .collect(java.util.stream.Collectors.joining(" or "));
  }

  static ApiError prefill(JsonObject body, ApiModel model) {
    JsonArray messages = body.getJsonArray("messages");
    Object last = messages.getValue(messages.size() - 1);
    if (!model.prefill() && last instanceof JsonObject m && "assistant".equals(m.getString("role"))) {
      return ApiError.invalidRequest(PREFILL);
    }
    return null;
  }
}
