package com.reviewpipeline.eval;

import com.reviewpipeline.buffer.InjectionDetector;
import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.claude.api.MessagesClient;
import com.reviewpipeline.tokens.TokenCalibration;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.PipelineConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation: read the labelled set, judge it on every tier compared (or take the answers from the cache),
 * measure each tier, replay the configured cascade and the sweep offline, and write the reports. Runs on the caller's
 * thread (main or a test), never on an event loop.
 */
public final class Evaluation {

  /** Everything measured; {@link ReportJson} writes it down. */
  public record Report(EvalOptions options, String pipeline, int reviewsRead, List<String> inputErrors,
      Map<String, String> tierModels, Map<String, TierStats> stats, Map<String, CascadeSim.Point> tierPoints,
      Map<String, Map<String, double[]>> intervals, CascadeSim.Point configured, String configuredYaml,
      List<Agreement> agreement, Sweep.Result sweep, Judging.Result judging, String stopped) {}

  /** How often two tiers gave the same value of a field, over the reviews both answered. */
  public record Agreement(String a, String b, String field, long agree, long n) {
    public double share() {
      return n == 0 ? Double.NaN : (double) agree / n;
    }
  }

  private Evaluation() {}

  public static Report run(Vertx vertx, AppConfig config, EvalOptions o, PrintStream out)
      throws IOException, InterruptedException {
    PipelineConfig pipeline = config.pipeline(o.pipeline());
    List<Target> targets = o.targets().stream().map(t -> Target.parse(t, pipeline.flagFields())).toList();
    LabelledInput.Parsed parsed = LabelledInput.read(o.input(), pipeline.flagFields(), o.csv());
    parsed.errors().forEach(e -> out.println("eval: skipped input line: " + e));
    List<LabelledReview> reviews = o.limit() > 0 && o.limit() < parsed.reviews().size()
        ? parsed.reviews().subList(0, o.limit()) : parsed.reviews();
    if (reviews.isEmpty()) {
      throw new IllegalArgumentException("no labelled review could be read from " + o.input());
    }
    Map<String, String> tierModels = new LinkedHashMap<>();
    for (String tier : o.tiers().isEmpty() ? List.copyOf(config.tiers().keySet()) : o.tiers()) {
      tierModels.put(tier, config.modelFor(tier));
    }
    o.models().forEach(m -> tierModels.put(m, m));
    tierModels.values().forEach(m -> config.models().of(m));

    ClaudeRequests requests = new ClaudeRequests(config.models(), config.anthropic(),
        new TokenCalibration(config.anthropic().calibrationWindow()));
    MessagesClient client = new MessagesClient(vertx, config.anthropic());
    SpendCap cap = new SpendCap(o.maxUsd());
    Judging.Result judged;
    try {
      ApiSender sender = new ApiSender(client, config.anthropic());
      BatchJudge judge = new BatchJudge(pipeline, requests, config.models(), new AnswerCache(o.cacheDir()),
          o.endpoint(), sender::send, cap);
      int batch = o.batchSize() > 0 ? o.batchSize() : pipeline.buffer().maxSize();
      int concurrency = Math.min(Math.max(1, o.concurrency()), sender.maxConcurrency());
      Judging.Containment containment = containment(config);
      long suspects = reviews.stream().filter(containment.suspect()).count();
      out.println("eval: " + reviews.size() + " reviews (" + suspects + " suspected injections, judged apart), pipeline "
          + pipeline.name() + ", tiers " + tierModels + ", batch size " + batch + ", concurrency " + concurrency
          + ", answers from " + o.endpoint());
      judged = Judging.run(judge, tierModels, reviews, batch, containment, concurrency, out);
    } finally {
      client.close();
    }
    if (cap.stopped() != null) {
      out.println("eval: STOPPED EARLY: " + cap.stopped());
    }
    return measure(config, pipeline, o, parsed, reviews, tierModels, judged, targets, cap.stopped());
  }

  /** The service's containment: suspects by its injection rules, in batches of their own (docs/claude-stage.md). */
  static Judging.Containment containment(AppConfig config) {
    if (!config.containment().enabled()) {
      return Judging.Containment.NONE;
    }
    InjectionDetector detector = new InjectionDetector(config.containment().rules());
    return new Judging.Containment(r -> detector.rule(r.text()).isPresent(), config.containment().maxBatchSize());
  }

