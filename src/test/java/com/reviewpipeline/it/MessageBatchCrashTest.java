package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.MessageBatchSettings;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.PipelineProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The window between creating a Message Batch and recording it (docs/claude-stage.md "Message Batches"): the simulator creates the
 * batch at once but answers the create call only much later, and the process is killed in between. The restart
 * finds the batch through the create intent the process wrote before the call and the API's list of batches, and
 * judges nothing again. And a rebalance while Message Batches run: one outcome per event.
 */
@IntegrationTest
class MessageBatchCrashTest {

  static final int EVENTS = 400;

  @Test
  @DisplayName("kill -9 between a Message Batch's create call and its record: the restart adopts the batch the call made (found in the API's list, matched by custom id) instead of submitting its requests again; every event judged once, one outcome each")
  void crashBetweenCreateAndRecordSubmitsNothingAgain() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c)) {
      List<String> sets = List.of(
          "message_batches.topic=mbatches-" + h.run,
          "message_batches.pipelines.review-moderator.mode=always",
          "message_batches.collect_ms=1000",
          "message_batches.poll_interval_ms=250",
          "message_batches.restore_grace_ms=5000",
          "pipelines.0.cascade.enabled=false",
          "pipelines.0.shadow.sample_share=0",
          "pipelines.0.shadow.unproven_sample_share=0",
          "verdict_cache.enabled=false",
          "kafka.session_timeout_ms=6000");
      // the batch exists on the API side at once; the answer to the create call never reaches the first process
      h.sim.configure(new JsonObject().put("batch_create_delay_ms", 600_000).put("batch_processing_ms", 2_000));
      Map<String, ReviewEvent> sent = h.produceValid(EVENTS, 77);
      long created;
      try (PipelineProcess first = PipelineProcess.start(h, "mb-crash-1", List.of("-Xmx256m"), sets)) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
            .until(() -> batches(h).getLong("requests") > 0);
        // every gathered request created (the gathering window is 1 s): nothing more for 3 s
        long[] seen = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(3)).until(() -> {
          long now = batches(h).getLong("requests");
          boolean settled = now == seen[0];
          seen[0] = now;
          return settled;
        });
        created = batches(h).getLong("created");
        first.kill();
        assertThat(first.logContains("message_batches.submitted")).as("no create call answered").isFalse();
      }
      assertThat(h.resultsById()).as("nothing judged before the kill").isEmpty();
      h.sim.configure(new JsonObject().put("batch_create_delay_ms", 0));
      try (PipelineProcess second = PipelineProcess.start(h, "mb-crash-2", List.of("-Xmx256m"), sets)) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
            .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
        assertThat(second.logContains("message_batches.intent.adopted")).isTrue();
        assertThat(second.terminate(60_000)).isZero();
      }
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      JsonObject sim = h.sim.stats();
      System.out.printf("create-then-record crash: %d Message Batches created before the kill, %d in all; %s; items %d; "
          + "direct requests %d%n", created, batches(h).getLong("created"), batches(h).encode(), sim.getLong("items"),
          sim.getLong("requests"));
      assertThat(batches(h).getLong("created")).as("no Message Batch created again").isEqualTo(created);
      assertThat(sim.getLong("items")).as("every event judged once").isEqualTo(EVENTS);
    }
  }

  @Test
  @DisplayName("a second node joins while the first node's Message Batches run (exactly-once delivery): partitions move, both nodes may hand results over, a read_committed reader sees one outcome per event")
  void rebalanceWhileBatchesRunGivesOneOutcomeEach() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> TestConfig.withoutVerdictCache(c)
        .withPipelines(c.pipelines().stream().map(p -> p.withCascade(CascadeConfig.OFF).withShadow(ShadowConfig.OFF))
            .toList())
        .withMessageBatches(c.messageBatches().withPipeline(c.pipelines().get(0).name(), MessageBatchSettings.ALWAYS, 1)
            .withTimings(500, 250, 5000)))) {
      assertThat(h.config.kafka().exactlyOnce()).as("the default delivery").isTrue();
      h.sim.configure(new JsonObject().put("batch_processing_ms", 20_000));
      Map<String, ReviewEvent> sent = h.produceValid(EVENTS, 78);
      PipelineHarness.Node a = h.startNode();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> a.telemetry().stats().getJsonObject("message_batches", new JsonObject())
              .getInteger("pending_events", 0) == EVENTS);
      PipelineHarness.Node b = h.startNode();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> b.telemetry().stats().getJsonObject("totals").getInteger("assigned_partitions") > 0);
      assertThat(batches(h).getJsonObject("results").isEmpty()).as("the batches still run at the rebalance").isTrue();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      JsonObject sim = h.sim.stats();
      System.out.printf("rebalance while Message Batches run: %d events, %s, items %d (judged more than once: %d), "
          + "node B's Message Batches %s%n", EVENTS, batches(h).encode(), sim.getLong("items"),
          sim.getLong("items") - EVENTS, b.telemetry().stats().getJsonObject("message_batches").encode());
      assertThat(batches(h).getLong("custom_ids_submitted_again")).isZero();
    }
  }

  private static JsonObject batches(PipelineHarness h) {
    return h.sim.stats().getJsonObject("message_batches");
  }
}
