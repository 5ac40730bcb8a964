package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.MessageBatchSettings;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A backlog judged through the Message Batches API, with a restart while its batches run (docs/claude-stage.md
 * "Message Batches").
 */
@IntegrationTest
class MessageBatchesTest {

  static final int EVENTS = 5000;

  @Test
  @DisplayName("5,000 events through Message Batches with a restart while they run: all of them read and submitted though the in-flight high watermark is 1,000 (events waiting in Message Batches do not count toward it); the restarted node polls the submitted batches instead of submitting again; every event judged once, at half price, nothing lost, no custom_id submitted twice, no direct call")
  void backlogThroughMessageBatchesSurvivesARestart() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject()
        .put("inflight_high_watermark", 1000).put("inflight_low_watermark", 800), 5, c -> c
        // one judgement per review on one model: the cascade's escalations and shadow samples are direct calls by
        // design, and one model makes the simulator's token counts one price
        .withPipelines(c.pipelines().stream().map(p -> p.withCascade(CascadeConfig.OFF).withShadow(ShadowConfig.OFF)
            .withRouting(p.defaultTier(), java.util.List.of())).toList())
        .withMessageBatches(c.messageBatches()
            .withPipeline(c.pipelines().get(0).name(), MessageBatchSettings.ALWAYS, 1)
            .withTimings(500, 250, 5000)))) {
      // long enough for the restart to happen while the batches run
      h.sim.configure(new JsonObject().put("batch_processing_ms", 10_000));
      Map<String, ReviewEvent> sent = h.produceValid(EVENTS, 17);
      PipelineHarness.Node first = h.startNode();
      // the whole backlog waits in Message Batches at once, five times the in-flight high watermark
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> first.telemetry().stats().getJsonObject("message_batches", new JsonObject())
              .getInteger("pending_events", 0) == EVENTS && first.telemetry().stats()
              .getJsonObject("message_batches", new JsonObject()).getInteger("gathering", 1) == 0);
      long submittedBefore = batches(h).getLong("created");
      long resultsBefore = h.resultsById().size();
      long stopStarted = System.nanoTime();
      h.stopNode(first);
      double stopS = (System.nanoTime() - stopStarted) / 1e9;
      // events waiting in a submitted Message Batch do not hold a graceful stop, nor make it unclean
      assertThat(first.telemetry().uncleanStops()).as("a clean stop").isEmpty();
      assertThat(stopS).as("the stop did not wait for the batches, which run 10 s").isLessThan(10.0);
      System.out.printf("restart: %d Message Batches (%d requests) submitted, %d results published before it%n",
          submittedBefore, batches(h).getLong("requests"), resultsBefore);
      assertThat(batches(h).getJsonObject("results").isEmpty()).as("the batches were still running at the restart").isTrue();

      PipelineHarness.Node second = h.startNode();
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().size() >= EVENTS);
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      JsonObject sim = h.sim.stats();
      JsonObject mb = sim.getJsonObject("message_batches");
      System.out.println("simulator: " + mb.encode() + "; direct requests " + sim.getLong("requests"));
      assertThat(mb.getLong("custom_ids_submitted_again")).as("no request submitted twice").isZero();
      assertThat(sim.getLong("items")).as("every event judged by the model exactly once").isEqualTo(EVENTS);
      assertThat(sim.getLong("requests")).as("no direct /v1/messages call").isZero();
      JsonObject view = second.telemetry().stats().getJsonObject("message_batches");
      System.out.println("restarted node: " + view.encode());
      assertThat(view.getLong("restored")).as("the restarted node read the submitted batches back").isPositive();
      assertThat(view.getLong("parked_events")).as("events read again waited for their batch").isPositive();
      await().atMost(Duration.ofSeconds(10)).until(() -> second.telemetry().stats()
          .getJsonObject("message_batches").getInteger("pending") == 0);
      // the simulator's token counts at the model's list prices, at its batch share (0.5), against the results' costs
      String model = h.config.modelFor(h.config.pipelines().get(0).defaultTier());
      assertThat(sim.getJsonObject("by_model").fieldNames()).containsExactly(model);
      JsonObject m = sim.getJsonObject("by_model").getJsonObject(model);
      var price = h.config.models().price(model);
      double full = (m.getLong("input_tokens") * price.input() + m.getLong("output_tokens") * price.output()
          + sim.getLong("cache_write_tokens") * price.cacheWrite() + sim.getLong("cache_read_tokens") * price.cacheRead()) / 1e6;
      double billed = h.resultsById().values().stream().mapToDouble(l -> l.get(0).getDouble("cost_usd")).sum();
      System.out.printf("cost: $%.4f for %d reviews ($%.4f per 1,000); at the direct price $%.4f%n", billed, EVENTS,
          billed / EVENTS * 1000, full);
      assertThat(billed).as("the batch share of the list price").isCloseTo(full * price.batchDiscount(),
          org.assertj.core.data.Percentage.withPercentage(1));
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
    }
  }

  @Test
  @DisplayName("backlog mode: a pipeline whose lag is above backlog_lag defers to Message Batches, and calls directly again once the lag is below it; every event judged once")
  void backlogModeFollowsTheLag() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject()
        .put("inflight_high_watermark", 1000).put("inflight_low_watermark", 800), 5, c -> c
        .withPipelines(c.pipelines().stream().map(p -> p.withCascade(CascadeConfig.OFF).withShadow(ShadowConfig.OFF)).toList())
        .withMessageBatches(c.messageBatches()
            .withPipeline(c.pipelines().get(0).name(), MessageBatchSettings.BACKLOG, 1000)
            .withTimings(300, 200, 5000).withLagCheckMs(200)))) {
      h.sim.configure(new JsonObject().put("batch_processing_ms", 1000));
      // a backlog of 3,000 before the pipeline starts: above the threshold
      Map<String, ReviewEvent> sent = new java.util.HashMap<>(h.produceValid(3000, 18));
      PipelineHarness.Node node = h.startNode();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
          .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
      long deferred = batches(h).getLong("requests");
      await().atMost(Duration.ofSeconds(10)).until(() -> !node.telemetry().stats().getJsonObject("message_batches")
          .getJsonArray("deferring").contains(h.config.pipelines().get(0).name()));
      long directBefore = h.sim.stats().getLong("requests");
      // a trickle below the threshold: direct calls, none deferred
      Map<String, ReviewEvent> trickle = h.produceValid(100, 19);
      sent.putAll(trickle);
      await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().keySet().containsAll(trickle.keySet()));
      System.out.printf("backlog mode: %d requests through Message Batches while the lag was above 1,000; the trickle: "
          + "%d direct requests, %d more deferred%n", deferred, h.sim.stats().getLong("requests") - directBefore,
          batches(h).getLong("requests") - deferred);
      assertThat(deferred).as("the backlog went through Message Batches").isPositive();
      assertThat(batches(h).getLong("requests")).as("nothing deferred below the threshold").isEqualTo(deferred);
      assertThat(h.sim.stats().getLong("requests")).as("the trickle was called directly").isGreaterThan(directBefore);
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      assertThat(batches(h).getLong("custom_ids_submitted_again")).isZero();
    }
  }

  private static JsonObject batches(PipelineHarness h) {
    return h.sim.stats().getJsonObject("message_batches");
  }
}
