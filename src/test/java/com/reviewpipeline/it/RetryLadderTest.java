package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.KafkaSettings.RetryStage;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Failures climb the retry ladder (stages in seconds) and end, exhausted, on the DLQ. */
@IntegrationTest(beside = true)
class RetryLadderTest {

  @Test
  @DisplayName("with the API failing every call, each event passes through every retry stage once, not before its due time, then lands on the DLQ exhausted with retry_count 3; offsets reach the end")
  void everyEventClimbsTheLadderToTheDlq() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5,
        c -> c.withAnthropic(c.anthropic().withRetries(2000, 2, 20, 50)))) {
      h.sim.configure(new JsonObject().put("fail_status", 500));
      Map<String, ReviewEvent> sent = h.produceValid(60, 61);
      h.startNode();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.dlqRecords().size() >= sent.size());

      List<RetryStage> stages = h.config.kafka().retryStages();
      for (int i = 0; i < stages.size(); i++) {
        RetryStage stage = stages.get(i);
        List<JsonObject> records = h.kafka.readAll(stage.topic()).stream().map(r -> new JsonObject(r.value())).toList();
        Map<String, Long> perId = records.stream().collect(Collectors.groupingBy(
            j -> j.getJsonObject("original_event").getString("event_id"), Collectors.counting()));
        assertThat(perId.keySet()).as(stage.topic()).isEqualTo(sent.keySet());
        assertThat(perId.values()).as("once per stage").allMatch(n -> n == 1);
        int stageIndex = i;
        assertThat(records).allSatisfy(j -> {
          assertThat(j.getJsonObject("failure_info").getInteger("retry_count")).isEqualTo(stageIndex);
          assertThat(j.getJsonObject("failure_info").getString("error_type")).isEqualTo("api_error");
          assertThat(j.getJsonObject("retry_policy").getBoolean("exhausted")).isFalse();
          Instant failedAt = Instant.parse(j.getJsonObject("failure_info").getString("failed_at"));
          Instant due = Instant.parse(j.getJsonObject("retry_policy").getString("next_retry_at"));
          assertThat(Duration.between(failedAt, due).toMillis()).isBetween(stage.delayMs() - 100, stage.delayMs() + 1000);
          assertThat(j.getString("pipeline")).isEqualTo("review-moderator");
        });
      }
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.DEAD_LETTER);
      List<JsonObject> dlq = h.dlqRecords();
      assertThat(dlq).hasSize(sent.size());
      assertThat(dlq).allSatisfy(j -> {
        assertThat(j.getJsonObject("retry_policy").getBoolean("exhausted")).isTrue();
        assertThat(j.getJsonObject("failure_info").getInteger("retry_count")).isEqualTo(3);
        assertThat(j.getJsonObject("original_event").getString("review_text"))
            .isEqualTo(sent.get(j.getJsonObject("original_event").getString("event_id")).reviewText());
      });
      assertThat(h.resultsById()).isEmpty();
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      for (RetryStage stage : stages) {
        Outcomes.assertOffsetsAtEnd(h.kafka, stage.topic(), h.config.kafka().retryGroup());
      }
    }
  }

  @Test
  @DisplayName("restarting the pipeline in the middle of the retry ladder loses nothing: every event still reaches the DLQ after the last stage")
  void restartMidLadderLosesNothing() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5,
        c -> c.withAnthropic(c.anthropic().withRetries(2000, 2, 20, 50)))) {
      h.sim.configure(new JsonObject().put("fail_status", 500));
      Map<String, ReviewEvent> sent = h.produceValid(60, 63);
      PipelineHarness.Node first = h.startNode();
      String stage2 = h.config.kafka().retryStages().get(1).topic();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> !h.kafka.readAll(stage2).isEmpty());
      h.stopNode(first);
      assertThat(h.dlqRecords().size()).as("stopped mid-ladder").isLessThan(sent.size());

      h.startNode();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.dlqRecords().stream().map(j -> j.getJsonObject("original_event").getString("event_id"))
              .collect(Collectors.toSet()).containsAll(sent.keySet()));
      assertThat(h.dlqRecords()).allSatisfy(j -> assertThat(j.getJsonObject("failure_info").getInteger("retry_count")).isEqualTo(3));
      // an event is in flight in one place at a time, so the one restart re-delivers each at most once
      long duplicates = Outcomes.read(h).assertOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.DEAD_LETTER, sent.size());
      System.out.printf("retry restart: events=%d duplicate dead letters=%d%n", sent.size(), duplicates);
    }
  }

  @Test
  @DisplayName("a failed cascade escalation climbs the ladder with its earlier verdicts: retried on its escalation tier, published with escalated_from, never judged on the first tier again")
  void failedEscalationIsRetriedOnItsTier() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5,
        c -> c.withPipelines(List.of(c.pipelines().get(0))).withAnthropic(c.anthropic().withRetries(2000, 2, 20, 50)))) {
      String fast = h.config.modelFor("fast");
      String balanced = h.config.modelFor(h.config.pipelines().get(0).cascade().escalateTo());
      // every call to the escalation tier fails until the first escalation reached the retry stage
      h.sim.configure(new JsonObject().put("fail_status", 500).put("fail_models", new JsonArray().add(balanced)));
      Map<String, ReviewEvent> sent = h.produceValid(80, 67);
      h.startNode();
      String stage1 = h.config.kafka().retryStages().get(0).topic();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> h.kafka.readAll(stage1)
          .stream().anyMatch(r -> new JsonObject(r.value()).containsKey("escalation")));
      h.sim.configure(new JsonObject().put("fail_status", 0));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
          Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT));
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());

      List<JsonObject> retried = h.kafka.readAll(stage1).stream().map(r -> new JsonObject(r.value()))
          .filter(j -> j.containsKey("escalation")).toList();
      Map<String, List<JsonObject>> results = h.resultsById();
      for (JsonObject r : retried) {
        JsonObject escalation = r.getJsonObject("escalation");
        assertThat(escalation.getString("tier")).isEqualTo(h.config.pipelines().get(0).cascade().escalateTo());
        JsonObject result = results.get(r.getJsonObject("original_event").getString("event_id")).get(0);
        assertThat(result.getInteger("retry_count")).as("published after its retry").isEqualTo(1);
        assertThat(result.getString("model")).isEqualTo(balanced);
        assertThat(result.getJsonArray("escalated_from")).as("its first verdict kept through the ladder").hasSize(1);
        assertThat(result.getJsonArray("escalated_from").getJsonObject(0).getString("model")).isEqualTo(fast);
        assertThat(result.getDouble("cost_usd")).as("the first call's cost inside")
            .isGreaterThanOrEqualTo(result.getJsonArray("escalated_from").getJsonObject(0).getDouble("cost_usd")).isPositive();
      }
      // every review whose first verdict came from the first tier was judged there once: the retries did not go back
      long firstTierReviews = results.values().stream().map(l -> l.get(0)).filter(r -> fast.equals(r.getString("model"))
          || (r.containsKey("escalated_from") && fast.equals(r.getJsonArray("escalated_from").getJsonObject(0).getString("model"))))
          .count();
      long firstTierItems = h.sim.stats().getJsonObject("by_model").getJsonObject(fast).getLong("items");
      System.out.printf("escalation retries: events=%d retried escalations=%d first-tier reviews=%d first-tier items=%d%n",
          sent.size(), retried.size(), firstTierReviews, firstTierItems);
      assertThat(retried).isNotEmpty();
      assertThat(firstTierItems).isEqualTo(firstTierReviews);
    }
  }
}
