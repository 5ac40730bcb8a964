package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.cache.VerdictKeys;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.store.DatabaseUrl;
import com.reviewpipeline.store.Migrations;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The verdict cache on the real broker, PostgreSQL and the simulator: a re-published topic, an exact copy of a text
 * under a new event id, and manual-review replays with and without a forced new judgment.
 */
@IntegrationTest(beside = true)
class CachedVerdictsTest {

  static final int EVENTS = 200;
  static final String MARKER = "zq-refuse-me";

  static String db;
  final HttpClient http = HttpClient.newHttpClient();
  int port;

  @BeforeAll
  static void database() {
    db = TestStack.newDatabase();
    Migrations.migrate(DatabaseUrl.parse(db));
  }

  @Test
  @DisplayName("re-published topic: every copy a cache hit, no Claude call, no cost, cached: true; an exact text copy under a new id is a text hit, stored; a replay is answered from the cache, a replay with rejudge: true is judged by a call; a stored event published again with the rejudge header is judged by a call and its stored row replaced")
  void judgedEventsAreNeverJudgedAgain() throws Exception {
    // no shadow samples: one is a call made after its event's result is out, which the "no call" checks would count
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5,
        c -> c.withDatabaseUrl(db).withAdminToken("t").withHttpPort(0).withPipelines(c.pipelines().stream()
            .map(p -> p.withShadow(com.reviewpipeline.config.ShadowConfig.OFF)).toList()))) {
      Map<String, ReviewEvent> sent = h.produceValid(EVENTS, 1601);
      PipelineHarness.Node node = h.startNode();
      AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry());
      PipelineHarness.await(node.vertx().deployVerticle(admin));
      port = admin.port();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
          .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);

      // 1. the same topic content again: same ids, same bytes
      long requests = requests(h);
      JsonObject before = cacheStats(get("/api/stats"));
      double cost = totals(h, node).getDouble("cost_usd");
      Map<Integer, Long> firstEnd = h.kafka.endOffsets(h.events);
      Map<String, String> again = new LinkedHashMap<>();
      sent.forEach((id, e) -> again.put(id, e.toJson().encode()));
      h.kafka.produceStrings(h.events, again);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
          .until(() -> h.resultsById().values().stream().mapToInt(List::size).sum() == 2 * EVENTS);
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      List<JsonObject> second = h.resultsById().values().stream().flatMap(List::stream)
          .filter(r -> r.getJsonObject("source").getLong("offset")
              >= firstEnd.get(r.getJsonObject("source").getInteger("partition")))
          .toList();
      assertThat(second).as("a result per re-published record").hasSize(EVENTS);
      assertThat(second).allSatisfy(r -> {
        assertThat(r.getBoolean("cached")).as("cached: %s", r.getString("event_id")).isTrue();
        assertThat(r.getDouble("cost_usd")).isZero();
        assertThat(r.getJsonObject("usage").getDouble("input_tokens") + r.getJsonObject("usage")
            .getDouble("output_tokens")).isZero();
        // its own verdict, or that of an exact copy of its text judged earlier
        ReviewEvent judged = sent.get(r.getString("cached_from"));
        ReviewEvent self = sent.get(r.getString("event_id"));
        assertThat(VerdictKeys.of("p", judged).byText()).isEqualTo(VerdictKeys.of("p", self).byText());
      });
      assertThat(requests(h)).as("no Claude call for a re-published topic").isEqualTo(requests);
      assertThat(totals(h, node).getDouble("cost_usd")).as("no cost").isEqualTo(cost);
      JsonObject after = cacheStats(get("/api/stats"));
      assertThat(after.getLong("hits") - before.getLong("hits")).as("100% hits").isEqualTo(EVENTS);
      assertThat(after.getLong("misses")).as("no miss").isEqualTo(before.getLong("misses"));
      assertThat(node.telemetry().registry().find("review_verdict_cache_hits_total").counters().stream()
          .mapToDouble(c -> c.count()).sum()).isEqualTo(after.getLong("hits").doubleValue());
      System.out.printf("re-published %d events: %d cache hits (%s), 0 calls; hit rate over the test so far %.4f%n",
          EVENTS, after.getLong("hits") - before.getLong("hits"), after.getJsonObject("hits_by_key").encode(),
          after.getDouble("hit_rate"));

      // 2. a copy-paste campaign: the same text (other case and spacing) and rating on another product
      ReviewEvent original = sent.values().stream().filter(e -> e.reviewText().chars().allMatch(ch -> ch < 128))
          .findFirst().orElseThrow();
      ReviewEvent copy = new ReviewEvent(UUID.randomUUID().toString(), "prod-campaign", "user-campaign",
          "  " + original.reviewText().toUpperCase(java.util.Locale.ROOT) + "\n", original.rating(),
          original.timestamp(), "api");
      h.kafka.produceStrings(h.events, Map.of(copy.eventId(), copy.toJson().encode()));
      JsonObject copied = awaitResult(h, copy.eventId());
      assertThat(copied.getBoolean("cached")).isTrue();
      assertThat(copied.getString("product_id")).as("its own product").isEqualTo("prod-campaign");
      assertThat(copied.getString("review_text")).isEqualTo(copy.reviewText());
      assertThat(sent.get(copied.getString("cached_from")).reviewText()).isEqualTo(original.reviewText());
      assertThat(copied.getDouble("cost_usd")).isZero();
      assertThat(requests(h)).isEqualTo(requests);
      assertThat(cacheStats(get("/api/stats")).getJsonObject("hits_by_key").getLong("text")).isPositive();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> stored(copy.eventId(), "verdict->>'cached'") != null);
      assertThat(stored(copy.eventId(), "verdict->>'cached'")).as("stored, marked cached").isEqualTo("true");
      assertThat(stored(copy.eventId(), "verdict->>'cached_from'")).isEqualTo(copied.getString("cached_from"));

      // 3. manual-review replays: two refused reviews of one text; an exact copy of that text is judged meanwhile
      h.sim.configure(new JsonObject().put("refuse_marker", MARKER));
      String text = "The grinder is loud but grinds evenly " + MARKER + ".";
      Map<String, ReviewEvent> refused = new LinkedHashMap<>();
      for (int i = 0; i < 2; i++) {
        ReviewEvent e = new ReviewEvent(UUID.randomUUID().toString(), "prod-r" + i, "user-r" + i, text, 3,
            original.timestamp(), "web");
        refused.put(e.eventId(), e);
      }
      h.kafka.produceStrings(h.events, refused.entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toJson().encode())));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> get("/api/review-queue?status=open&limit=10").getLong("total") == 2);
      h.sim.configure(new JsonObject().put("refuse_marker", ""));
      ReviewEvent judged = new ReviewEvent(UUID.randomUUID().toString(), "prod-j", "user-j", text, 3,
          original.timestamp(), "web");
      h.kafka.produceStrings(h.events, Map.of(judged.eventId(), judged.toJson().encode()));
      assertThat(awaitResult(h, judged.eventId()).getBoolean("cached")).as("failures are never cached").isFalse();
      List<JsonObject> items = get("/api/review-queue?status=open&limit=10").getJsonArray("items").stream()
          .map(o -> (JsonObject) o).toList();

      long beforeReplay = requests(h);
      HttpResponse<String> plain = post("/api/review-queue/" + items.get(0).getLong("id") + "/replay", "{\"by\":\"alice\"}");
      assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
      assertThat(new JsonObject(plain.body()).getBoolean("rejudge")).isFalse();
      JsonObject fromCache = awaitResult(h, items.get(0).getString("event_id"));
      assertThat(fromCache.getBoolean("cached")).as("a replay is answered from the cache").isTrue();
      assertThat(fromCache.getString("cached_from")).isEqualTo(judged.eventId());
      assertThat(requests(h)).as("no call for it").isEqualTo(beforeReplay);

      assertThat(post("/api/review-queue/" + items.get(1).getLong("id") + "/replay", "{\"rejudge\":\"yes\"}")
          .statusCode()).as("rejudge must be a boolean").isEqualTo(400);
      HttpResponse<String> forced = post("/api/review-queue/" + items.get(1).getLong("id") + "/replay",
          "{\"by\":\"alice\",\"rejudge\":true}");
      assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
      JsonObject rejudged = awaitResult(h, items.get(1).getString("event_id"));
      assertThat(rejudged.getBoolean("cached")).as("rejudge: a new judgment").isFalse();
      assertThat(rejudged.getDouble("cost_usd")).isPositive();
      assertThat(requests(h)).as("a Claude call for the forced rejudge").isGreaterThan(beforeReplay);

      // the new judgment replaced the cached verdict of that text
      ReviewEvent later = new ReviewEvent(UUID.randomUUID().toString(), "prod-l", "user-l", text, 3,
          original.timestamp(), "web");
      h.kafka.produceStrings(h.events, Map.of(later.eventId(), later.toJson().encode()));
      assertThat(awaitResult(h, later.eventId()).getString("cached_from")).isEqualTo(items.get(1).getString("event_id"));
      assertThat(h.dlqRecords()).as("only the two refusals").hasSize(2);

      // 4. a judged and stored event published again with the rejudge header: a call, and the stored row replaced
      ReviewEvent stored = sent.values().iterator().next();
      int pipelines = h.config.pipelines().size();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> String.valueOf(pipelines).equals(stored(stored.eventId(), "count(*)")));
      assertThat(stored(stored.eventId(), "count(*) FILTER (WHERE verdict ? 'rejudged')")).as("first judgments")
          .isEqualTo("0");
      long beforeHeader = requests(h);
      h.kafka.produceWithHeaders(h.events, stored.eventId(), stored.toJson().encode(),
          Map.of(com.reviewpipeline.bus.Headers.REJUDGE, "true"));
      // every pipeline judges it anew
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> h.resultsById()
          .get(stored.eventId()).stream().filter(r -> r.getBoolean("rejudged", false)).count() == pipelines);
      List<JsonObject> newJudgments = h.resultsById().get(stored.eventId()).stream()
          .filter(r -> r.getBoolean("rejudged", false)).toList();
      assertThat(newJudgments).allSatisfy(r -> assertThat(r.getBoolean("cached")).isFalse());
      assertThat(requests(h)).as("Claude calls for it").isGreaterThan(beforeHeader);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> String.valueOf(pipelines)
          .equals(stored(stored.eventId(), "count(*) FILTER (WHERE verdict->>'rejudged' = 'true')")));
      assertThat(stored(stored.eventId(), "count(*)")).as("still one row per pipeline").isEqualTo(String.valueOf(pipelines));
      for (JsonObject r : newJudgments) {
        assertThat(Double.parseDouble(stored(stored.eventId(), r.getString("pipeline"), "cost_usd")))
            .as("the new judgment's row")
            .isEqualTo(r.getDouble("cost_usd"), org.assertj.core.data.Offset.offset(1e-8));
      }
    }
  }

  static long requests(PipelineHarness h) {
    return h.sim.stats().getLong("requests");
  }

  static JsonObject totals(PipelineHarness h, PipelineHarness.Node node) {
    return node.telemetry().stats().getJsonObject("totals");
  }

  static JsonObject cacheStats(JsonObject stats) {
    return stats.getJsonObject("verdict_cache");
  }

  static JsonObject awaitResult(PipelineHarness h, String eventId) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> h.resultsById().containsKey(eventId));
    return h.resultsById().get(eventId).get(0);
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

  /** One column of the stored verdict of an event, or null before it is stored. */
  static String stored(String eventId, String pipeline, String column) throws Exception {
    DatabaseUrl d = DatabaseUrl.parse(db);
    try (Connection c = DriverManager.getConnection(d.jdbcUrl(), d.user(), d.password());
         ResultSet rs = c.createStatement().executeQuery("SELECT " + column + " FROM moderation_results WHERE event_id = '"
             + eventId + "' AND pipeline = '" + pipeline + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static String stored(String eventId, String column) throws Exception {
    DatabaseUrl d = DatabaseUrl.parse(db);
    try (Connection c = DriverManager.getConnection(d.jdbcUrl(), d.user(), d.password());
         ResultSet rs = c.createStatement().executeQuery("SELECT " + column
             + " FROM moderation_results WHERE event_id = '" + eventId + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