  static Report measure(AppConfig config, PipelineConfig pipeline, EvalOptions o, LabelledInput.Parsed parsed,
      List<LabelledReview> reviews, Map<String, String> tierModels, Judging.Result judged, List<Target> targets,
      String stopped) {
    String reference = pipeline.shadow().referenceTier().isEmpty() ? "deep" : pipeline.shadow().referenceTier();
    CascadeSim sim = new CascadeSim(pipeline, reviews, judged.byTier(), reference);
    Map<String, TierStats> stats = new LinkedHashMap<>();
    Map<String, CascadeSim.Point> tierPoints = new LinkedHashMap<>();
    Map<String, Map<String, double[]>> intervals = new LinkedHashMap<>();
    List<String> metrics = Quality.metricNames(pipeline.flagFields());
    for (String tier : tierModels.keySet()) {
      Map<String, Judgement> byReview = judged.byTier().get(tier);
      stats.put(tier, TierStats.of(byReview.values()));
      List<Quality.Pair> pairs = new ArrayList<>();
      double usd = 0;
      for (LabelledReview r : reviews) {
        Judgement j = byReview.get(r.id());
        usd += j.usd();
        if (j.ok()) {
          pairs.add(new Quality.Pair(r, j.verdict()));
        }
      }
      CascadeSim.Point p = new CascadeSim.Point(CascadeSetting.single(tier),
          Quality.of(pairs, pipeline.flagFields()), pairs, usd, reviews.size(), 0);
      tierPoints.put(tier, p);
      intervals.put(tier, Bootstrap.intervals(pairs, pipeline.flagFields(), metrics, Bootstrap.RESAMPLES,
          Bootstrap.SEED));
    }
    CascadeConfig c = pipeline.cascade();
    CascadeSetting asConfigured = new CascadeSetting(pipeline.defaultTier(), c.enabled(),
        c.enabled() ? c.firstTier() : pipeline.defaultTier(), c.escalateTo(), c.whenFlagged(), c.confidenceBelow(),
        c.agreement().enabled(), c.agreement().target());
    CascadeSim.Point configured = sim.missingTier(asConfigured) == null ? sim.simulate(asConfigured) : null;
    if (configured != null) {
      intervals.put("cascade", Bootstrap.intervals(configured.pairs(), pipeline.flagFields(), metrics,
          Bootstrap.RESAMPLES, Bootstrap.SEED));
    }
    List<String> gridTiers = tierModels.keySet().stream().filter(config.tiers()::containsKey).toList();
    Sweep.Result sweep = Sweep.run(sim, Sweep.grid(gridTiers), targets);
    return new Report(o, pipeline.name(), parsed.reviews().size(), parsed.errors(), tierModels, stats, tierPoints,
        intervals, configured, configured == null ? null : asConfigured.yaml(pipeline.name()),
        agreement(reviews, judged, pipeline), sweep, judged, stopped);
  }

  static List<Agreement> agreement(List<LabelledReview> reviews, Judging.Result judged, PipelineConfig pipeline) {
    List<String> fields = new ArrayList<>(pipeline.flagFields());
    fields.add("sentiment");
    List<String> tiers = List.copyOf(judged.byTier().keySet());
    List<Agreement> out = new ArrayList<>();
    for (int i = 0; i < tiers.size(); i++) {
      for (int k = i + 1; k < tiers.size(); k++) {
        for (String f : fields) {
          long agree = 0;
          long n = 0;
          for (LabelledReview r : reviews) {
            Judgement a = judged.byTier().get(tiers.get(i)).get(r.id());
            Judgement b = judged.byTier().get(tiers.get(k)).get(r.id());
            if (a.ok() && b.ok()) {
              n++;
              agree += java.util.Objects.equals(a.verdict().getValue(f), b.verdict().getValue(f)) ? 1 : 0;
            }
          }
          out.add(new Agreement(tiers.get(i), tiers.get(k), f, agree, n));
        }
      }
    }
    return out;
  }

  /** Writes {@code eval-report.json} and {@code eval-report.html} under the output directory; returns their paths. */
  public static List<Path> write(Report report, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Path json = outDir.resolve("eval-report.json");
    Path html = outDir.resolve("eval-report.html");
    io.vertx.core.json.JsonObject doc = ReportJson.of(report);
    Files.writeString(json, doc.encodePrettily(), StandardCharsets.UTF_8);
    Files.writeString(html, HtmlReport.render(doc), StandardCharsets.UTF_8);
    return List.of(json, html);
  }
}
