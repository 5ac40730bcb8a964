package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.tokens.TokenCalibration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shipped policy prompts are worth caching: on every 5.5 tier model, in its shipped output mode and in the
 * others, the prefix the client marks reaches the model's minimum by the client's own estimate and by the
 * simulator's count of the request the client builds. Prints the figures docs/claude-stage.md quotes.
 */
class PolicyPromptCacheTest {

  static final List<String> MODELS = List.of("claude-haiku-5-5", "claude-sonnet-5-5", "claude-opus-5-5");
  /** Where the prompt files under test come from: the shipped pipelines and the cost benchmark's verbose baseline. */
  static final List<String> VERBOSE = List.of("pipelines.0.tool_file=pipelines/moderator.verbose.tool.json",
      "pipelines.0.prompt_file=pipelines/moderator.verbose.prompt.txt", "pipelines.0.output_chars_per_item=140");
  static final int MINIMUM = 512;

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  static AppConfig load(String mode, List<String> sets) throws Exception {
    List<String> all = new ArrayList<>(sets);
    if (mode != null) {
      MODELS.forEach(m -> all.add("models." + m + ".structured_output=" + mode));
    }
    return ConfigLoader.load(vertx, ConfigLoader.DEFAULT_PATH, Map.of(), new JsonObject(), all)
        .toCompletionStage().toCompletableFuture().get();
  }

  @Test
  @DisplayName("every shipped pipeline's prefix reaches the 512-token minimum on each 5.5 model in every output mode, by the client's estimate (the marker is sent) and by the simulator's count of the request")
  void policyPromptsReachTheMinimum() throws Exception {
    ReviewEvent review = new ReviewEvent("e1", "p", "u", "Arrived late but works fine.", 4, "2026-01-01T00:00:00Z", "web");
    List<String> modes = new ArrayList<>();
    modes.add(null);
    modes.addAll(List.of("json_schema", "forced_tool", "auto_tool"));
    int checked = 0;
    for (String mode : modes) {
      AppConfig config = load(mode, List.of());
      Map<String, PipelineConfig> pipelines = new java.util.LinkedHashMap<>();
      config.pipelines().forEach(p -> pipelines.put(p.name(), p));
      pipelines.put("moderator.verbose", load(mode, VERBOSE).pipelines().get(0));
      assertThat(pipelines).hasSize(3);
      ClaudeRequests requests = new ClaudeRequests(config.models(), config.anthropic(), new TokenCalibration(10));
      for (var named : pipelines.entrySet()) {
        PipelineConfig pipeline = named.getValue();
        assertThat(pipeline.systemPrompt()).contains("untrusted");
        for (String model : MODELS) {
          assertThat(config.models().of(model).cacheMinTokens()).isEqualTo(MINIMUM);
          JsonObject body = requests.request(model, pipeline, List.of(review));
          ApiModel api = ApiModels.standard().find(model).orElseThrow();
          long simulated = PromptCache.cacheablePrefix(body, api.tokenRatio(), 0);
          long systemOnly = SimTokenizer.scale(SimTokenizer.raw(SimTokenizer.systemText(body)), api.tokenRatio());
          System.out.printf("prefix %-17s %-17s %-11s client=%4d simulator=%4d (system prompt %d)%n",
              named.getKey(), model,
              mode == null ? config.models().of(model).output() : mode, requests.cachePrefixTokens(model, pipeline),
              simulated, systemOnly);
          assertThat(requests.cacheable(model, pipeline)).as("%s on %s (%s)", named.getKey(), model, mode).isTrue();
          assertThat(requests.cachePrefixTokens(model, pipeline)).isGreaterThanOrEqualTo(MINIMUM);
          assertThat(body.getJsonArray("system").getJsonObject(0).getJsonObject("cache_control"))
              .as("the marker on the last system block").isEqualTo(new JsonObject().put("type", "ephemeral"));
          assertThat(simulated).as("%s on %s (%s), simulator", named.getKey(), model, mode)
              .isGreaterThanOrEqualTo(MINIMUM);
          assertThat(PromptCache.cacheablePrefix(body, api.tokenRatio(), api.cacheMinTokens())).isEqualTo(simulated);
          checked++;
        }
      }
    }
    assertThat(checked).as("4 modes, 3 prompts, 3 models").isEqualTo(36);
  }
}
