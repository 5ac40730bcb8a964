package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.admin.AdminApiVerticle;
import com.reviewpipeline.store.DatabaseUrl;
import com.reviewpipeline.store.Migrations;
import com.reviewpipeline.support.Chromium;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The admin UI in a real headless Chromium against a running pipeline (real Kafka, PostgreSQL, simulator).
 * {@code .ci/run} installs Chromium and sets {@code REQUIRE_BROWSER=1}, so in CI a missing browser fails the test;
 * elsewhere it is skipped with a message. Screenshots go to {@code target/screenshots/}.
 */
@IntegrationTest
class AdminUiBrowserTest {

  static final Path SHOTS = Path.of("target", "screenshots");
  static final String MODERATOR_ROW = "#pipelines tr[data-pipeline=\"review-moderator\"]";

  final HttpClient http = HttpClient.newHttpClient();
  int port;

  JsonObject api(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer ui-token").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " → " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static long number(String text) {
    return text == null || text.isBlank() || text.equals("–") ? -1 : Long.parseLong(text.trim());
  }

  @Test
  @DisplayName("in headless Chromium: a wrong token is refused, the right one signs in, numbers move, Pause stops the moderator and its lag grows, Resume drains it, Replay sends a manual-review item back and it gets a verdict")
  void operateThePipelineFromTheBrowser() throws Exception {
    Optional<Path> binary = Chromium.find();
    if (binary.isEmpty()) {
      if ("1".equals(System.getenv("REQUIRE_BROWSER"))) {
        throw new AssertionError("REQUIRE_BROWSER=1 but no chromium on PATH (set CHROME_BIN or apt-get install chromium)");
      }
      Assumptions.abort("no chromium on PATH: browser test skipped (.ci/run installs it)");
    }
    String db = TestStack.newDatabase();
    Migrations.migrate(DatabaseUrl.parse(db));
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5,
        c -> c.withDatabaseUrl(db).withAdminToken("ui-token").withHttpPort(0), true)) {
      // moderator calls rejected as too large (halved down to each review, not retryable): three open manual-review items
      h.sim.configure(new JsonObject().put("fail_status", 413).put("fail_system_contains", "content-moderation stage"));
      h.produceValid(3, 501);
      PipelineHarness.Node node = h.startNode();
      AdminApiVerticle admin = new AdminApiVerticle(h.config, node.telemetry(), com.reviewpipeline.bus.Membership.alone(), node.app());
      PipelineHarness.await(node.vertx().deployVerticle(admin));
      port = admin.port();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
          .until(() -> api("/api/review-queue?status=open").getLong("total") == 3);
      h.sim.configure(new JsonObject().put("fail_status", 0));

      try (Chromium browser = new Chromium(binary.get(), 1280, 1400)) {
        browser.navigate("http://127.0.0.1:" + port + "/");
        assertThat(browser.visible("#login-form")).isTrue();
        assertThat(browser.visible("#app")).isFalse();
        browser.screenshot(SHOTS.resolve("01-sign-in.png"));

        browser.type("#token", "not-the-token");
        browser.pressEnter();
        browser.waitFor("the wrong token to be refused", () -> "wrong token".equals(browser.text("#login-error")),
            Duration.ofSeconds(10));
        assertThat(browser.visible("#app")).isFalse();

        browser.type("#token", "ui-token");
        browser.click("#login-form button[type=submit]");
        browser.waitFor("the dashboard", () -> browser.visible("#app") && browser.text("#status").startsWith("live"),
            Duration.ofSeconds(10));
        assertThat(browser.visible("#sim-banner")).as("simulator banner").isTrue();
        browser.waitFor("this node with its partitions", () -> browser.text("#nodes tbody").contains("(this node)")
            && browser.text("#nodes tbody").contains("review-moderator: 0,1,2,3,4,5,6,7,8,9,10,11"), Duration.ofSeconds(10));

        // numbers move
        h.produceValid(200, 502);
        browser.waitFor("processed to count the new events", () -> number(browser.text("#processed")) >= 400,
            Duration.ofSeconds(60));
        long before = number(browser.text("#processed"));
        h.produceValid(100, 503);
        browser.waitFor("processed to move again", () -> number(browser.text("#processed")) >= before + 200,
            Duration.ofSeconds(60));
        browser.waitFor("the model mix", () -> browser.text("#models").contains("events"), Duration.ofSeconds(10));
        browser.waitFor("the cascade's escalations", () -> browser.text("#cascade tbody").contains("review-moderator")
            && browser.text("#cascade tbody").matches("(?s).*\\d+ of \\d+ \\(\\d+\\.\\d%\\).*"), Duration.ofSeconds(10));
        // the gate's view: one row per flag field of the first tier's model against the reference's, escalating
        // while unproven (300 reviews at the shipped 10% share are fewer comparisons than min_samples)
        browser.waitFor("the agreement gate's fields", () -> browser.text("#agreement tbody")
            .contains("claude-haiku-5-5 vs claude-opus-5-5") && ((Number) browser.eval("Array.from(document"
            + ".querySelectorAll('#agreement tbody tr[data-field=is_fake] td')).filter(td => td.textContent === 'yes')"
            + ".length")).intValue() == 1, Duration.ofSeconds(10));
        browser.waitFor("the flagged list", () -> ((Number) browser.eval(
            "document.querySelectorAll('#flagged-list tbody tr').length")).intValue() > 0, Duration.ofSeconds(10));
        browser.waitFor("three manual-review rows", () -> ((Number) browser.eval(
            "document.querySelectorAll('#queue tbody tr[data-id]').length")).intValue() == 3, Duration.ofSeconds(10));
        browser.screenshot(SHOTS.resolve("02-dashboard.png"));

        // pause: processing stops and the lag grows by what is produced meanwhile
        browser.click(MODERATOR_ROW + " button[data-action=pause]");
        browser.waitFor("the moderator to show paused", () -> browser.text(MODERATOR_ROW + " td:nth-child(2)")
            .startsWith("paused"), Duration.ofSeconds(10));
        long moderatorResults = moderatorResults(h);
        h.produceValid(150, 504);
        browser.waitFor("the lag to show the 150 waiting events", () -> number(browser.text("#lag")) == 150,
            Duration.ofSeconds(30));
        assertThat(moderatorResults(h)).as("no moderator verdicts while paused").isEqualTo(moderatorResults);
        browser.screenshot(SHOTS.resolve("03-paused.png"));

        // resume: it drains
        browser.click(MODERATOR_ROW + " button[data-action=resume]");
        browser.waitFor("the moderator to run again", () -> "running".equals(browser.text(MODERATOR_ROW + " td:nth-child(2)")),
            Duration.ofSeconds(10));
        browser.waitFor("the lag to drain to 0", () -> number(browser.text("#lag")) == 0, Duration.ofSeconds(60));
        assertThat(moderatorResults(h)).isEqualTo(moderatorResults + 150);
        browser.screenshot(SHOTS.resolve("04-resumed.png"));

        // replay the first manual-review item
        String id = String.valueOf(browser.eval("document.querySelector('#queue tbody tr[data-id]').dataset.id"));
        String eventId = api("/api/review-queue?status=open&limit=10").getJsonArray("items").stream()
            .map(o -> (JsonObject) o).filter(i -> String.valueOf(i.getLong("id")).equals(id))
            .findFirst().orElseThrow().getString("event_id");
        browser.click("#queue tbody tr[data-id=\"" + id + "\"] button[data-action=replay]");
        browser.waitFor("the replay confirmation", () -> browser.text("#message").equals("item " + id + " replayed"),
            Duration.ofSeconds(10));
        browser.waitFor("the replayed row to leave the queue", () -> ((Number) browser.eval(
            "document.querySelectorAll('#queue tbody tr[data-id]').length")).intValue() == 2, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30)).until(() -> h.resultsById().getOrDefault(eventId, java.util.List.of())
            .stream().anyMatch(r -> "review-moderator".equals(r.getString("pipeline"))));
        assertThat(api("/api/review-queue?status=replayed").getLong("total")).isEqualTo(1);
        browser.screenshot(SHOTS.resolve("05-replayed.png"));

        // instance counts: Claude callers 2 → 3 from the Instances table
        browser.type("#deployments tr[data-verticle=claude] input", "3");
        browser.click("#deployments tr[data-verticle=claude] button[data-action=scale]");
        browser.waitFor("the scale confirmation", () -> browser.text("#message").equals("claude now has 3 instances"),
            Duration.ofSeconds(30));
        assertThat(api("/api/deployments").getJsonObject("deployments").getJsonObject("claude").getInteger("instances"))
            .isEqualTo(3);
      }
    }
  }

  static long moderatorResults(PipelineHarness h) {
    return h.resultsById().values().stream().flatMap(java.util.List::stream)
        .filter(r -> "review-moderator".equals(r.getString("pipeline"))).count();
  }
}
