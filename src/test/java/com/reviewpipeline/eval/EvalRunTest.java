package com.reviewpipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation runs against the in-process Claude API simulator: cache, resume, spend cap, bad input lines. */
class EvalRunTest {

  static final Path SET = Path.of("eval", "reviews.jsonl");

  Vertx vertx;
  ClaudeSimulator sim;
  AppConfig config;
  ByteArrayOutputStream printed = new ByteArrayOutputStream();
  PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  @TempDir
  Path tmp;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    sim = new ClaudeSimulator(0, SimulatorSettings.defaults(5, 0));
    vertx.deployVerticle(sim).await();
    AppConfig c = TestConfig.load(vertx, new JsonObject());
    config = c.withAnthropic(c.anthropic().withEndpoint(sim.baseUrl(), List.of("sk-test-not-a-key")));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  EvalOptions options(Path input, int limit, double maxUsd, int concurrency) {
    return new EvalOptions(input, null, "review-moderator", List.of("fast", "balanced"), List.of(), 10, concurrency,
        maxUsd, limit, tmp.resolve("cache"), tmp.resolve("out"), List.of("recall.is_spam=0.5"), "simulator");
  }

  long simRequests() {
    return sim.stats().getLong("requests");
  }

  static double spent(Evaluation.Report r) {
    return r.judging().byTier().values().stream().flatMap(m -> m.values().stream()).mapToDouble(Judgement::usd).sum();
  }

  static long count(Evaluation.Report r, Judgement.Status s) {
    return r.judging().byTier().values().stream().flatMap(m -> m.values().stream())
        .filter(j -> j.status() == s).count();
  }

  @Test
  @DisplayName("a second run with the same settings makes no request to the API (simulator count unchanged) and measures the same")
  void resumedRunMakesNoNewCalls() throws Exception {
    Evaluation.Report first = Evaluation.run(vertx, config, options(SET, 40, 0, 4), out);
    long afterFirst = simRequests();
    // 40 reviews in batches of 10 on two tiers
    assertThat(afterFirst).isEqualTo(8);
    assertThat(first.judging().sent()).isEqualTo(8);

    Evaluation.Report second = Evaluation.run(vertx, config, options(SET, 40, 0, 4), out);
    assertThat(simRequests()).isEqualTo(afterFirst);
    assertThat(second.judging().cached()).isEqualTo(8);
    assertThat(second.judging().sent()).isZero();
    assertThat(ReportJson.of(second).getJsonObject("tiers")).isEqualTo(ReportJson.of(first).getJsonObject("tiers"));
  }

  @Test
  @DisplayName("--max-usd stops before the cap is passed, says so, and a run without the cap then sends only what was left")
  void maxUsdStopsAndTheRestResumes() throws Exception {
    double cap = 0.012;
    Evaluation.Report capped = Evaluation.run(vertx, config, options(SET, 40, cap, 1), out);
    assertThat(capped.stopped()).contains("--max-usd", "not sent");
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("STOPPED EARLY: --max-usd");
    assertThat(spent(capped)).isPositive().isLessThanOrEqualTo(cap);
    assertThat(count(capped, Judgement.Status.NOT_JUDGED)).isPositive();
    long sentCapped = simRequests();
    assertThat(sentCapped).isEqualTo(capped.judging().sent()).isLessThan(8);

    Evaluation.Report rest = Evaluation.run(vertx, config, options(SET, 40, 0, 1), out);
    assertThat(rest.stopped()).isNull();
    assertThat(rest.judging().cached()).isEqualTo((int) sentCapped);
    assertThat(simRequests()).isEqualTo(8);
    assertThat(count(rest, Judgement.Status.NOT_JUDGED)).isZero();
  }

