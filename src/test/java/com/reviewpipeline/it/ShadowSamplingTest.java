package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Shadow sampling against a real broker and the simulator (Haiku judges with the lite judge, which misses calm
 * template praise): agreement exported in /api/stats and Prometheus, shadow verdicts never published, and a failing
 * reference tier never holding back a real verdict.
 */
@IntegrationTest(beside = true)
class ShadowSamplingTest {

  static final List<String> IDS = List.of("clear", "calm-fake", "spam", "cyrillic");
  final HttpClient http = HttpClient.newHttpClient();

  /** The shipped moderator (cascade fast → balanced) with every eligible verdict shadowed on deep. */
  static AppConfig everyVerdict(AppConfig c) {
    PipelineConfig p = c.pipelines().get(0);
    return c.withAdminToken("t").withHttpPort(0).withPipelines(List.of(p
        .withShadow(new ShadowConfig(1.0, "deep", List.of("is_spam", "is_abusive", "is_fake", "sentiment")))
        .withBuffer(new BufferConfig(20, 300, p.buffer().maxTokens()))));
  }

  static void produce(PipelineHarness h) throws Exception {
    java.util.Map<String, String> records = new java.util.LinkedHashMap<>();
    for (ReviewEvent r : List.of(
        review("clear", "Great kettle, boils fast.", 5),
        review("calm-fake", "Perfect product. Highly recommend. Five stars.", 5),
        review("spam", "Cheap kettles at http://deals.example use promo code SAVE70", 5),
        review("cyrillic", "Отличный чайник, кипятит быстро, рекомендую всем", 5))) {
      records.put(r.eventId(), r.toJson().encode());
    }
    h.kafka.produceStrings(h.events, records);
  }

  static ReviewEvent review(String id, String text, int rating) {
    return new ReviewEvent(id, "prod-1", "user-" + id, text, rating, "2026-11-30T10:00:00Z", "web");
  }

  String get(int port, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer t").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  @Test
  @DisplayName("every published verdict off the reference tier is shadowed on deep: agreement per pair and field in /api/stats and Prometheus (the lite fast model missed the calm fake), and the results topic has exactly one result per event")
  void agreementExportedShadowsNotPublished() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, ShadowSamplingTest::everyVerdict)) {
      PipelineHarness.Node node = h.startNode();
      AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry());
      PipelineHarness.await(node.vertx().deployVerticle(admin));
      produce(h);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
          h.resultsById().size() == 4 && node.telemetry().shadowCounts("review-moderator")[1] == 4);
      CascadeTest.assertOffsetsDone(h);
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(IDS, Outcomes.Kind.RESULT);
      assertThat(h.kafka.readAll(h.results)).as("no shadow verdict on the results topic").hasSize(4);
      assertThat(h.resultsById().get("calm-fake").get(0).getBoolean("is_fake")).as("published: the fast verdict").isFalse();

      JsonObject shadow = new JsonObject(get(admin.port(), "/api/stats")).getJsonObject("cascade")
          .getJsonObject("review-moderator").getJsonObject("shadow");
      assertThat(shadow.getLong("sampled")).isEqualTo(4);
      JsonObject fast = shadow.getJsonObject("pairs").getJsonObject("fast_vs_deep");
      // the cascade's first tier is compared as it judged, escalated or not (docs/claude-stage.md "Agreement-gated
      // escalation")
      assertThat(fast.getLong("samples")).as("clear, calm-fake and spam (escalated)").isEqualTo(3);
      JsonObject fields = fast.getJsonObject("fields");
      JsonObject fake = fields.getJsonObject("is_fake");
      assertThat(List.of(fake.getLong("agree"), fake.getLong("disagree"))).containsExactly(2L, 1L);
      assertThat(fake.getDouble("agreement")).isEqualTo(0.6667);
      assertThat(fields.getJsonObject("sentiment").getDouble("agreement")).isEqualTo(1.0);
      JsonObject balanced = shadow.getJsonObject("pairs").getJsonObject("balanced_vs_deep");
      assertThat(balanced.getLong("samples")).as("cyrillic (routed)").isEqualTo(1);
      assertThat(balanced.getJsonObject("fields").fieldNames()).containsExactlyInAnyOrder("is_spam", "is_abusive",
          "is_fake", "sentiment");
      balanced.getJsonObject("fields").forEach(f -> assertThat(((JsonObject) f.getValue()).getDouble("agreement"))
          .as(f.getKey()).isEqualTo(1.0));
      // the same comparisons in the agreement gate's ledger, through the agreement topic
      await().atMost(Duration.ofSeconds(10)).until(() -> new JsonObject(get(admin.port(), "/api/stats"))
          .getJsonObject("agreement").getJsonObject("review-moderator")
          .getJsonObject("claude-haiku-5-5_vs_claude-opus-5-5").getLong("comparisons", 0L) == 3);

      String metrics = get(admin.port(), "/metrics");
      assertThat(metrics).contains("review_shadow_agreement_total{agree=\"false\",field=\"is_fake\","
          + "pair=\"fast_vs_deep\",pipeline=\"review-moderator\"} 1.0");
      assertThat(metrics).contains("review_shadow_agreement_total{agree=\"true\",field=\"is_spam\","
          + "pair=\"balanced_vs_deep\",pipeline=\"review-moderator\"} 1.0");
      assertThat(metrics).contains("review_agreement_samples{field=\"is_fake\",first_model=\"claude-haiku-5-5\","
          + "pipeline=\"review-moderator\",reference_model=\"claude-opus-5-5\"} 3.0");
    }
  }

  @Test
  @DisplayName("a reference tier that fails (its model retired) drops the shadows, counted as failed: every real verdict is published, offsets done, the pipeline never paused")
  void failingReferenceNeverBlocksTheRealVerdict() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, ShadowSamplingTest::everyVerdict)) {
      h.sim.configure(new JsonObject().put("retired_models", new JsonArray().add(h.config.modelFor("deep"))));
      PipelineHarness.Node node = h.startNode();
      produce(h);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
          h.resultsById().size() == 4 && node.telemetry().shadowCounts("review-moderator")[2] == 4);
      CascadeTest.assertOffsetsDone(h);
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(IDS, Outcomes.Kind.RESULT);
      assertThat(h.dlqRecords()).isEmpty();
      assertThat(node.telemetry().shadowCounts("review-moderator")).containsExactly(4, 0, 4);
      assertThat(node.telemetry().pauseReasons().values()).allMatch(java.util.Set::isEmpty);
      assertThat(node.telemetry().stats().getJsonObject("cascade").getJsonObject("review-moderator")
          .getJsonObject("shadow").getLong("failed")).isEqualTo(4);
    }
  }
}
