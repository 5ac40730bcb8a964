package com.reviewpipeline.cli;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import com.reviewpipeline.eval.CsvMapping;
import com.reviewpipeline.eval.EvalOptions;
import com.reviewpipeline.eval.Evaluation;
import com.reviewpipeline.eval.ReportJson;
import com.reviewpipeline.eval.TextReport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Verdict quality on a labelled review set: the tiers, the cascade as configured, and the cost-quality sweep. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Judge a labelled review set (JSON Lines, or CSV with --csv-map) on each tier through the service's "
        + "request builder, validation and cost accounting (no Kafka, no database): precision, recall and F1 per flag, "
        + "sentiment accuracy, cost, latency; the cascade replayed offline over a sweep of its settings. On the real "
        + "API when ANTHROPIC_API_KEY is set, else on the built-in simulator. Answers are cached on disk: a re-run "
        + "with the same settings costs nothing. Exit 3 when --max-usd stopped the run early.")
public final class EvalCommand implements Callable<Integer> {

  @Option(names = "--input", required = true, description = "labelled reviews: .jsonl (eval/DATASHEET.md) or .csv")
  Path input;

  @Option(names = "--csv-map", paramLabel = "FIELD=COLUMN,...",
      description = "CSV columns, e.g. text=comment_text,is_abusive=toxic|insult|threat (eval/DATASHEET.md)")
  String csvMap;

  @Option(names = "--pipeline", defaultValue = "review-moderator", description = "pipeline (default: ${DEFAULT-VALUE})")
  String pipeline;

  @Option(names = "--tiers", split = ",", description = "tiers to judge on (default: every configured tier)")
  List<String> tiers = new ArrayList<>();

  @Option(names = "--models", split = ",", description = "further model ids to compare (each needs a profile in models:)")
  List<String> models = new ArrayList<>();

  @Option(names = "--batch-size", defaultValue = "0", description = "reviews per request (default: the pipeline's buffer.max_size)")
  int batchSize;

  @Option(names = "--concurrency", defaultValue = "4",
      description = "requests in flight, capped by anthropic.rate_limits.max_concurrent (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--max-usd", defaultValue = "0", description = "stop before spending more than this (default: no cap)")
  double maxUsd;

  @Option(names = "--limit", defaultValue = "0", description = "the first N reviews only (default: all)")
  int limit;

  @Option(names = "--target", paramLabel = "METRIC=VALUE",
      description = "a quality the cheapest setting must reach, e.g. recall.is_abusive=0.95 (repeatable)")
  List<String> targets = new ArrayList<>();

  @Option(names = "--cache-dir", defaultValue = "target/eval-cache", description = "answers on disk (default: ${DEFAULT-VALUE})")
  Path cacheDir;

  @Option(names = "--out", defaultValue = "target/eval", description = "eval-report.json and .html (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--config", defaultValue = ConfigLoader.DEFAULT_PATH, description = "configuration (default: ${DEFAULT-VALUE})")
  String configPath;

  @Option(names = "--simulator", description = "use the built-in simulator even when an API key is set")
  boolean simulator;

  @picocli.CommandLine.Mixin
  ConfigSets configSets;

  @Override
  public Integer call() throws Exception {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Level level = root.getLevel();
    root.setLevel(ch.qos.logback.classic.Level.WARN);
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig config = Launcher.load(vertx, configPath, System.getenv(), new JsonObject(), configSets.sets);
      String endpoint;
      if (simulator || config.anthropic().apiKeys().isEmpty()) {
        config = Launcher.withSimulator(vertx, config);
        endpoint = "simulator";
      } else {
        endpoint = config.anthropic().baseUrl();
      }
      EvalOptions options = new EvalOptions(input, csvMap == null ? null : CsvMapping.parse(csvMap), pipeline, tiers,
          models, batchSize, concurrency, maxUsd, limit, cacheDir, out, targets, endpoint);
      Evaluation.Report report = Evaluation.run(vertx, config, options, System.out);
      JsonObject doc = ReportJson.of(report);
      System.out.print(TextReport.render(doc));
      List<Path> files = Evaluation.write(report, out);
      System.out.println("Reports: " + files.get(0) + " and " + files.get(1));
      return report.stopped() == null ? 0 : 3;
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("eval: " + e.getMessage());
      return 2;
    } finally {
      vertx.close().await();
      root.setLevel(level);
    }
  }
}
