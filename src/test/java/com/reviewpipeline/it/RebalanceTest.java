package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.Instances;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.KafkaTestClient;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Partitions move between consumers mid-stream: a second process joins, the first leaves; nothing is lost. */
@IntegrationTest
class RebalanceTest {

  @Test
  @DisplayName("a node with two ingest instances, a second node joining and the first leaving mid-stream: every event gets a result, offsets reach the end, no event the commits recorded as done is judged again, duplicates stay within the in-flight bound")
  void partitionsMovingBetweenConsumersLoseNothing() throws Exception {
    JsonObject kafka = new JsonObject()
        .put("inflight_high_watermark", 300)
        .put("inflight_low_watermark", 150)
        .put("max_poll_records", 100);
    try (PipelineHarness h = new PipelineHarness(kafka, 100, c -> c)) {
      Instances base = h.config.instances();
      PipelineHarness.Node a = h.startNode(h.config.withInstances(new Instances(2, base.buffer(), base.claude(), base.publisher())));
      // the events come once both instances own their partitions: the node's own start-up rebalance moves nothing in
      // flight, so every duplicate below comes from the join or the leave
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
          a.telemetry().assignedPartitions().size() == 2
              && a.telemetry().assignedPartitions().values().stream().noneMatch(java.util.Set::isEmpty)
              && a.telemetry().assignedPartitions().values().stream().mapToInt(java.util.Set::size).sum() == 12);
      Map<String, ReviewEvent> sent = new java.util.HashMap<>(h.produceValid(1500, 33));
      Set<String> firstIds = Set.copyOf(sent.keySet());
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> a.telemetry().processed() >= 300);

      KafkaTestClient.CommittedDone beforeJoin = h.kafka.committedDone(h.group(), h.events);
      PipelineHarness.Node b = h.startNode();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> b.telemetry().stats().getJsonObject("totals").getInteger("assigned_partitions") > 0);
      assertThat(a.telemetry().rebalances("revoked")).as("the first node gave partitions to the newcomer").isPositive();
      sent.putAll(h.produceValid(1500, 34));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> b.telemetry().processed() > 0);

      // the first events all judged: what is in flight when the first node leaves is the newer events only
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> h.resultsById().keySet().containsAll(firstIds));
      KafkaTestClient.CommittedDone beforeLeave = h.kafka.committedDone(h.group(), h.events);
      h.stopNode(a);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      assertThat(h.resultsById().keySet()).isEqualTo(sent.keySet());

      // Only a consumer giving up partitions re-delivers, at most what it had in flight: the high watermark plus one
      // poll. Mid-stream three do: the first node's two when the second node joins and the second node's when the
      // first leaves. What the commits before each move recorded as done (offset maps included) is never judged again.
      long duplicates = Outcomes.read(h).assertOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT, 3 * (300 + 100));
      Outcomes.assertNoneDoneJudgedAgain(h, beforeJoin);
      Outcomes.assertNoneDoneJudgedAgain(h, beforeLeave);
      System.out.printf("rebalance: events=%d duplicates=%d done_above_committed_before_join=%d before_leave=%d%n",
          sent.size(), duplicates, beforeJoin.doneAbove(), beforeLeave.doneAbove());
    }
  }
}
