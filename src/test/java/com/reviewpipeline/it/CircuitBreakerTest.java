package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.AlertSettings;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;

/**
 * A failure of every request (a retired model's 404, a user-set spend limit's 400) is the pipeline's, not its
 * events': the circuit opens, the pipeline pauses, one alert fires, nothing is dead-lettered, and once the API
 * answers again every event is judged.
 */
@IntegrationTest
class CircuitBreakerTest {

  static final long PROBE_MS = 2000;
  WebhookReceiver receiver;

  List<String> statuses(String key) {
    return receiver.statuses(key);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"404 not_found_error", "400 workspace spend limit"})
  @DisplayName("every request fails for 10 s, then the API is healthy: the pipeline pauses, one alert fires and resolves, nothing is dead-lettered, every event is judged")
  void pipelineLevelFailurePausesInsteadOfDeadLettering(String failure) throws Exception {
    JsonObject fault = failure.startsWith("404")
        ? new JsonObject().put("fail_status", 404).put("fail_count", -1)
        : new JsonObject().put("workspace_spend_limit", true);
    JsonObject healthy = failure.startsWith("404")
        ? new JsonObject().put("fail_status", 0)
        : new JsonObject().put("workspace_spend_limit", false);
    receiver = new WebhookReceiver();
    AlertSettings alerts = AlertSettings.fromJson(new JsonObject()
        .put("webhooks", new JsonArray().add(receiver.url()))
        .put("check_interval_ms", 500));
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c.withAlerts(alerts)
        .withAnthropic(c.anthropic().withBreaker(3, PROBE_MS))
        // one tier, so one circuit: (review-moderator, claude-sonnet-5-5)
        .withPipelines(c.pipelines().stream().map(p -> p.withRouting("balanced", List.of())).toList()))) {
      PipelineConfig pipeline = h.config.pipelines().get(0);
      String model = h.config.modelFor("balanced");
      String key = "circuit_open:" + pipeline.name() + ":" + model + "@local";
      h.sim.configure(fault);
      long outageStart = System.currentTimeMillis();
      Map<String, ReviewEvent> sent = new HashMap<>(h.produceValid(200, 91));
      PipelineHarness.Node node = h.startNode();

      await().atMost(Duration.ofSeconds(20)).until(() -> statuses(key).contains("firing"));
      long openedAt = System.currentTimeMillis();
      await().atMost(Duration.ofSeconds(5)).until(() -> node.telemetry().pauseReasons().values().stream()
          .anyMatch(r -> r.contains("circuit_open:" + model + "@local")));
      long failedWhenOpened = failures(h, failure);
      System.out.printf("%s: %d requests failed before the circuit opened%n", failure, failedWhenOpened);

      // while paused, new events wait in Kafka: only probes reach the API
      sent.putAll(h.produceValid(200, 92));
      long consumedAtOpen = node.telemetry().stats().getJsonObject("totals").getLong("consumed");
      await().pollDelay(Duration.ofMillis(Math.max(0, 10_000 - (System.currentTimeMillis() - outageStart))))
          .atMost(Duration.ofSeconds(20)).until(() -> true);
      long openMs = System.currentTimeMillis() - openedAt;
      long probes = failures(h, failure) - failedWhenOpened;
      System.out.printf("%s: open %d ms, %d probes, consumed while open: %d%n", failure, openMs, probes,
          node.telemetry().stats().getJsonObject("totals").getLong("consumed") - consumedAtOpen);
      assertThat(probes).as("one probe per probe_ms while open").isLessThanOrEqualTo(openMs / PROBE_MS + 1);
      assertThat(node.telemetry().stats().getJsonObject("totals").getLong("consumed")).as("consumption paused")
          .isLessThanOrEqualTo(consumedAtOpen + 500);
      assertThat(h.dlqRecords()).as("nothing dead-lettered while the circuit learns or is open").isEmpty();
      assertThat(statuses(key)).containsExactly("firing");

      h.sim.configure(healthy);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses(key).contains("resolved"));
      assertThat(statuses(key)).containsExactly("firing", "resolved");
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      assertThat(h.resultsById().keySet()).isEqualTo(sent.keySet());
      assertThat(node.telemetry().pauseReasons().values()).allSatisfy(r -> assertThat(r).isEmpty());
    } finally {
      receiver.close();
    }
  }

  private static long failures(PipelineHarness h, String failure) {
    return h.sim.stats().getJsonObject("by_status").getLong(failure.substring(0, 3), 0L);
  }
}