  @Test
  @DisplayName("bad input lines are reported with their line numbers and the other reviews are judged")
  void badLinesAreReportedAndSkipped() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(SET).subList(0, 6));
    lines.set(2, "{\"id\": \"broken\", \"text\": ");
    lines.set(4, "{\"id\": \"x5\", \"text\": \"fine text\", \"rating\": 9, \"labels\": {\"is_spam\": false}}");
    Path input = tmp.resolve("bad.jsonl");
    Files.write(input, lines);

    Evaluation.Report r = Evaluation.run(vertx, config, options(input, 0, 0, 2), out);
    assertThat(r.inputErrors()).hasSize(2);
    assertThat(r.inputErrors().get(0)).startsWith(input + ":3: not a JSON object");
    assertThat(r.inputErrors().get(1)).startsWith(input + ":5: \"rating\" must be an integer from 1 to 5");
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("eval: skipped input line: " + input + ":3:");
    assertThat(r.judging().byTier().get("fast")).hasSize(4);
    assertThat(r.tierPoints().get("fast").quality().judged()).isEqualTo(4);
  }

  @Test
  @DisplayName("the reports are written: JSON with every tier and the sweep, HTML with the curve, no external resource")
  void reportsAreWritten() throws Exception {
    Evaluation.Report r = Evaluation.run(vertx, config, options(SET, 30, 0, 4), out);
    List<Path> files = Evaluation.write(r, tmp.resolve("out"));
    JsonObject json = new JsonObject(Files.readString(files.get(0)));
    assertThat(json.getJsonObject("tiers").fieldNames()).containsExactly("fast", "balanced");
    assertThat(json.getInteger("reviews_judged")).isEqualTo(30);
    assertThat(json.getJsonObject("sweep").getJsonArray("points")).isNotEmpty();
    assertThat(json.getJsonObject("cascade_as_configured").getString("yaml")).contains("first_tier: fast");
    String html = Files.readString(files.get(1));
    assertThat(html).contains("<svg", "class=\"confusion\"", "measure the plumbing, not any model")
        .doesNotContain("<script", "src=\"http", "href=\"http");
    assertThat(TextReport.render(json)).contains("fast", "balanced", "Cost-quality sweep");
  }

  @Test
  @DisplayName("suspected injections are judged apart, one a request as containment configures; --models adds a model as its own column")
  void suspectsApartAndExtraModels() throws Exception {
    List<String> all = Files.readAllLines(SET);
    List<String> lines = new ArrayList<>(all.subList(0, 8));
    all.stream().filter(l -> l.contains("\"injection\"")).limit(3).forEach(lines::add);
    Path input = tmp.resolve("mixed.jsonl");
    Files.write(input, lines);
    EvalOptions o = new EvalOptions(input, null, "review-moderator", List.of("fast"), List.of("claude-sonnet-4-6"), 10,
        2, 0, 0, tmp.resolve("cache"), tmp.resolve("out"), List.of(), "simulator");

    Evaluation.Report r = Evaluation.run(vertx, config, o, out);
    // per model: one request of the 8 ordinary reviews, one per suspect (containment.max_batch_size 1)
    assertThat(r.judging().requests()).isEqualTo(8);
    assertThat(simRequests()).isEqualTo(8);
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("11 reviews (3 suspected injections, judged apart)");
    assertThat(r.judging().byTier().keySet()).containsExactly("fast", "claude-sonnet-4-6");
    assertThat(r.judging().byTier().get("claude-sonnet-4-6").values()).allMatch(Judgement::ok);
  }

  @Test
  @DisplayName("a CSV in the Jigsaw layout is read through its column mapping")
  void csvMapping() throws Exception {
    Path csv = tmp.resolve("jigsaw.csv");
    Files.writeString(csv, "id,comment_text,toxic,severe_toxic,obscene,threat,insult,identity_hate\n"
        + "a1,\"You are an idiot, \"\"seller\"\"\",1,0,0,0,1,0\n"
        + "a2,\"Arrived late,\nbut works\",0,0,0,0,0,0\n"
        + "a3,broken row,0\n");
    LabelledInput.Parsed p = LabelledInput.read(csv, List.of("is_spam", "is_abusive", "is_fake"),
        CsvMapping.parse("id=id,text=comment_text,is_abusive=toxic|severe_toxic|threat|insult|identity_hate"));
    assertThat(p.reviews()).extracting(LabelledReview::id).containsExactly("a1", "a2");
    assertThat(p.reviews().get(0).text()).isEqualTo("You are an idiot, \"seller\"");
    assertThat(p.reviews().get(0).flags()).isEqualTo(Map.of("is_abusive", true));
    assertThat(p.reviews().get(1).flags()).isEqualTo(Map.of("is_abusive", false));
    assertThat(p.reviews().get(1).rating()).isEqualTo(3);
    // the multi-line record a2 spans lines 3-4, so the short row is line 5
    assertThat(p.errors()).containsExactly(csv + ":5: 3 columns where the header has 8");
  }
}
