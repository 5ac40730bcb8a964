package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.AlertSettings;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The article's two monitoring figures: the cost and model-mix summary per interval, and the routing-drift alert. */
@IntegrationTest(beside = true)
class MonitoringTest {

  static final String PIPELINE = "review-moderator";
  WebhookReceiver receiver;

  List<String> statuses(String key) {
    return receiver.statuses(key);
  }

  List<JsonObject> summaries() {
    return receiver.received.stream().filter(m -> m.getJsonObject("summary") != null).map(m -> m.getJsonObject("summary"))
        .filter(s -> PIPELINE.equals(s.getString("pipeline"))).toList();
  }

  static Map<String, String> reviews(int n, boolean longOnes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String text = longOnes
          ? "I have used this espresso machine every morning for three months and want to be thorough. ".repeat(20)
          : "Great kettle, boils fast. Very happy.";
      ReviewEvent e = new ReviewEvent(UUID.randomUUID().toString(), "prod-1", "user-" + i, text, longOnes ? 3 : 5,
          "2026-11-30T00:00:00Z", "web");
      out.put(e.eventId(), e.toJson().encode());
    }
    return out;
  }

  @Test
  @DisplayName("long reviews push the deep tier over its bound: one drift warning, resolved once when the mix returns; summaries count every event by tier and its cost")
  void driftAlertAndSummary() throws Exception {
    receiver = new WebhookReceiver();
    AlertSettings alerts = AlertSettings.fromJson(new JsonObject()
        .put("webhooks", new JsonArray().add(receiver.url()))
        .put("check_interval_ms", 300)
        .put("summary_interval_ms", 2000)
        // 30,000 an hour is 50 events in the 6 s window
        .put("routing_drift", new JsonObject().put("window_ms", 6000).put("min_events_per_hour", 30_000)
            .put("bounds", new JsonObject().put(PIPELINE, new JsonObject().put("deep", 0.10)))));
    String key = "routing_drift:" + PIPELINE + ":deep";
    // long reviews routed to deep, as the moderator shipped before its cascade; no shadow samples, whose cost no
    // result carries (the summaries count it, as they count every call)
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c.withAlerts(alerts).withPipelines(
        c.pipelines().stream().map(p -> p.withRouting("fast",
            List.of(new com.reviewpipeline.config.RouteRule("deep", 1500, null, null, null, null, null)))
            .withShadow(com.reviewpipeline.config.ShadowConfig.OFF)).toList()))) {
      PipelineHarness.Node node = h.startNode();
      // the usual mix: short five-star reviews, all on the fast tier
      h.kafka.produceStrings(h.events, reviews(100, false));
      await().atMost(Duration.ofSeconds(20)).until(() -> h.resultsById().size() == 100);
      assertThat(statuses(key)).isEmpty();

      // the data shifts: long reviews, routed to deep, become 40 of 140 events in the window
      h.kafka.produceStrings(h.events, reviews(40, true));
      await().atMost(Duration.ofSeconds(20)).until(() -> statuses(key).contains("firing"));
      JsonObject firing = receiver.received.stream().filter(m -> m.getJsonObject("alert") != null
          && key.equals(m.getJsonObject("alert").getString("key"))).findFirst().orElseThrow();
      assertThat(firing.getString("text")).contains("[WARNING]").contains("tier deep judged").contains("bound 10%");
      assertThat(node.telemetry().registry().find("review_tier_share").tags("pipeline", PIPELINE, "tier", "deep")
          .gauge().value()).isGreaterThan(0.10);

      // the mix returns: short reviews keep coming until the long ones have left the window and the share stayed at
      // most 9% for two checks (a window too quiet to measure would hold the alert)
      for (int round = 0; round < 16 && !statuses(key).contains("resolved"); round++) {
        h.kafka.produceStrings(h.events, reviews(30, false));
        await().pollDelay(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> true);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses(key).contains("resolved"));
      assertThat(statuses(key)).containsExactly("firing", "resolved");

      // summaries: every event judged, by tier, with the cost the results carry
      Map<String, JsonObject> results = h.resultsById().values().stream().map(l -> l.get(0))
          .collect(Collectors.toMap(r -> r.getString("event_id"), r -> r));
      await().atMost(Duration.ofSeconds(10)).until(() -> summaries().stream().mapToLong(s -> s.getLong("events")).sum()
          == results.size());
      Map<String, Long> byTier = new TreeMap<>();
      double cost = 0;
      for (JsonObject s : summaries()) {
        s.getJsonObject("tiers").forEach(t -> byTier.merge(t.getKey(), ((JsonObject) t.getValue()).getLong("events"), Long::sum));
        cost += s.getDouble("cost_usd");
        assertThat(s.getLong("dead_lettered")).isZero();
      }
      Map<String, Long> expected = results.values().stream()
          .collect(Collectors.groupingBy(r -> r.getString("tier"), TreeMap::new, Collectors.counting()));
      assertThat(byTier).isEqualTo(expected);
      assertThat(byTier.get("deep")).isEqualTo(40);
      double resultCost = results.values().stream().mapToDouble(r -> r.getDouble("cost_usd")).sum();
      assertThat(cost).isCloseTo(resultCost, within(0.0001));
      JsonObject withPrevious = summaries().stream().filter(s -> s.containsKey("previous")).findFirst().orElseThrow();
      assertThat(withPrevious.getJsonObject("previous").getLong("events")).isNotNull();
      assertThat(receiver.received.stream().filter(m -> m.getJsonObject("summary") != null).map(m -> m.getString("text")))
          .anyMatch(t -> t.contains(PIPELINE) && t.contains("events judged") && t.contains("per 1,000") && t.contains("deep"));
    } finally {
      receiver.close();
    }
  }
}
