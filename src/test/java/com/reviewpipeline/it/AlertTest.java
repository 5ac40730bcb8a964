package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.AlertSettings;
import com.reviewpipeline.store.DatabaseUrl;
import com.reviewpipeline.store.Migrations;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.support.TestStack;
import com.reviewpipeline.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Alerts reach a local webhook receiver in Slack's format: each fires once while it lasts and resolves once. */
@IntegrationTest
class AlertTest {

  @Test
  @DisplayName("lag warning, spend-limit pause and manual-review backlog each fire once with their content and clear with one resolved message; flagged reviews arrive as digests")
  void alertsFireOnceAndClear() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver()) {
      String databaseUrl = TestStack.newDatabase();
      DatabaseUrl db = DatabaseUrl.parse(databaseUrl);
      String hook = receiver.url();
      Migrations.migrate(db);
      AlertSettings alerts = AlertSettings.fromJson(new JsonObject()
          .put("webhooks", new JsonArray().add(hook))
          .put("check_interval_ms", 300)
          .put("flagged_digest_interval_ms", 1000)
          .put("dlq_backlog_threshold", 5)
          .put("lag_warning", new JsonObject().put("threshold", 50).put("for_ms", 1000))
          .put("lag_page", new JsonObject().put("threshold", 1_000_000).put("for_ms", 1000)));
      // phases 2 and 3 inject failures into events produced after 300 were judged: they must reach the API
      try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5,
          c -> TestConfig.withoutVerdictCache(c).withDatabaseUrl(databaseUrl).withAlerts(alerts)
              .withAnthropic(c.anthropic().withSpendLimitProbeMs(300).withRetries(2000, 2, 20, 50)))) {
        String lagKey = "lag_warning:" + h.group();

        // 1. lag: the API holds every call, 300 events wait
        h.sim.configure(new JsonObject().put("hold", true));
        h.produceValid(300, 81);
        h.startNode();
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.statuses(lagKey).contains("firing"));
        JsonObject lag = receiver.messages(lagKey).get(0);
        assertThat(lag.getString("text")).contains("[WARNING]").contains(h.group()).contains("events behind");
        h.sim.configure(new JsonObject().put("hold", false));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.statuses(lagKey).contains("resolved"));
        assertThat(receiver.statuses(lagKey)).containsExactly("firing", "resolved");

        // flagged reviews: digests with a count, not one message per review
        await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.messages("flagged_digest").isEmpty());
        long flaggedInDigests = receiver.messages("flagged_digest").stream()
            .mapToLong(m -> m.getJsonObject("alert").getLong("count")).sum();
        assertThat(flaggedInDigests).isPositive();
        assertThat(receiver.messages("flagged_digest").size()).as("a digest per interval").isLessThan((int) flaggedInDigests);

        // 2. spend limit: many probes, one alert; clears when the API answers
        h.sim.configure(new JsonObject().put("spend_limit", true));
        h.produceValid(10, 82);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.statuses("spend_limit@local").contains("firing"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.statuses("spend_limit@local").size() == 1);
        assertThat(receiver.messages("spend_limit@local").get(0).getString("text")).contains("[CRITICAL]").contains("spend limit");
        h.sim.configure(new JsonObject().put("spend_limit", false));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.statuses("spend_limit@local").contains("resolved"));
        assertThat(receiver.statuses("spend_limit@local")).containsExactly("firing", "resolved");

        // 3. manual-review backlog: 8 events rejected as too large (halved down to single reviews, not retryable)
        h.sim.configure(new JsonObject().put("fail_status", 413));
        h.produceValid(8, 83);
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.statuses("dlq_backlog").contains("firing"));
        assertThat(receiver.messages("dlq_backlog").get(0).getString("text")).contains("manual-review items open");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
          c.createStatement().executeUpdate("UPDATE manual_review SET status = 'resolved', decision = 'test'");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.statuses("dlq_backlog").contains("resolved"));
        assertThat(receiver.statuses("dlq_backlog")).containsExactly("firing", "resolved");
        assertThat(receiver.received).allSatisfy(m -> assertThat(m.getString("text")).isNotBlank());
      }
    }
  }
}
