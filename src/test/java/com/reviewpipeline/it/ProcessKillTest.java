package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.KafkaTestClient;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.PipelineProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pipeline as a separate JVM ({@code run}) against the test's broker and the simulator,
 * stopped mid-stream by SIGTERM or SIGKILL and started again.
 */
@IntegrationTest(beside = true)
class ProcessKillTest {

  private static final int EVENTS = 6000;
  private static final int HIGH = 400;
  private static final int MAX_POLL = 100;
  /** What one consumer may have read and not committed: a crash, or a drain cut short, re-delivers at most this. */
  private static final int WINDOW = HIGH + MAX_POLL;
  private static final List<String> JVM = List.of("-Xmx256m");
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
  private static final List<String> SETS = List.of(
      "kafka.inflight_high_watermark=" + HIGH,
      "kafka.inflight_low_watermark=" + HIGH / 2,
      "kafka.max_poll_records=" + MAX_POLL,
      "kafka.session_timeout_ms=6000",
      "kafka.commit_interval_ms=1000");

  @Test
  @DisplayName("SIGTERM mid-stream drains and exits 0; after a restart every event has a result and no event finished before the signal is processed again")
  void sigtermDrainsAndRestartLosesNothing() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 300, c -> c)) {
      Map<String, ReviewEvent> sent = h.produceValid(EVENTS, 41);
      Set<String> finishedBeforeSignal;
      try (PipelineProcess first = PipelineProcess.start(h, "sigterm-1", JVM, SETS)) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
            .until(() -> h.resultsById().size() >= 1000);
        finishedBeforeSignal = h.resultsById().keySet();
        assertThat(finishedBeforeSignal.size()).as("stopped mid-stream").isLessThan(EVENTS);
        assertThat(first.terminate(60_000)).as("exit code after SIGTERM").isZero();
        assertThat(first.logContains("shutdown.signal signal=SIGTERM")).isTrue();
        assertThat(first.logContains("shutdown.complete")).isTrue();
      }
      int afterFirst = h.resultsById().size();

      try (PipelineProcess second = PipelineProcess.start(h, "sigterm-2", JVM, SETS)) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
            .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
        Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
        assertThat(second.terminate(60_000)).isZero();
      }
      Map<String, List<JsonObject>> results = h.resultsById();
      assertThat(results.keySet()).isEqualTo(sent.keySet());
      for (String id : finishedBeforeSignal) {
        assertThat(results.get(id)).as("event %s finished before SIGTERM is not processed again", id).hasSize(1);
      }
      // only events still in flight at the drain's deadline are read again
      long duplicates = Outcomes.read(h).assertOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT, WINDOW);
      System.out.printf("sigterm: events=%d results_before_signal=%d results_after_drain=%d duplicates=%d%n",
          EVENTS, finishedBeforeSignal.size(), afterFirst, duplicates);
    }
  }

  @Test
  @DisplayName("kill -9 with thousands of events read, then restart: every event has a result, none the commits recorded as done is judged again, and those judged twice are at most the in-flight bound")
  void killNineJudgesNothingDoneAgain() throws Exception {
    int high = 3000;
    int poll = 500;
    List<String> sets = List.of(
        "kafka.inflight_high_watermark=" + high,
        "kafka.inflight_low_watermark=" + high / 2,
        "kafka.max_poll_records=" + poll,
        "kafka.session_timeout_ms=6000",
        "kafka.commit_interval_ms=200");
    // calls of 1 s keep hundreds to thousands of events in flight (read, not done) at any moment
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 1000, c -> c)) {
      Map<String, ReviewEvent> sent = h.produceValid(6000, 43);
      long inFlightAtKill;
      int resultsAtKill;
      try (PipelineProcess first = PipelineProcess.start(h, "kill9-1", JVM, sets)) {
        int port = first.adminPort(120_000);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
            .until(() -> h.resultsById().size() >= 1500);
        inFlightAtKill = inFlight(port);
        first.kill();
        assertThat(first.isAlive()).isFalse();
        assertThat(first.logContains("shutdown.complete")).as("no shutdown code ran").isFalse();
      }
      resultsAtKill = h.resultsById().size();
      KafkaTestClient.CommittedDone doneAtKill = h.kafka.committedDone(h.group(), h.events);
      assertThat(resultsAtKill).as("killed mid-stream").isLessThan(sent.size());

      try (PipelineProcess second = PipelineProcess.start(h, "kill9-2", JVM, sets)) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
            .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
        Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
        assertThat(second.logContains("consumer.offset_map.loaded")).as("the restart read the offset maps").isTrue();
        long skipped = stats(second.adminPort(60_000)).getLong("skipped_done");
        assertThat(skipped).as("records skipped as done by the restart: exactly what the maps at the kill recorded")
            .isEqualTo(doneAtKill.doneAbove());
        assertThat(second.terminate(60_000)).isZero();
      }
      Map<String, List<JsonObject>> results = h.resultsById();
      assertThat(results.keySet()).isEqualTo(sent.keySet());
      long twice = Outcomes.read(h).assertOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT, high + poll);
      for (Map.Entry<String, List<JsonObject>> e : results.entrySet()) {
        if (e.getValue().size() > 1) {
          JsonObject source = e.getValue().get(0).getJsonObject("source");
          assertThat(doneAtKill.isDone(source.getInteger("partition"), source.getLong("offset")))
              .as("event %s judged again though the commits at the kill recorded it done", e.getKey()).isFalse();
          assertThat(e.getValue()).as("processed at most once per run").hasSizeLessThanOrEqualTo(2);
        }
      }
      System.out.printf("kill -9: events=%d results_at_kill=%d in_flight_at_kill=%d judged_twice=%d "
          + "done_above_committed_at_kill=%d (skipped by the restart instead of judged again)%n",
          sent.size(), resultsAtKill, inFlightAtKill, twice, doneAtKill.doneAbove());
    }
  }

  /** The process's events in flight (read, not done), from its admin API. */
  private long inFlight(int port) throws Exception {
    return stats(port).getLong("in_flight");
  }

  private static JsonObject stats(int port) throws Exception {
    java.net.http.HttpResponse<String> r = HTTP.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/api/stats"))
        .header("Authorization", "Bearer test-admin-token").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body()).getJsonObject("totals");
  }

  @Test
  @DisplayName("SIGTERM while calls are held past the drain deadline exits 3 (unclean) and loses nothing: a restart judges what was left")
  void uncleanDrainExitsThree() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 50, c -> c)) {
      h.sim.configure(new JsonObject().put("hold", true));
      Map<String, ReviewEvent> sent = h.produceValid(300, 47);
      List<String> sets = new java.util.ArrayList<>(SETS);
      sets.add("shutdown.timeout_ms=1500");
      try (PipelineProcess first = PipelineProcess.start(h, "unclean-1", JVM, sets)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> h.sim.held() > 0);
        assertThat(first.terminate(60_000)).as("exit code of a drain that missed its deadline").isEqualTo(3);
        assertThat(first.logContains("shutdown.unclean exit_code=3")).isTrue();
      }
      h.sim.configure(new JsonObject().put("hold", false));
      try (PipelineProcess second = PipelineProcess.start(h, "unclean-2", JVM, SETS)) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
            .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
        Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
        assertThat(second.terminate(60_000)).as("a clean drain exits 0").isZero();
      }
    }
  }
}
