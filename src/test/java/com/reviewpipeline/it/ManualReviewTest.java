package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.config.KafkaSettings.RetryStage;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.store.DatabaseUrl;
import com.reviewpipeline.store.Migrations;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestStack;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The retry ladder carried through to a human: manual_review rows, replay through the API, verdicts in PostgreSQL. */
@IntegrationTest(beside = true)
class ManualReviewTest {

  static String db;
  final HttpClient http = HttpClient.newHttpClient();
  int port;

  @BeforeAll
  static void database() throws Exception {
    db = TestStack.newDatabase();
    Migrations.migrate(DatabaseUrl.parse(db));
  }

  JsonObject get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer t").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " → " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer t").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("moderator calls all fail: each event climbs every retry stage and ends as an open manual_review row; after replay through the API every event has a verdict in moderation_results; nothing lost, analyzer untouched")
  void failuresReachHumansAndReplayCompletesThem() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5,
        c -> c.withDatabaseUrl(db).withAdminToken("t").withHttpPort(0)
            .withAnthropic(c.anthropic().withRetries(2000, 2, 20, 50)), true)) {
      h.sim.configure(new JsonObject().put("fail_status", 500).put("fail_system_contains", "content-moderation stage"));
      Map<String, ReviewEvent> sent = h.produceValid(40, 71);
      PipelineHarness.Node node = h.startNode();
      AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry());
      PipelineHarness.await(node.vertx().deployVerticle(admin));
      port = admin.port();

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> get("/api/review-queue?status=open&pipeline=review-moderator&limit=500").getLong("total") == 40);
      JsonObject queue = get("/api/review-queue?status=open&limit=500");
      List<JsonObject> items = queue.getJsonArray("items").stream().map(o -> (JsonObject) o).toList();
      assertThat(items.stream().map(i -> i.getString("event_id")).collect(Collectors.toSet())).isEqualTo(sent.keySet());
      assertThat(items).allSatisfy(i -> {
        assertThat(i.getString("pipeline")).isEqualTo("review-moderator");
        assertThat(i.getString("error_type")).isEqualTo("api_error");
        assertThat(i.getInteger("retry_count")).isEqualTo(3);
        assertThat(i.getJsonObject("original_event").getString("review_text"))
            .isEqualTo(sent.get(i.getString("event_id")).reviewText());
      });
      for (RetryStage stage : h.config.kafka().retryStages()) {
        Set<String> ids = h.kafka.readAll(stage.topic()).stream().map(r -> r.key()).collect(Collectors.toSet());
        assertThat(ids).as("every event passed " + stage.topic()).isEqualTo(sent.keySet());
      }
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> get("/api/results?pipeline=review-analyzer&limit=500").getLong("total") == 40);
      assertThat(get("/api/results?pipeline=review-moderator").getLong("total")).isZero();

      // bad requests get a JSON 400/404/409
      assertThat(post("/api/review-queue/" + items.get(0).getLong("id") + "/resolve", "{}").statusCode()).isEqualTo(400);
      assertThat(post("/api/review-queue/abc/replay", "{}").statusCode()).isEqualTo(400);
      assertThat(post("/api/review-queue/999999/replay", "{}").statusCode()).isEqualTo(404);
      assertThat(post("/api/review-queue/" + items.get(0).getLong("id") + "/resolve", "[1]").statusCode()).isEqualTo(400);
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/review-queue?status=maybe"))
          .header("Authorization", "Bearer t").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);

      // the API is healthy again: a human replays every item
      h.sim.configure(new JsonObject().put("fail_status", 0));
      for (JsonObject item : items) {
        HttpResponse<String> r = post("/api/review-queue/" + item.getLong("id") + "/replay", "{\"by\":\"alice\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      assertThat(post("/api/review-queue/" + items.get(0).getLong("id") + "/replay", "{}").statusCode())
          .as("replaying twice is a conflict").isEqualTo(409);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> get("/api/results?pipeline=review-moderator&limit=500").getLong("total") == 40);
      JsonArray stored = get("/api/results?pipeline=review-moderator&limit=500").getJsonArray("items");
      Set<String> storedIds = new HashSet<>();
      stored.forEach(o -> storedIds.add(((JsonObject) o).getString("event_id")));
      assertThat(storedIds).isEqualTo(sent.keySet());
      assertThat(get("/api/review-queue?status=replayed&limit=500").getLong("total")).isEqualTo(40);
      assertThat(get("/api/review-queue?status=open").getLong("total")).isZero();
      JsonObject replayed = get("/api/review-queue?status=replayed&limit=1").getJsonArray("items").getJsonObject(0);
      assertThat(replayed.getString("decided_by")).isEqualTo("alice");
      assertThat(replayed.getString("decided_at")).isNotBlank();
      // the replay header kept the analyzer from judging the replayed events again
      long analyzerResults = h.kafka.readAll(h.results).stream()
          .filter(r -> new JsonObject(r.value()).getString("pipeline").equals("review-analyzer")).count();
      assertThat(analyzerResults).isEqualTo(40);
      assertThat(get("/api/results?flagged=true&limit=500").getJsonArray("items").stream()
          .allMatch(o -> ((JsonObject) o).getBoolean("flagged"))).isTrue();
    }
  }
}
