package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.config.AlertSettings;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.support.WebhookReceiver;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import com.reviewpipeline.model.ReviewEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A daily budget reached on the real broker with the simulator: the warning, then the budget alert, then the pause
 * (consumption stops, the rest waits in Kafka); raised through the admin API, the pipeline resumes and every event
 * gets exactly one result.
 */
@IntegrationTest
class BudgetTest {

  static final String MOD = "review-moderator";
  static final double BUDGET_USD = 0.01;
  static final int EVENTS = 400;
  final HttpClient http = HttpClient.newHttpClient();
  int port;

  HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer t").build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject budget(JsonObject budgets, String scope) {
    return budgets.getJsonArray("budgets").stream().map(JsonObject.class::cast)
        .filter(b -> b.getString("scope").equals(scope)).findFirst().orElseThrow();
  }

  static double consumed(PipelineHarness.Node node) {
    return node.telemetry().registry().find("review_events_consumed_total").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  static double costUsd(PipelineHarness.Node node) {
    return node.telemetry().registry().find("claude_cost_usd_total").tag("pipeline", MOD).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  @Test
  @DisplayName("a small daily budget reached: warning then budget alert, the pipeline pauses with nothing lost; raised through the admin API it resumes and every event gets one result")
  void budgetReachedPausesAndRaiseResumes() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      AlertSettings alerts = AlertSettings.fromJson(new JsonObject()
          .put("webhooks", new JsonArray().add(receiver.url()))
          .put("check_interval_ms", 300));
      // few records in flight at a time, so that a pause has something left to hold back in Kafka
      JsonObject kafka = new JsonObject().put("max_poll_records", 10).put("inflight_high_watermark", 20)
          .put("inflight_low_watermark", 10);
      try (PipelineHarness h = new PipelineHarness(kafka, 100, c -> TestConfig.withoutVerdictCache(c)
          .withAdminToken("t").withHttpPort(0).withAlerts(alerts)
          .withBudget(c.budget().withPipeline(MOD, BUDGET_USD, "pause").withCheckIntervalMs(200)))) {
        var sent = h.produceValid(EVENTS, 171);
        PipelineHarness.Node node = h.startNode();
        AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry());
        PipelineHarness.await(node.vertx().deployVerticle(admin));
        port = admin.port();
        String key = "budget:" + MOD;
        String warningKey = "budget_warning:" + MOD;

        // 1. the warning at 80%, then the budget alert at 100%, then the pause
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.statuses(key).contains("firing"));
        assertThat(receiver.statuses(warningKey)).containsExactly("firing");
        assertThat(receiver.received.indexOf(receiver.messages(warningKey).get(0)))
            .as("the warning comes before the budget alert").isLessThan(receiver.received.indexOf(receiver.messages(key).get(0)));
        assertThat(receiver.messages(key).get(0).getString("text")).contains("[CRITICAL]").contains("is reached")
            .contains("consumption paused");
        await().atMost(Duration.ofSeconds(10)).until(() -> node.telemetry().pauseReasons().getOrDefault(MOD, Set.of())
            .contains("budget"));
        JsonObject reached = budget(new JsonObject(call("GET", "/api/budgets", null).body()), MOD);
        // reserved before sending: reached when the next request would not fit, never above the budget
        assertThat(reached.getDouble("spend_today_usd")).isLessThanOrEqualTo(BUDGET_USD);
        assertThat(reached.getBoolean("reached")).isTrue();

        // 2. consumption stops: requests sent before the budget ran out are answered, the batches it cannot cover wait
        // (held, their events in flight), nothing more is read or sent; the rest waits in Kafka
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
            .until(() -> h.sim.stats().getLong("requests") == answered(node));
        double consumedWhilePaused = consumed(node);
        long requestsWhilePaused = h.sim.stats().getLong("requests");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> consumed(node) == consumedWhilePaused
            && h.sim.stats().getLong("requests") == requestsWhilePaused);
        assertThat(costUsd(node)).as("spent within the budget").isLessThanOrEqualTo(BUDGET_USD);
        assertThat(h.resultsById().size()).as("events judged before the pause").isLessThan(EVENTS);
        assertThat(h.dlqRecords()).as("nothing dead-lettered for the budget").isEmpty();

        // 3. bad input is refused with a JSON error; an unknown budget is 404
        assertThat(call("PUT", "/api/budgets/" + MOD, "{\"daily_usd\": -1}").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/api/budgets/" + MOD, "{\"daily_usd\": \"lots\"}").statusCode()).isEqualTo(400);
        assertThat(call("PUT", "/api/budgets/" + MOD, "{\"daily\": 5}").statusCode()).isEqualTo(400);
        HttpResponse<String> notJson = call("PUT", "/api/budgets/" + MOD, "nope");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(notJson.body()).getString("error")).isNotBlank();
        assertThat(call("PUT", "/api/budgets/no-such-pipeline", "{\"daily_usd\": 5}").statusCode()).isEqualTo(404);
        assertThat(node.telemetry().pauseReasons().get(MOD)).as("still paused after refused changes").contains("budget");

        // 4. raised above the spend: the action lifts, the alert resolves, every event gets exactly one result
        HttpResponse<String> raised = call("PUT", "/api/budgets/" + MOD, "{\"daily_usd\": 100}");
        assertThat(raised.statusCode()).as(raised.body()).isEqualTo(200);
        JsonObject after = budget(new JsonObject(raised.body()), MOD);
        assertThat(after.getDouble("daily_usd")).isEqualTo(100.0);
        assertThat(after.getBoolean("changed_at_run_time")).isTrue();
        assertThat(after.getBoolean("reached")).isFalse();
        await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().size() == EVENTS);
        Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
        Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.statuses(key).contains("resolved"));
        assertThat(receiver.statuses(key)).containsExactly("firing", "resolved");
        assertThat(receiver.statuses(warningKey)).as("one warning per day").containsExactly("firing");
        assertThat(node.telemetry().pauseReasons().get(MOD)).doesNotContain("budget");

        // the spend counted is the cost booked from usage and conf/ prices
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(budget(new JsonObject(
            call("GET", "/api/budgets", null).body()), MOD).getDouble("spend_today_usd"))
            .isCloseTo(costUsd(node), org.assertj.core.data.Offset.offset(1e-6)));
        JsonObject stats = new JsonObject(call("GET", "/api/stats", null).body());
        assertThat(budget(stats.getJsonObject("budgets"), MOD).getDouble("daily_usd")).as("/api/stats budgets").isEqualTo(100.0);
        String metrics = node.telemetry().registry().getMeters().stream()
            .filter(m -> m.getId().getName().startsWith("review_budget_")).map(m -> m.getId().getName()
                + m.getId().getTags()).toList().toString();
        assertThat(metrics).contains("review_budget_spend_today_usd").contains("review_budget_daily_usd").contains(MOD);
      }
    }
  }
  @Test
  @DisplayName("a burst against a budget of a few cents: what is spent stays within the budget plus the requests in flight when it ran out (each request's cost is reserved before it is sent), then the pause; nothing lost; raised, everything judged once")
  void burstHeldToTheBudget() throws Exception {
    double budget = 0.02;
    int events = 2000;
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 100, c -> TestConfig.withoutVerdictCache(c)
        .withAdminToken("t").withHttpPort(0)
        .withBudget(c.budget().withPipeline(MOD, budget, "pause").withCheckIntervalMs(200)))) {
      var sent = h.produceValid(events, 172);
      PipelineHarness.Node node = h.startNode();
      AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry());
      PipelineHarness.await(node.vertx().deployVerticle(admin));
      port = admin.port();
      await().atMost(Duration.ofSeconds(60)).until(() -> node.telemetry().pauseReasons().getOrDefault(MOD, Set.of())
          .contains("budget"));
      // the answers of the requests sent before it ran out arrive; batches still held go only if what is left covers
      // them, so the requests settle: the spend is then final for the day
      long[] seen = {-1, System.currentTimeMillis()};
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
        long now = h.sim.stats().getLong("requests");
        if (now != seen[0]) {
          seen[0] = now;
          seen[1] = System.currentTimeMillis();
        }
        return now == answered(node) && System.currentTimeMillis() - seen[1] >= 3000;
      });
      double spentAtPause = costUsd(node);
      long requestsAtPause = h.sim.stats().getLong("requests");
      JsonObject atPause = budget(new JsonObject(call("GET", "/api/budgets", null).body()), MOD);
      System.out.printf(java.util.Locale.ROOT, "budget burst: budget $%.4f; spent $%.6f by %d requests for %d of %d "
          + "reviews when the pause held; booked and still reserved $%.6f%n", budget, spentAtPause, requestsAtPause,
          h.resultsById().size(), events, atPause.getDouble("spend_today_usd"));
      assertThat(spentAtPause).as("reserved before sending: within the budget").isLessThanOrEqualTo(budget);
      assertThat(spentAtPause).as("and most of it used").isGreaterThan(budget / 4);
      assertThat(h.resultsById().size()).isLessThan(events);
      assertThat(h.dlqRecords()).as("nothing dead-lettered for the budget").isEmpty();

      HttpResponse<String> raised = call("PUT", "/api/budgets/" + MOD, "{\"daily_usd\": 100}");
      assertThat(raised.statusCode()).as(raised.body()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(120)).until(() -> h.resultsById().size() == events);
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(budget(new JsonObject(
          call("GET", "/api/budgets", null).body()), MOD).getDouble("spend_today_usd"))
          .as("reservations settled: the spend is the cost booked").isCloseTo(costUsd(node),
              org.assertj.core.data.Offset.offset(1e-6)));
    }
  }

  /** Requests the Claude verticles got an answer to (any status), by the request-duration timer. */
  static long answered(PipelineHarness.Node node) {
    return node.telemetry().registry().find("claude_request_duration_seconds").timers().stream()
        .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
  }

  /** {@code n} mostly non-Latin reviews, which the moderator's routing sends to balanced; returns their ids. */
  static java.util.List<String> produceLong(PipelineHarness h, int n, String prefix) throws Exception {
    java.util.Map<String, String> records = new java.util.LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i + "-" + h.run;
      String text = "Отзыв " + i + ": чайник быстро кипятит, ручка не нагревается, крышка закрывается хорошо.";
      records.put(id, new com.reviewpipeline.model.ReviewEvent(id, "p-" + i, "u-" + i, text, 3, "2026-11-30T10:00:00Z",
          "web").toJson().encode());
    }
    h.kafka.produceStrings(h.events, records);
    return java.util.List.copyOf(records.keySet());
  }

  @Test
  @DisplayName("a budget with the cheaper_tier action reached: its alert fires, the pipeline keeps consuming and reviews routed to balanced are judged on the cheapest tier, none escalated; raised, routing is back")
  void cheaperTierAction() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      AlertSettings alerts = AlertSettings.fromJson(new JsonObject()
          .put("webhooks", new JsonArray().add(receiver.url()))
          .put("check_interval_ms", 300));
      try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> TestConfig.withoutVerdictCache(c)
          .withAdminToken("t").withHttpPort(0).withAlerts(alerts)
          .withBudget(c.budget().withPipeline(MOD, 0.002, "cheaper_tier").withCheckIntervalMs(200)))) {
        h.produceValid(100, 172);
        PipelineHarness.Node node = h.startNode();
        AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry());
        PipelineHarness.await(node.vertx().deployVerticle(admin));
        port = admin.port();
        String key = "budget:" + MOD;
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.statuses(key).contains("firing"));
        assertThat(receiver.messages(key).get(0).getString("text")).contains("cheapest tier (fast)");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().size() == 100);

        java.util.List<String> cheap = produceLong(h, 30, "cheap");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().keySet().containsAll(cheap));
        assertThat(cheap).allSatisfy(id -> assertThat(h.resultsById().get(id)).singleElement()
            .satisfies(r -> {
              assertThat(r.getString("tier")).as("tier of %s", id).isEqualTo("fast");
              assertThat(r.containsKey("escalated_from")).as("no escalation while saving").isFalse();
            }));
        assertThat(node.telemetry().pauseReasons().getOrDefault(MOD, Set.of())).doesNotContain("budget");

        assertThat(call("PUT", "/api/budgets/" + MOD, "{\"daily_usd\": 100}").statusCode()).isEqualTo(200);
        java.util.List<String> routed = produceLong(h, 5, "routed");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().keySet().containsAll(routed));
        assertThat(routed).allSatisfy(id -> assertThat(h.resultsById().get(id)).singleElement()
            .satisfies(r -> assertThat(r.getString("tier")).as("tier of %s", id).isEqualTo("balanced")));
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.statuses(key).contains("resolved"));
        assertThat(h.dlqRecords()).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("a budget with the batches action reached: its alert says so, the pipeline keeps consuming and its next reviews are judged through the Message Batches API at the batch price; raised, they are direct calls again")
  void batchesAction() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      AlertSettings alerts = AlertSettings.fromJson(new JsonObject()
          .put("webhooks", new JsonArray().add(receiver.url()))
          .put("check_interval_ms", 300));
      try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> TestConfig.withoutVerdictCache(c)
          .withAdminToken("t").withHttpPort(0).withAlerts(alerts)
          .withMessageBatches(c.messageBatches().withTimings(300, 200, 5000))
          .withBudget(c.budget().withPipeline(MOD, 0.002, "batches").withCheckIntervalMs(200)))) {
        h.sim.configure(new JsonObject().put("batch_processing_ms", 500));
        h.produceValid(100, 173);
        PipelineHarness.Node node = h.startNode();
        AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry());
        PipelineHarness.await(node.vertx().deployVerticle(admin));
        port = admin.port();
        String key = "budget:" + MOD;
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.statuses(key).contains("firing"));
        assertThat(receiver.messages(key).get(0).getString("text")).contains("Message Batches API");
        await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().size() == 100);
        long directBefore = h.sim.stats().getLong("requests");

        Map<String, ReviewEvent> later = h.produceValid(50, 174);
        await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().keySet().containsAll(later.keySet()));
        JsonObject batches = h.sim.stats().getJsonObject("message_batches");
        assertThat(batches.getLong("requests")).as("the later reviews went through Message Batches").isPositive();
        assertThat(node.telemetry().pauseReasons().getOrDefault(MOD, Set.of())).doesNotContain("budget");

        assertThat(call("PUT", "/api/budgets/" + MOD, "{\"daily_usd\": 100}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.statuses(key).contains("resolved"));
        long requestsAtRaise = h.sim.stats().getJsonObject("message_batches").getLong("requests");
        Map<String, ReviewEvent> after = h.produceValid(20, 175);
        await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().keySet().containsAll(after.keySet()));
        assertThat(h.sim.stats().getJsonObject("message_batches").getLong("requests")).as("direct again")
            .isEqualTo(requestsAtRaise);
        assertThat(h.sim.stats().getLong("requests")).isGreaterThan(directBefore);
        assertThat(h.dlqRecords()).isEmpty();
      }
    }
  }
}
