package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.config.KafkaSettings;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.PipelineProcess;
import com.reviewpipeline.support.TestConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code delivery.mode: exactly_once}: outcomes and offsets in one Kafka transaction. A {@code read_committed} reader of
 * the results and DLQ topics sees one outcome per event and pipeline whatever happens to the process; the reviews
 * judged (and billed) more than once are printed beside it.
 */
@IntegrationTest(beside = true)
class ExactlyOnceTest {

  private static final List<String> JVM = List.of("-Xmx256m");

  @Test
  @DisplayName("exactly-once: kill -9 twice under load, then a restart: a read_committed reader sees exactly one outcome per event, none lost, none twice")
  void killNineTwiceGivesOneOutcomeEach() throws Exception {
    int high = 3000;
    int poll = 500;
    List<String> sets = List.of(
        "delivery.mode=exactly_once",
        "kafka.inflight_high_watermark=" + high,
        "kafka.inflight_low_watermark=" + high / 2,
        "kafka.max_poll_records=" + poll,
        "kafka.session_timeout_ms=6000",
        "kafka.commit_interval_ms=200",
        // one judgement per event, so that the simulator's item count says what was judged twice
        "pipelines.0.cascade.enabled=false",
        "pipelines.0.shadow.sample_share=0",
        "pipelines.0.shadow.unproven_sample_share=0");
    // calls of 1 s keep hundreds to thousands of events in flight (read, not done) at any moment
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 1000, c -> c)) {
      Map<String, ReviewEvent> sent = h.produceValid(6000, 53);
      int[] resultsAtKill = new int[2];
      for (int run = 0; run < 2; run++) {
        int before = h.resultsById().size();
        try (PipelineProcess p = PipelineProcess.start(h, "eos-kill-" + (run + 1), JVM, sets)) {
          await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
              .until(() -> h.resultsById().size() >= before + 1500);
          p.kill();
          assertThat(p.isAlive()).isFalse();
          assertThat(p.logContains("shutdown.complete")).as("no shutdown code ran").isFalse();
        }
        resultsAtKill[run] = h.resultsById().size();
        assertThat(resultsAtKill[run]).as("killed mid-stream").isLessThan(sent.size());
      }
      try (PipelineProcess last = PipelineProcess.start(h, "eos-kill-3", JVM, sets)) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
            .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
        Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
        assertThat(last.terminate(60_000)).isZero();
      }
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      long judged = h.sim.stats().getLong("items");
      System.out.printf("exactly-once kill -9 x2: events=%d results_at_kills=%d,%d duplicate_outcomes=0 lost=0 "
          + "judged=%d judged_twice=%d (billed twice; invisible downstream)%n", sent.size(), resultsAtKill[0],
          resultsAtKill[1], judged, judged - sent.size());
    }
  }

  @Test
  @DisplayName("exactly-once: ingest scaled up and down and nodes joining and leaving mid-stream: a read_committed reader sees exactly one outcome per event")
  void rebalancesAndScalingGiveOneOutcomeEach() throws Exception {
    JsonObject kafka = new JsonObject()
        .put("inflight_high_watermark", 300)
        .put("inflight_low_watermark", 150)
        .put("max_poll_records", 100);
    // calls must be in flight when partitions move: cached answers would let the stream finish first
    try (PipelineHarness h = new PipelineHarness(kafka, 200, c -> TestConfig.withoutVerdictCache(c)
        .withKafka(c.kafka().withDelivery(KafkaSettings.Delivery.EXACTLY_ONCE)).withAdminToken("t").withHttpPort(0))) {
      PipelineHarness.Node a = h.startNode();
      AdminApiVerticle admin = new AdminApiVerticle(h.config, a.telemetry(), com.reviewpipeline.bus.Membership.alone(),
          a.app());
      PipelineHarness.await(a.vertx().deployVerticle(admin));
      Map<String, ReviewEvent> sent = new java.util.HashMap<>(h.produceValid(1500, 61));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> a.telemetry().processed() >= 200);
      assertThat(scale(admin.port(), 2)).isEqualTo(200);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> a.telemetry().processed() >= 600);
      assertThat(scale(admin.port(), 1)).isEqualTo(200);
      PipelineHarness.Node b = h.startNode();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> b.telemetry().stats().getJsonObject("totals").getInteger("assigned_partitions") > 0);
      sent.putAll(h.produceValid(1500, 62));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> b.telemetry().processed() > 0);
      h.stopNode(a);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      long revocations = a.telemetry().rebalances("revoked") + b.telemetry().rebalances("revoked");
      assertThat(revocations).as("partitions moved").isPositive();
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      System.out.printf("exactly-once rebalances: events=%d revocations=%d duplicate_outcomes=0 judged=%d%n",
          sent.size(), revocations, h.sim.stats().getLong("items"));
    }
  }

  private static int scale(int port, int instances) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/deployments/ingest:review-moderator"))
        .header("Authorization", "Bearer t")
        .method("PUT", HttpRequest.BodyPublishers.ofString("{\"instances\": " + instances + "}")).build();
    return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
