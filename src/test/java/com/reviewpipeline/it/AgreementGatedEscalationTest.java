package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.AgreementPolicy;
import com.reviewpipeline.config.AlertSettings;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Agreement-gated escalation against a real broker and the simulator (docs/claude-stage.md "Agreement-gated
 * escalation"): the cheap tier (Haiku, the simulator's lite judge) is made to call 30% of fake reviews genuine; every
 * first verdict is shadowed on Opus. The fields it agrees on stop escalating once proven; is_fake keeps escalating and
 * alerts once; when the cheap tier turns good, is_fake is proven and the alert resolves once; a restarted node keeps
 * what was learned (the agreement topic) and does not escalate proven flags.
 */
@IntegrationTest
class AgreementGatedEscalationTest {

  static final String PIPELINE = "review-moderator";
  static final String HAIKU = "claude-haiku-5-5";
  static final String OPUS = "claude-opus-5-5";
  /** Small enough for a test: 40 comparisons and a bound of 0.9 (all agreeing: 0.912 at 40). */
  static final AgreementPolicy POLICY = new AgreementPolicy(true, 40, 0.9, 60, 0.0, Map.of());

  int serial;

  static AppConfig config(AppConfig c, String hook) {
    PipelineConfig p = c.pipelines().get(0);
    return TestConfig.withoutVerdictCache(c).withAlerts(AlertSettings.fromJson(new JsonObject()
            .put("webhooks", new JsonArray().add(hook)).put("check_interval_ms", 300)))
        .withPipelines(List.of(p.withCascade(p.cascade().withAgreement(POLICY))
            .withShadow(new ShadowConfig(1.0, "deep", List.of("is_spam", "is_abusive", "is_fake"), 1.0))
            .withBuffer(new BufferConfig(20, 300, p.buffer().maxTokens()))));
  }

  /** {@code n} reviews per kind: fake (template praise that shouts, so the lite judge sees it), spam, clean. */
  Map<String, String> reviews(int n) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int k = ++serial;
      put(out, new ReviewEvent("fake-" + k, "p", "u" + k, "Best product ever!! Highly recommend!! Order " + k, 5,
          "2026-12-01T10:00:00Z", "web"));
      put(out, new ReviewEvent("spam-" + k, "p", "u" + k, "Cheap kettles at www.deals" + k + ".example today", 5,
          "2026-12-01T10:00:00Z", "web"));
      put(out, new ReviewEvent("clean-" + k, "p", "u" + k, "Solid kettle number " + k + ", boils fast and looks fine.",
          4, "2026-12-01T10:00:00Z", "web"));
    }
    return out;
  }

  static void put(Map<String, String> out, ReviewEvent e) {
    out.put(e.eventId(), e.toJson().encode());
  }

  static JsonObject pair(PipelineHarness.Node node) {
    return node.telemetry().stats().getJsonObject("agreement").getJsonObject(PIPELINE)
        .getJsonObject(HAIKU + "_vs_" + OPUS);
  }

  static JsonObject field(PipelineHarness.Node node, String field) {
    return pair(node).getJsonObject("fields").getJsonObject(field, new JsonObject());
  }

  /**
   * Every review of {@code sent} published and {@code comparisons} in all folded into the node's ledger (each first
   * verdict is shadowed: one comparison per review, through the agreement topic).
   */
  static void awaitJudged(PipelineHarness h, PipelineHarness.Node node, Map<String, String> sent, long comparisons) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
        h.resultsById().keySet().containsAll(sent.keySet())
            && pair(node).getLong("comparisons", 0L) >= comparisons);
  }

  /** The ids of {@code sent} whose published result was escalated, by kind (fake, spam, clean). */
  static Map<String, Long> escalated(PipelineHarness h, Map<String, String> sent) {
    Map<String, Long> out = new LinkedHashMap<>(Map.of("fake", 0L, "spam", 0L, "clean", 0L));
    h.resultsById().forEach((id, results) -> {
      if (sent.containsKey(id) && results.get(0).containsKey("escalated_from")) {
        out.merge(id.substring(0, id.indexOf('-')), 1L, Long::sum);
      }
    });
    return out;
  }

  @Test
  @DisplayName("a cheap tier missing 30% of fakes: is_fake keeps escalating and alerts once while is_spam stops after min_samples; turned good, is_fake stops and the alert resolves once; a restart keeps the learned state")
  void escalationFollowsMeasuredAgreement() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver();
        PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> config(c, receiver.url()))) {
      String alertKey = "agreement:" + PIPELINE + ":" + HAIKU + ":is_fake";
      h.sim.configure(new JsonObject().put("lite_misses", new JsonObject().put("is_fake", 0.3)));
      PipelineHarness.Node node = h.startNode();

      // 1. learning: 40 of each kind, every first verdict compared on Opus
      Map<String, String> learning = reviews(40);
      h.kafka.produceStrings(h.events, learning);
      awaitJudged(h, node, learning, 120);
      JsonObject spam = field(node, "is_spam");
      JsonObject fake = field(node, "is_fake");
      assertThat(spam.getBoolean("proven")).as("is_spam agrees: proven").isTrue();
      assertThat(spam.getBoolean("escalating")).isFalse();
      assertThat(field(node, "is_abusive").getBoolean("proven")).isTrue();
      assertThat(fake.getBoolean("proven")).as("is_fake: %s", fake).isFalse();
      assertThat(fake.getBoolean("escalating")).isTrue();
      assertThat(fake.getDouble("agreement")).isLessThan(1.0);
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.statuses(alertKey).contains("firing"));

      // 2. proven spam flags are published as judged; fake flags still get a second opinion
      Map<String, String> gated = reviews(15);
      h.kafka.produceStrings(h.events, gated);
      awaitJudged(h, node, gated, 165);
      Map<String, Long> up = escalated(h, gated);
      assertThat(up.get("spam")).as("confident spam flags, proven field: %s", up).isZero();
      assertThat(up.get("clean")).isZero();
      // the fakes the lite judge still flags escalate (those it misses are published unflagged)
      assertThat(up.get("fake")).as("fake flags, unproven field: %s", up).isGreaterThanOrEqualTo(5);

      // 3. the cheap tier turns good: a window of agreeing comparisons proves is_fake
      h.sim.configure(new JsonObject().put("lite_misses", new JsonObject()));
      Map<String, String> recovering = reviews(25);
      h.kafka.produceStrings(h.events, recovering);
      awaitJudged(h, node, recovering, 240);
      await().atMost(Duration.ofSeconds(30)).until(() -> field(node, "is_fake").getBoolean("proven"));
      assertThat(field(node, "is_fake").getBoolean("escalating")).isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.statuses(alertKey).contains("resolved"));
      long samplesBefore = field(node, "is_fake").getLong("samples");

      // 4. a restart: the ledger is read back from the agreement topic; proven flags are published as judged
      h.stopNode(node);
      PipelineHarness.Node restarted = h.startNode();
      JsonObject reloaded = field(restarted, "is_fake");
      assertThat(reloaded.getLong("samples")).isEqualTo(samplesBefore);
      assertThat(reloaded.getBoolean("proven")).isTrue();
      assertThat(field(restarted, "is_spam").getBoolean("escalating")).isFalse();
      Map<String, String> after = reviews(10);
      h.kafka.produceStrings(h.events, after);
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
          h.resultsById().keySet().containsAll(after.keySet()));
      assertThat(escalated(h, after)).as("nothing relearned after the restart")
          .containsExactlyInAnyOrderEntriesOf(Map.of("fake", 0L, "spam", 0L, "clean", 0L));

      // the restarted node has nothing more to say about is_fake
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> receiver.statuses(alertKey).equals(List.of("firing", "resolved")));
      List<String> others = new ArrayList<>();
      for (String f : List.of("is_spam", "is_abusive")) {
        others.addAll(receiver.statuses("agreement:" + PIPELINE + ":" + HAIKU + ":" + f));
      }
      assertThat(others).as("fields proven from the start never alert").isEmpty();
    }
  }
}
