package com.reviewpipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.support.Chromium;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report of an evaluation of eval/reviews.jsonl on the simulator, opened in a real headless Chromium
 * (no Kafka, no database). Skipped without a browser unless {@code REQUIRE_BROWSER=1}. The page's screenshot goes to
 * {@code target/screenshots/eval-report.png}.
 */
@IntegrationTest(beside = true)
class EvalReportBrowserTest {

  @TempDir
  Path tmp;

  @Test
  @DisplayName("in headless Chromium the report draws the curve (a dot per swept setting, the chosen one ringed), the confusion matrices and the simulator warning, and loads nothing from elsewhere")
  void reportRendersInChromium() throws Exception {
    Optional<Path> binary = Chromium.find();
    if (binary.isEmpty()) {
      if ("1".equals(System.getenv("REQUIRE_BROWSER"))) {
        throw new AssertionError("REQUIRE_BROWSER=1 but no chromium on PATH (set CHROME_BIN or apt-get install chromium)");
      }
      Assumptions.abort("no chromium on PATH: browser test skipped (.ci/run installs it)");
    }
    Vertx vertx = Vertx.vertx();
    Path html;
    JsonObject json;
    try {
      ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(5, 0));
      vertx.deployVerticle(sim).await();
      AppConfig c = TestConfig.load(vertx, new JsonObject());
      AppConfig config = c.withAnthropic(c.anthropic().withEndpoint(sim.baseUrl(), List.of("sk-test-not-a-key")));
      EvalOptions o = new EvalOptions(Path.of("eval", "reviews.jsonl"), null, "review-moderator", List.of(),
          List.of(), 0, 4, 0, 80, tmp.resolve("cache"), tmp.resolve("out"), List.of("recall.is_spam=0.3"), "simulator");
      Evaluation.Report report = Evaluation.run(vertx, config, o, new PrintStream(new ByteArrayOutputStream()));
      List<Path> files = Evaluation.write(report, tmp.resolve("out"));
      json = new JsonObject(Files.readString(files.get(0)));
      html = files.get(1);
    } finally {
      vertx.close().await();
    }
    int points = json.getJsonObject("sweep").getJsonArray("points").size();
    int tiers = json.getJsonObject("tiers").size();

    try (Chromium browser = new Chromium(binary.get(), 1280, 1600)) {
      browser.navigate(html.toUri().toString());
      assertThat(browser.eval("document.title")).isEqualTo("Verdict quality: review-moderator");
      assertThat(browser.eval("document.querySelectorAll('#curve svg circle.point').length")).isEqualTo(points);
      assertThat(browser.eval("document.querySelectorAll('#curve svg circle.on-front').length"))
          .isEqualTo((int) json.getJsonObject("sweep").getJsonArray("points").stream()
              .filter(p -> ((JsonObject) p).getBoolean("front")).count());
      Object box = browser.eval("(() => { const r = document.querySelector('#chosen-point').getBoundingClientRect();"
          + " return r.width > 0 && r.height > 0; })()");
      assertThat(box).isEqualTo(true);
      Object svgWidth = browser.eval("document.querySelector('#curve svg').getBoundingClientRect().width");
      assertThat(((Number) svgWidth).doubleValue()).isGreaterThan(800);
      // a matrix per flag field and one for sentiment, for each tier and the cascade
      assertThat(browser.eval("document.querySelectorAll('table.confusion').length")).isEqualTo((tiers + 1) * 4);
      assertThat(browser.text("#simulator-note")).contains("measure the plumbing, not any model");
      assertThat(browser.text("#chosen")).contains("Cheapest setting meeting recall.is_spam>=0.3");
      assertThat(browser.eval("document.querySelectorAll('#tiers tr[data-tier]').length")).isEqualTo(tiers);
      assertThat(browser.eval("performance.getEntriesByType('resource').length")).isEqualTo(0);
      browser.screenshot(Path.of("target", "screenshots", "eval-report.png"));
    }
  }
}
