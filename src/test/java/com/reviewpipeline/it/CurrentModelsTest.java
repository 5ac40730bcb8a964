package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shipped tiers on the current model generation, against a simulator that enforces its request rules. */
@IntegrationTest(beside = true)
class CurrentModelsTest {

  static final Set<String> MODELS = Set.of("claude-haiku-5-5", "claude-sonnet-5-5", "claude-opus-5-5");

  @Test
  @DisplayName("all three tiers on the 5.5 models: every event judged by both pipelines, no request rejected, at most 5 thinking tokens per judged review, token estimates within 10% once calibrated (25% on the cascade's escalation tier)")
  void everyEventJudgedOnTheCurrentGeneration() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c, true)) {
      assertThat(Set.copyOf(h.config.tiers().values())).isEqualTo(MODELS);
      Map<String, ReviewEvent> sent = h.produceValid(1000, 55);
      PipelineHarness.Node node = h.startNode();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().values().stream().mapToInt(List::size).sum() >= 2 * sent.size());
      Map<String, List<JsonObject>> results = h.resultsById();
      assertThat(results.keySet()).isEqualTo(sent.keySet());
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      JsonObject sim = h.sim.stats();
      // the moderator's cascade publishes from Haiku and Sonnet; Opus judges its shadow samples (and the analyzer none)
      assertThat(results.values().stream().flatMap(List::stream).map(j -> j.getString("model")).collect(Collectors.toSet()))
          .as("published verdicts come from the current models").isSubsetOf(MODELS)
          .contains(h.config.modelFor("fast"), h.config.modelFor("balanced"));
      assertThat(sim.getJsonObject("by_model").fieldNames()).as("every tier was called").containsAll(MODELS);

      assertThat(sim.getJsonObject("by_status").fieldNames()).as("no request was rejected").containsOnly("200");
      long items = 0;
      long thinking = 0;
      for (String model : MODELS) {
        JsonObject m = sim.getJsonObject("by_model").getJsonObject(model);
        items += m.getLong("items");
        thinking += m.getLong("thinking_tokens", 0L);
      }
      double perReview = (double) thinking / items;
      System.out.printf("thinking tokens billed per judged review (simulator's count): %.2f over %d reviews%n",
          perReview, items);
      assertThat(perReview).isLessThanOrEqualTo(5.0);

      JsonObject stats = node.telemetry().stats();
      JsonObject byModel = stats.getJsonObject("by_model");
      long reportedThinking = MODELS.stream()
          .mapToLong(m -> byModel.getJsonObject(m, new JsonObject()).getLong("thinking_tokens", 0L)).sum();
      long processed = MODELS.stream().mapToLong(m -> byModel.getJsonObject(m).getLong("processed", 0L)).sum();
      System.out.printf("thinking tokens per judged review (pipeline's estimate): %.2f; by model: %s%n",
          (double) reportedThinking / processed, byModel.encode());
      assertThat((double) reportedThinking / processed).isLessThanOrEqualTo(5.0);
      if (thinking > 0) {
        assertThat(reportedThinking).as("the pipeline reports the thinking it was billed for").isPositive();
      }

      JsonObject estimates = stats.getJsonObject("token_estimate_error");
      System.out.println("token estimate after calibration: " + estimates.encode());
      for (String model : MODELS) {
        JsonObject e = estimates.getJsonObject(model);
        assertThat(e).as(model).isNotNull();
        if (e.getLong("samples") >= 20) {
          // the median over the estimates made once the model had answers to calibrate from (docs/claude-stage.md
          // "Token estimates calibrate per model"). The escalation tier sees about 40 requests of three shapes (single
          // suspected injections, escalations, the analyzer's long reviews) and two pipelines share its review factor,
          // so its fit does not settle: measured 0.07 to 0.09 alone and 0.17 inside the full suite, 0.02 to 0.04 on the
          // first tier. The bound there says "the calibration is working", not "it is as tight as on the first tier"
          double bound = model.equals(h.config.modelFor("balanced")) ? 0.25 : 0.10;
          assertThat(e.getDouble("median_abs_relative_error")).as(model).isLessThanOrEqualTo(bound);
          assertThat(e.getDouble("factor")).as(model + ": the simulator's tokenizer is not the estimate's").isNotEqualTo(1.0);
        }
      }
    }
  }
}
