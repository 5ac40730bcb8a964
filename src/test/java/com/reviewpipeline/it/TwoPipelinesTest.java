package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.PipelineConfig;
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

/** review-moderator and review-analyzer as two consumer groups over one events topic. */
@IntegrationTest(beside = true)
class TwoPipelinesTest {

  @Test
  @DisplayName("each event gets one moderator and one analyzer result, each with its own schema, tool and tier; both groups commit to the end")
  void bothPipelinesJudgeEveryEvent() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c, true)) {
      assertThat(h.config.pipelines()).extracting(PipelineConfig::name).containsExactly("review-moderator", "review-analyzer");
      Map<String, ReviewEvent> sent = h.produceValid(300, 51);
      h.startNode();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().values().stream().mapToInt(List::size).sum() >= 600);
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events,
          h.config.pipelines().stream().map(PipelineConfig::groupId).toArray(String[]::new));
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      Map<String, List<JsonObject>> results = h.resultsById();
      assertThat(results.keySet()).isEqualTo(sent.keySet());
      PipelineConfig analyzer = h.config.pipeline("review-analyzer");
      for (Map.Entry<String, List<JsonObject>> e : results.entrySet()) {
        Map<String, JsonObject> byPipeline = e.getValue().stream()
            .collect(Collectors.toMap(j -> j.getString("pipeline"), j -> j));
        assertThat(byPipeline.keySet()).containsExactlyInAnyOrder("review-moderator", "review-analyzer");
        JsonObject mod = byPipeline.get("review-moderator");
        JsonObject ana = byPipeline.get("review-analyzer");
        assertThat(mod.getValue("is_spam")).isInstanceOf(Boolean.class);
        assertThat(mod.containsKey("summary")).isFalse();
        assertThat(ana.getString("sentiment")).isIn("positive", "neutral", "negative");
        assertThat(ana.getJsonArray("aspects")).isNotNull();
        assertThat(ana.getString("summary")).isNotBlank().hasSizeLessThanOrEqualTo(120);
        assertThat(ana.containsKey("is_spam")).isFalse();
        assertThat(ana.getBoolean("flagged")).isFalse();
        String tier = analyzer.tierFor(sent.get(e.getKey()));
        assertThat(ana.getString("tier")).isEqualTo(tier);
        assertThat(ana.getString("model")).isEqualTo(h.config.modelFor(tier));
      }
      Set<String> toolsSeen = h.sim.stats().getJsonObject("tools", new JsonObject()).fieldNames();
      assertThat(toolsSeen).contains("record_verdicts", "record_analyses");
    }
  }
}
