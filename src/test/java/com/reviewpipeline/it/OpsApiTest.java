package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The operations API against a running pipeline: auth, pause/resume with lag, buffer tuning, errors. */
@IntegrationTest
class OpsApiTest {

  static final int HIGH = 200;
  static final int MAX_POLL = 100;
  final HttpClient http = HttpClient.newHttpClient();
  int port;

  HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject ok(String method, String path, String body) throws Exception {
    HttpResponse<String> r = call(method, path, body, "t");
    assertThat(r.statusCode()).as(method + " " + path + " → " + r.body()).isBetween(200, 202);
    return new JsonObject(r.body());
  }

  int status(String method, String path, String body) throws Exception {
    HttpResponse<String> r = call(method, path, body, "t");
    assertThat(new JsonObject(r.body()).getString("error")).as("JSON error body").isNotBlank();
    return r.statusCode();
  }

  long moderatorLag() throws Exception {
    JsonArray groups = ok("GET", "/api/lag", null).getJsonArray("groups");
    return groups.stream().map(o -> (JsonObject) o).filter(g -> g.getString("group").startsWith("review-moderator"))
        .findFirst().orElseThrow().getLong("lag");
  }

  @Test
  @DisplayName("auth on /api/*, pause stops processing and lag grows by exactly the new events, resume drains, buffer settings change at run time with validation, unknown pipeline 404")
  void pauseResumeLagAndBufferTuning() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c.withAdminToken("t").withHttpPort(0)
        .withAlerts(com.reviewpipeline.config.AlertSettings.fromJson(new JsonObject().put("check_interval_ms", 500))))) {
      PipelineHarness.Node node = h.startNode();
      AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry());
      PipelineHarness.await(node.vertx().deployVerticle(admin));
      port = admin.port();

      assertThat(call("GET", "/api/pipelines", null, null).statusCode()).isEqualTo(401);
      assertThat(call("GET", "/api/pipelines", null, "wrong").statusCode()).isEqualTo(401);
      assertThat(call("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
      JsonObject mod = ok("GET", "/api/pipelines", null).getJsonArray("pipelines").getJsonObject(0);
      assertThat(mod.getString("name")).isEqualTo("review-moderator");
      assertThat(mod.getBoolean("paused")).isFalse();

      h.produceValid(200, 91);
      await().atMost(Duration.ofSeconds(30)).until(() -> h.resultsById().size() == 200);
      await().atMost(Duration.ofSeconds(10)).until(() -> moderatorLag() == 0);

      assertThat(ok("POST", "/api/pipelines/review-moderator/pause", null).getString("action")).isEqualTo("pause");
      await().atMost(Duration.ofSeconds(5)).until(() ->
          ok("GET", "/api/pipelines", null).getJsonArray("pipelines").getJsonObject(0).getBoolean("paused"));
      assertThat(ok("GET", "/api/stats", null).getJsonObject("paused").getJsonArray("review-moderator")).contains("admin");
      h.produceValid(100, 92);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> h.resultsById().size() == 200);
      assertThat(moderatorLag()).as("lag grows by the events produced while paused").isEqualTo(100);

      ok("POST", "/api/pipelines/review-moderator/resume", null);
      await().atMost(Duration.ofSeconds(30)).until(() -> h.resultsById().size() == 300);
      await().atMost(Duration.ofSeconds(10)).until(() -> moderatorLag() == 0);
      assertThat(ok("GET", "/api/pipelines", null).getJsonArray("pipelines").getJsonObject(0).getBoolean("paused")).isFalse();

      assertThat(ok("GET", "/api/pipelines/review-moderator/buffer", null).getInteger("max_size")).isEqualTo(20);
      assertThat(status("PUT", "/api/pipelines/review-moderator/buffer", "{\"max_size\": 0}")).isEqualTo(400);
      assertThat(status("PUT", "/api/pipelines/review-moderator/buffer", "{\"max_batch\": 5}")).isEqualTo(400);
      assertThat(status("PUT", "/api/pipelines/review-moderator/buffer", "{\"max_size\": \"5\"}")).isEqualTo(400);
      assertThat(status("PUT", "/api/pipelines/review-moderator/buffer", "[5]")).isEqualTo(400);
      assertThat(status("PUT", "/api/pipelines/review-moderator/buffer", "{}")).isEqualTo(400);
      assertThat(status("POST", "/api/pipelines/nope/pause", null)).isEqualTo(404);
      JsonObject tuned = ok("PUT", "/api/pipelines/review-moderator/buffer", "{\"max_size\": 5, \"max_wait_ms\": 500}");
      assertThat(tuned.getInteger("max_size")).isEqualTo(5);
      assertThat(tuned.getInteger("max_tokens")).as("unchanged").isEqualTo(15000);
      assertThat(ok("GET", "/api/pipelines/review-moderator/buffer", null).getInteger("max_size")).isEqualTo(5);

      // Prometheus text with the product's meters (no auth)
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        HttpResponse<String> m = call("GET", "/metrics", null, null);
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.body()).contains("review_events_consumed_total", "review_events_processed_total",
            "review_batches_flushed_total", "review_batch_size", "claude_request_duration_seconds",
            "claude_tokens_total", "claude_cost_usd_total", "claude_token_estimate_relative_error",
            "review_events_in_flight", "review_consumer_lag{");
      });
      JsonObject ready = new JsonObject(call("GET", "/health/ready", null, null).body());
      assertThat(ready.getString("status")).isEqualTo("UP");
      assertThat(ready.getJsonObject("checks").getString("kafka")).isEqualTo("UP");

      var late = h.produceValid(40, 93);
      await().atMost(Duration.ofSeconds(30)).until(() -> h.resultsById().size() == 340);
      var results = h.resultsById();
      // copies of texts judged before the change are answered by the verdict cache with their old batch: not batched
      List<Integer> sizes = late.keySet().stream().map(id -> results.get(id).get(0))
          .filter(r -> !r.getBoolean("cached")).map(r -> r.getInteger("batch_size")).toList();
      assertThat(sizes).as("judged after the change").isNotEmpty();
      assertThat(sizes).as("batches after the change respect max_size 5").allMatch(n -> n <= 5);
    }
  }

  @Test
  @DisplayName("instance counts change at run time while events flow (Claude up and down, ingest up and down, publishers up and down) without losing an event or judging again what the commits recorded as done, duplicates within the in-flight bounds of the consumers that gave up partitions; bad counts 400, unknown verticle 404")
  void scalingWhileEventsFlowLosesNothing() throws Exception {
    // a window smaller than the 1,500 events, so that the duplicate bound below says something
    JsonObject kafka = new JsonObject()
        .put("inflight_high_watermark", HIGH)
        .put("inflight_low_watermark", HIGH / 2)
        .put("max_poll_records", MAX_POLL);
    // calls must be in flight at each scaling step: cached answers would let the stream finish before the second
    try (PipelineHarness h = new PipelineHarness(kafka, 50,
        c -> TestConfig.withoutVerdictCache(c).withAdminToken("t").withHttpPort(0))) {
      PipelineHarness.Node node = h.startNode();
      AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry(), com.reviewpipeline.bus.Membership.alone(), node.app());
      PipelineHarness.await(node.vertx().deployVerticle(admin));
      port = admin.port();
      JsonObject deployments = ok("GET", "/api/deployments", null).getJsonObject("deployments");
      assertThat(deployments.getJsonObject("claude").getInteger("instances")).isEqualTo(2);
      assertThat(deployments.getJsonObject("ingest:review-moderator").getInteger("instances")).isEqualTo(1);
      assertThat(deployments.getJsonObject("retry-scheduler").getBoolean("scalable")).isFalse();

      assertThat(status("PUT", "/api/deployments/claude", "{\"instances\": 0}")).isEqualTo(400);
      assertThat(status("PUT", "/api/deployments/claude", "{\"instances\": \"3\"}")).isEqualTo(400);
      assertThat(status("PUT", "/api/deployments/claude", "nope")).isEqualTo(400);
      assertThat(status("PUT", "/api/deployments/warp-drive", "{\"instances\": 2}")).isEqualTo(404);
      assertThat(status("PUT", "/api/deployments/retry-scheduler", "{\"instances\": 2}")).isEqualTo(400);

      // Claude calls are in flight (held by the simulator) while the old instances are replaced:
      // they finish before the old deployment is gone.
      h.sim.configure(new JsonObject().put("hold", true));
      var sent = new java.util.HashMap<>(h.produceValid(1500, 95));
      await().atMost(Duration.ofSeconds(30)).until(() -> h.sim.held() > 0);
      h.simVertx.setTimer(1500, t -> h.sim.configure(new JsonObject().put("hold", false)));
      assertThat(ok("PUT", "/api/deployments/claude", "{\"instances\": 4}").getInteger("instances")).isEqualTo(4);
      // the old instances drained: none reached its deadline with a call it held unfinished
      assertThat(node.telemetry().uncleanStops()).as("held calls completed before the old instances stopped").isEmpty();
      // their results reach Kafka through a publisher a moment later
      await().atMost(Duration.ofSeconds(10)).until(() -> !h.resultsById().isEmpty());
      assertThat(h.resultsById().size()).as("still mid-stream").isLessThan(1500);
      h.sim.configure(new JsonObject().put("hold", true));
      await().atMost(Duration.ofSeconds(30)).until(() -> h.sim.held() > 0);
      h.simVertx.setTimer(1500, t -> h.sim.configure(new JsonObject().put("hold", false)));
      var beforeIngestScaling = h.kafka.committedDone(h.group(), h.events);
      assertThat(ok("PUT", "/api/deployments/ingest:review-moderator", "{\"instances\": 2}").getInteger("instances")).isEqualTo(2);
      assertThat(ok("PUT", "/api/deployments/claude", "{\"instances\": 1}").getInteger("instances")).isEqualTo(1);
      // buffers replaced while events flow: a poll's events handed to one stopping go to another (bus/ToBuffer)
      assertThat(ok("PUT", "/api/deployments/buffer", "{\"instances\": 2}").getInteger("instances")).isEqualTo(2);
      assertThat(ok("PUT", "/api/deployments/buffer", "{\"instances\": 1}").getInteger("instances")).isEqualTo(1);
      // publishers replaced while results flow: a result routed to one stopping is handed to another (bus/Handoff)
      assertThat(ok("PUT", "/api/deployments/publisher", "{\"instances\": 3}").getInteger("instances")).isEqualTo(3);
      assertThat(ok("PUT", "/api/deployments/publisher", "{\"instances\": 1}").getInteger("instances")).isEqualTo(1);
      assertThat(ok("PUT", "/api/deployments/ingest:review-moderator", "{\"instances\": 1}").getInteger("instances")).isEqualTo(1);
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      JsonObject after = ok("GET", "/api/deployments", null).getJsonObject("deployments");
      assertThat(after.getJsonObject("claude").getInteger("instances")).isEqualTo(1);
      // Claude instances being replaced finish the calls they hold, so only ingest consumers giving up partitions
      // re-deliver (scaling deploys the new instances before the old ones drain), each at most its window: what it
      // read since its last commit, the high watermark plus one poll. The node counts every revocation.
      long revocations = node.telemetry().rebalances("revoked");
      assertThat(revocations).as("ingest scaling moved partitions").isPositive();
      long duplicates = Outcomes.read(h).assertOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT,
          revocations * (HIGH + MAX_POLL));
      Outcomes.assertNoneDoneJudgedAgain(h, beforeIngestScaling);
      System.out.printf("scaling: events=%d revocations=%d duplicates=%d done_above_committed_before_scaling=%d%n",
          sent.size(), revocations, duplicates, beforeIngestScaling.doneAbove());
    }
  }
}
