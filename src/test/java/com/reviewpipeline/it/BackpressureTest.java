package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** In-flight events stay under the watermarks while Claude is stalled, without a rebalance, and nothing is lost. */
@IntegrationTest
class BackpressureTest {

  @Test
  @DisplayName("with the API stalled longer than max.poll.interval.ms, the consumer pauses at the high watermark, keeps its partitions, and every event gets a result once the API recovers")
  void stalledApiPausesConsumptionWithoutRebalanceOrLoss() throws Exception {
    JsonObject kafka = new JsonObject()
        .put("inflight_high_watermark", 100)
        .put("inflight_low_watermark", 50)
        .put("max_poll_records", 50)
        .put("max_poll_interval_ms", 6000)
        .put("session_timeout_ms", 6000);
    try (PipelineHarness h = new PipelineHarness(kafka, 5, c -> c)) {
      h.sim.configure(new JsonObject().put("hold", true));
      Map<String, ReviewEvent> sent = h.produceValid(1000, 21);
      PipelineHarness.Node node = h.startNode();
      await().atMost(Duration.ofSeconds(30)).until(() -> h.sim.held() > 0 && node.telemetry().inFlight() >= 100);
      long assignedBefore = node.telemetry().rebalances("assigned");

      // The high mark plus at most one poll's worth of records already fetched: 100 + 50.
      await().during(Duration.ofSeconds(9)).atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(100))
          .until(() -> node.telemetry().inFlight() <= 150);
      assertThat(node.telemetry().registry().counter("review_ingest_backpressure_pauses_total", "pipeline", "review-moderator").count())
          .as("the consumer paused").isPositive();
      assertThat(node.telemetry().rebalances("assigned")).as("no rebalance while paused for longer than max.poll.interval.ms")
          .isEqualTo(assignedBefore);
      assertThat(node.telemetry().rebalances("revoked")).isZero();
      assertThat(h.resultsById()).as("nothing answered while the API is held").isEmpty();

      h.sim.configure(new JsonObject().put("hold", false));
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      assertThat(h.resultsById().keySet()).isEqualTo(sent.keySet());
      // one consumer that never gave up a partition: nothing read twice
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      assertThat(node.telemetry().rebalances("revoked")).as("still no rebalance after recovery").isZero();
    }
  }
}
