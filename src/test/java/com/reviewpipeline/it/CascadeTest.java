package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.RouteRule;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The moderator's cascade against a real broker and the simulator (whose Haiku judges with the lite judge): which
 * reviews escalate, what is published, and that an escalated review whose second call fails takes the failure path.
 */
@IntegrationTest(beside = true)
class CascadeTest {

  /** The shipped cascade (fast first, flagged or confidence below 0.7 to balanced), plus one rule to deep. */
  static final CascadeConfig CASCADE = new CascadeConfig(true, "fast", "balanced", true, 0.7, List.of(
      new CascadeConfig.EscalationRule("deep", new RouteRule("deep", null, null, Set.of(2), null, null, null),
          new JsonObject().put("sentiment", "negative"))));

  static AppConfig tweak(AppConfig c, int maxWaitMs) {
    PipelineConfig p = c.pipelines().get(0);
    return c.withPipelines(List.of(p.withCascade(CASCADE).withShadow(ShadowConfig.OFF)
        .withBuffer(new BufferConfig(20, maxWaitMs, p.buffer().maxTokens()))));
  }

  static ReviewEvent review(String id, String text, int rating) {
    return new ReviewEvent(id, "prod-1", "user-" + id, text, rating, "2026-11-30T10:00:00Z", "web");
  }

  static void produce(PipelineHarness h, ReviewEvent... reviews) throws Exception {
    Map<String, String> records = new LinkedHashMap<>();
    for (ReviewEvent r : reviews) {
      records.put(r.eventId(), r.toJson().encode());
    }
    h.kafka.produceStrings(h.events, records);
  }

  @Test
  @DisplayName("flagged, uncertain and rule-matched first verdicts escalate and are published once with escalated_from naming the fast model; clear ones and those routed past the first tier are published as judged")
  void whatEscalatesAndWhatIsPublished() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> tweak(c, 300))) {
      String fast = h.config.modelFor("fast");
      PipelineHarness.Node node = h.startNode();
      produce(h,
          review("clear", "Great kettle, boils fast.", 5),
          review("spam", "Cheap kettles at http://deals.example use promo code SAVE70", 5),
          review("unsure", "It does the job, the lid is a bit flimsy.", 3),
          review("rule", "Broke after a week, not happy with it.", 2),
          review("cyrillic", "Отличный чайник, кипятит быстро, рекомендую всем", 5));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> h.resultsById().size() == 5);
      assertOffsetsDone(h);
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(
          List.of("clear", "spam", "unsure", "rule", "cyrillic"), Outcomes.Kind.RESULT);
      Map<String, JsonObject> r = new LinkedHashMap<>();
      h.resultsById().forEach((id, list) -> r.put(id, list.get(0)));

      assertThat(r.get("clear").getString("tier")).isEqualTo("fast");
      assertThat(r.get("clear").getString("model")).isEqualTo(fast);
      assertThat(r.get("clear").containsKey("escalated_from")).isFalse();
      assertThat(r.get("cyrillic").getString("tier")).as("routed to balanced: judged there once").isEqualTo("balanced");
      assertThat(r.get("cyrillic").containsKey("escalated_from")).isFalse();

      assertEscalated(r.get("spam"), fast, "balanced", "flagged", h);
      assertThat(r.get("spam").getBoolean("is_spam")).isTrue();
      assertThat(r.get("spam").getJsonArray("escalated_from").getJsonObject(0).getJsonObject("verdict").getBoolean("is_spam"))
          .isTrue();
      assertEscalated(r.get("unsure"), fast, "balanced", "low_confidence", h);
      assertThat(r.get("unsure").getJsonArray("escalated_from").getJsonObject(0).getJsonObject("verdict")
          .getDouble("confidence")).isLessThan(0.7);
      assertEscalated(r.get("rule"), fast, "deep", "rule_1", h);

      JsonObject stats = node.telemetry().stats().getJsonObject("cascade").getJsonObject("review-moderator");
      assertThat(stats.getLong("first_verdicts")).isEqualTo(4);
      assertThat(stats.getLong("escalated")).isEqualTo(3);
      assertThat(stats.getDouble("escalation_share")).isEqualTo(0.75);
      assertThat(stats.getJsonObject("escalated_by_reason").getMap())
          .containsEntry("flagged", 1L).containsEntry("low_confidence", 1L).containsEntry("rule_1", 1L);
      String scrape = ((PrometheusMeterRegistry) node.telemetry().registry()).scrape();
      assertThat(scrape).containsPattern(
          "review_escalations_total\\{from=\"fast\",pipeline=\"review-moderator\",reason=\"flagged\",to=\"balanced\"} 1\\.0");
    }
  }

  /** Every partition the few events landed on is committed to its end (the empty ones have no commit). */
  static void assertOffsetsDone(PipelineHarness h) throws Exception {
    Map<Integer, Long> end = new LinkedHashMap<>(h.kafka.endOffsets(h.events));
    end.values().removeIf(o -> o == 0L);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
        assertThat(h.kafka.committed(h.group(), h.events)).as("committed offsets").isEqualTo(end));
  }

  static void assertEscalated(JsonObject result, String fastModel, String tier, String reason, PipelineHarness h) {
    assertThat(result.getString("tier")).as(result.getString("event_id")).isEqualTo(tier);
    assertThat(result.getString("model")).isEqualTo(h.config.modelFor(tier));
    JsonArray from = result.getJsonArray("escalated_from");
    assertThat(from).as(result.getString("event_id")).hasSize(1);
    JsonObject first = from.getJsonObject(0);
    assertThat(first.getString("model")).isEqualTo(fastModel);
    assertThat(first.getString("tier")).isEqualTo("fast");
    assertThat(first.getString("reason")).isEqualTo(reason);
    assertThat(first.getDouble("cost_usd")).isPositive();
    assertThat(result.getDouble("cost_usd")).as("both calls' shares").isGreaterThan(first.getDouble("cost_usd"));
  }

  @Test
  @DisplayName("an escalated review whose second call fails takes the retry ladder to the DLQ: one dead letter, no result, its offset done")
  void failedEscalationTakesTheFailurePath() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> tweak(c, 1000))) {
      PipelineHarness.Node node = h.startNode();
      produce(h, review("spam", "Cheap kettles at http://deals.example use promo code SAVE70", 5));
      // the fast verdict is in and the review waits in the balanced buffer (up to 1 s): from now every item is invalid
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
          node.telemetry().registry().find("review_escalations_total").counters().stream().mapToDouble(c -> c.count()).sum() >= 1);
      h.sim.configure(new JsonObject().put("invalid_every", 1));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> !h.dlqRecords().isEmpty());
      assertOffsetsDone(h);
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(List.of("spam"), Outcomes.Kind.DEAD_LETTER);
      assertThat(h.resultsById()).isEmpty();
      JsonObject dead = h.dlqRecords().get(0);
      assertThat(dead.getJsonObject("failure_info").getString("error_type")).isEqualTo("invalid_item");
      assertThat(dead.getJsonObject("retry_policy").getBoolean("exhausted")).isTrue();
    }
  }
}
