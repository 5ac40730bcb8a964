package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code conf/simulator/api-models.json}: what a model id accepts and how it answers.
 * The field meanings, and the vendor page each comes from, are in that file.
 *
 * @param defaultEffort effort used when a request sets none (null: the model has no effort parameter)
 * @param disabledMaxEffort {@code thinking: disabled} is accepted only at this effort or below (null: any effort)
 * @param betweenToolsMaxEffort the same cap for {@code between_tools}
 * @param forcedToolChoice {@code rejected}, {@code without_thinking} or {@code if_thinking_off}
 * @param thinkingMessages per rejected thinking type, the model's own message where a page quotes one
 * @param liteJudge the model judges with {@link VerdictHeuristic}'s lite judge (the file's {@code judge: lite}, a
 *     simulator assumption, not a vendor figure)
 */
public record ApiModel(
    String id,
    String family,
    String source,
    double tokenRatio,
    int cacheMinTokens,
    String thinkingDefault,
    String defaultDisplay,
    String defaultEffort,
    List<String> effortLevels,
    List<String> thinkingTypes,
    Map<String, String> thinkingMessages,
    String disabledMaxEffort,
    String betweenToolsMaxEffort,
    String forcedToolChoice,
    boolean progressUpdates,
    Sampling sampling,
    boolean prefill,
    boolean structuredOutputs,
    boolean liteJudge) {

  /**
   * What the model accepts for {@code temperature}, {@code top_p} and {@code top_k}.
   *
   * @param onlyWhileThinking the limits apply only while thinking is on (older models)
   * @param temperature accepted values (null: any)
   * @param topP accepted values (null: any within {@code topPMin..topPMax}; empty: none)
   */
  public record Sampling(boolean onlyWhileThinking, List<Double> temperature, List<Double> topP, Double topPMin,
      Double topPMax, boolean topK, boolean temperatureWithTopP) {

    static Sampling fromJson(JsonObject j) {
      return new Sampling(j.getBoolean("only_while_thinking", false), doubles(j.getJsonArray("temperature")),
          doubles(j.getJsonArray("top_p")), j.getDouble("top_p_min"), j.getDouble("top_p_max"),
          j.getBoolean("top_k", false), j.getBoolean("temperature_with_top_p", true));
    }

    private static List<Double> doubles(JsonArray a) {
      return a == null ? null : a.stream().map(v -> ((Number) v).doubleValue()).toList();
    }
  }

  static ApiModel fromJson(String id, JsonObject j) {
    Map<String, String> messages = new java.util.HashMap<>();
    j.getJsonObject("thinking_messages", new JsonObject()).forEach(e -> messages.put(e.getKey(), (String) e.getValue()));
    return new ApiModel(id, j.getString("family"), j.getString("source"), j.getDouble("token_ratio"),
        j.getInteger("cache_min_tokens"), j.getString("thinking_default"), j.getString("default_display"),
        j.getString("default_effort"), strings(j.getJsonArray("effort_levels")), strings(j.getJsonArray("thinking_types")),
        Map.copyOf(messages), j.getString("disabled_max_effort"), j.getString("between_tools_max_effort"),
        j.getString("forced_tool_choice"), j.getBoolean("progress_updates", false),
        Sampling.fromJson(j.getJsonObject("sampling")), j.getBoolean("prefill"), j.getBoolean("structured_outputs"),
        "lite".equals(j.getString("judge", "full")));
  }

  private static List<String> strings(JsonArray a) {
    return a.stream().map(String::valueOf).toList();
  }

  public boolean thinksByDefault() {
    return "adaptive".equals(thinkingDefault);
  }
}
