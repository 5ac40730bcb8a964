package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 5, cost: one mix of reviews through the buffer and the Claude verticles (no Kafka) under eleven set-ups,
 * with the simulator's token counts and the models' list prices. Targets: the defaults (a) at most a quarter of the
 * article's set-up (b) and a tenth of batch size 1 (c) per 1000 events, both asking for the documented verdict fields
 * as the article did (compact verdicts are one of (a)'s levers); with compact verdicts too they are run for reference. The defaults with the documented verdict
 * fields as the answer schema give the output tokens compact verdicts save ("answer/ev": the simulator's
 * {@code output_tokens} less its thinking tokens, i.e. the JSON it returned, per review). The defaults judge with the
 * moderator's cascade and shadow sampling, all their calls in the dollars; a sixth run shadows every verdict on the
 * reference tier to measure what the cascade costs in quality (the simulator's lite judge on Haiku).
 */
final class CostScenario {

  /** The moderator with the documented verdict fields as its answer items (and the output budget they need). */
  static final List<String> VERBOSE = List.of("pipelines.0.tool_file=pipelines/moderator.verbose.tool.json",
      "pipelines.0.prompt_file=pipelines/moderator.verbose.prompt.txt", "pipelines.0.output_chars_per_item=140");

  private final BenchStack bench;
  private final CostRun runs;

  CostScenario(BenchStack bench) {
    this.bench = bench;
    this.runs = new CostRun(bench);
  }

  private static String referenceTier(com.reviewpipeline.config.PipelineConfig p) {
    return p.shadow().referenceTier().isEmpty() ? "deep" : p.shadow().referenceTier();
  }

  private static List<String> shadowFields(com.reviewpipeline.config.PipelineConfig p) {
    return p.shadow().fields().isEmpty() ? p.flagFields() : p.shadow().fields();
  }

  /** Per pair of tiers: samples and each field's agreement, e.g. {@code fast_vs_deep n=1710 is_fake 0.975 ...}. */
  static String shadowLine(JsonObject cascade) {
    JsonObject pairs = cascade.getJsonObject("shadow", new JsonObject()).getJsonObject("pairs", new JsonObject());
    if (pairs.isEmpty()) {
      return "none";
    }
    StringBuilder out = new StringBuilder();
    pairs.forEach(e -> {
      JsonObject pair = (JsonObject) e.getValue();
      out.append(out.length() == 0 ? "" : "; ").append(e.getKey()).append(" n=").append(pair.getValue("samples"));
      pair.getJsonObject("fields", new JsonObject()).forEach(f ->
          out.append(' ').append(f.getKey()).append(' ').append(((JsonObject) f.getValue()).getValue("agreement")));
    });
    return out.toString();
  }

  /** @param n events in the mix */
  JsonObject run(int n) throws Exception {
    List<ReviewEvent> mix = new ArrayList<>();
    ReviewGenerator g = new ReviewGenerator(2026);
    for (int i = 0; i < n; i++) {
      mix.add(g.next());
    }
    CostRun.Outcome a = runs.outcome("(a) defaults: per-event routing, batches of 20, caching when eligible", mix, p -> p, false,
        List.of());
    // the same defaults with the documented verdict fields as the answer schema: what compact verdicts save
    CostRun.Outcome verbose = runs.outcome("(a, verbose) defaults with the documented fields as the answer schema", mix,
        p -> p, false, VERBOSE);
    // the article had no prompt caching: every tier's minimum set out of reach
    Vertx loader = Vertx.vertx();
    List<String> noCache;
    try {
      noCache = bench.config(loader, bench.extraSets()).models().all().stream()
          .map(m -> "models." + m.id() + ".cache_min_tokens=1000000000").toList();
    } finally {
      loader.close().await();
    }
    // the article had no cascade, no shadow sampling and no compact verdicts: it asked for the documented fields; (c)
    // is one call per review on balanced asking for them, nothing else. Compact verdicts are one of (a)'s levers, as
    // when the issue set its targets; (b) and (c) with them too are run for reference and their ratios printed.
    java.util.function.UnaryOperator<com.reviewpipeline.config.PipelineConfig> article =
        p -> p.withCascade(CascadeConfig.OFF).withShadow(ShadowConfig.OFF);
    java.util.function.UnaryOperator<com.reviewpipeline.config.PipelineConfig> single =
        p -> p.withRouting("balanced", List.of()).withCascade(CascadeConfig.OFF).withShadow(ShadowConfig.OFF)
            .withBuffer(new BufferConfig(1, p.buffer().maxWaitMs(), p.buffer().maxTokens()));
    List<String> articleSets = new ArrayList<>(noCache);
    articleSets.addAll(VERBOSE);
    CostRun.Outcome b = runs.outcome("(b) article: batch-average routing, batches of 20, no caching, documented fields",
        mix, article, true, articleSets);
    CostRun.Outcome c = runs.outcome("(c) batch size 1, balanced tier, documented fields", mix, single, false, VERBOSE);
    CostRun.Outcome bCompact = runs.outcome("(b, compact) the article's set-up with our compact verdicts", mix, article,
        true, noCache);
    CostRun.Outcome cCompact = runs.outcome("(c, compact) batch size 1, balanced tier, our compact verdicts", mix,
        single, false, List.of());
    // what the cascade costs in quality: every published verdict off the reference tier shadowed there
    CostRun.Outcome all = runs.outcome("(a, shadow all) defaults, every verdict also judged on the reference tier", mix,
        p -> p.withShadow(new ShadowConfig(1.0, referenceTier(p), shadowFields(p))), false, List.of());
    // (d) a backlog through the Message Batches API: the defaults, first judgements submitted as Message Batches (half
    // price); escalations and shadow samples stay direct calls
    CostRun.Outcome d = runs.judged("(d) backlog: defaults through the Message Batches API", mix, p -> p, false,
        List.of("message_batches.pipelines.review-moderator.mode=always", "message_batches.collect_ms=300",
            "message_batches.poll_interval_ms=100"), new JsonObject().put("batch_processing_ms", 300)).outcome();
    // (a) as a stream: the article's 100,000 reviews a day (1.16/s) instead of every event at once; compressed in time
    // 20x (23 events/s, every buffer wait and latency objective / 20) so batches fill as they would at the real rate.
    // The latency objective derives the wait from the API's measured latency: the simulator's is compressed too, from
    // an assumed 1.5 s +- 0.5 s a call (the API-bound scenario's), else the wait would be nearly the whole objective
    double day = 100_000 / 86_400.0;
    int speedUp = 20;
    CostRun.Outcome stream = runs.judged(String.format(java.util.Locale.ROOT,
            "(a, stream) defaults at 100,000 reviews/day (%.2f/s), %dx compressed", day, speedUp), mix,
        p -> p.withBuffer(CostRun.compressed(p.buffer(), speedUp)), false, List.of(),
        new JsonObject().put("latency_ms", 1500 / speedUp).put("jitter_ms", 500 / speedUp), day * speedUp).outcome();
    // for reference, not in the ratios: the same defaults pinned to last generation's models and prices
    CostRun.Outcome legacy = runs.outcome("(a, 4.x) defaults on Haiku 4.5 / Sonnet 4.6 / Opus 4.6", mix, p -> p, false,
        List.of("tiers.fast=claude-haiku-4-5", "tiers.balanced=claude-sonnet-4-6", "tiers.deep=claude-opus-4-6"));
    System.out.printf("%-72s %10s %11s %9s %10s %9s %9s  %s%n", "set-up (review-moderator, standard mix)", "in tok/ev",
        "out tok/ev", "think/ev", "answer/ev", "$/1000", "requests", "events by tier");
    // the trade-off: the same cascade escalating only uncertain verdicts, every verdict shadowed to measure it
    CostRun.Outcome uncertain = runs.outcome("(a, uncertain only, shadow all) cascade escalating low confidence only", mix,
        p -> p.withCascade(new CascadeConfig(p.cascade().enabled(), p.cascade().firstTier(), p.cascade().escalateTo(),
            false, p.cascade().confidenceBelow(), p.cascade().rules()))
            .withShadow(new ShadowConfig(1.0, referenceTier(p), shadowFields(p))), false, List.of());
    for (CostRun.Outcome o : List.of(a, stream, verbose, b, c, bCompact, cCompact, d, legacy, all, uncertain)) {
      System.out.printf("%-72s %10.1f %11.1f %9.2f %10.1f %9.4f %9d  %s%n", o.name(), o.inPerEvent(), o.outPerEvent(),
          o.thinkingPerEvent(), o.answerPerEvent(), o.usdPer1000(), o.requests(), o.byTier());
    }
    System.out.printf("RESULT compact verdicts: %.1f answer tokens per review (documented fields: %.1f, %.0f%% fewer), "
        + "$%.4f per 1000 (documented fields: $%.4f)%n", a.answerPerEvent(), verbose.answerPerEvent(),
        100 * (1 - a.answerPerEvent() / verbose.answerPerEvent()), a.usdPer1000(), verbose.usdPer1000());
    double ab = a.usdPer1000() / b.usdPer1000();
    double ac = a.usdPer1000() / c.usdPer1000();
    System.out.printf("RESULT cost a/b %.3f (target <= 0.25: %s), a/c %.3f (target <= 0.10: %s)%n", ab, ab <= 0.25 ? "met" : "NOT met",
        ac, ac <= 0.10 ? "met" : "NOT met");
    double abCompact = a.usdPer1000() / bCompact.usdPer1000();
    double acCompact = a.usdPer1000() / cCompact.usdPer1000();
    System.out.printf("RESULT against (b) and (c) with our compact verdicts too: a/b %.3f, a/c %.3f%n", abCompact,
        acCompact);
    System.out.printf("RESULT stream: the defaults at 100,000 reviews/day $%.4f per 1000 (all at once $%.4f): a/b %.3f, a/c %.3f%n",
        stream.usdPer1000(), a.usdPer1000(), stream.usdPer1000() / b.usdPer1000(), stream.usdPer1000() / c.usdPer1000());
    System.out.printf("RESULT backlog (d) through Message Batches: $%.4f per 1000, d/a %.3f, d/b %.3f, d/c %.3f%n",
        d.usdPer1000(), d.usdPer1000() / a.usdPer1000(), d.usdPer1000() / b.usdPer1000(), d.usdPer1000() / c.usdPer1000());
    System.out.printf("RESULT cascade (a): %s of %s first verdicts escalated (%s), by reason %s; shadow samples %s%n",
        a.cascade().getValue("escalated"), a.cascade().getValue("first_verdicts"), a.cascade().getValue("escalation_share"),
        a.cascade().getValue("escalated_by_reason"), shadowLine(a.cascade()));
    System.out.printf("RESULT shadow agreement of the cascade, every verdict: %s; $%.4f per 1000 without the shadows "
        + "(a: $%.4f, with its 2%% shadows $%.4f of it)%n", shadowLine(all.cascade()), all.usdPer1000() - all.shadowUsdPer1000(),
        a.usdPer1000(), a.shadowUsdPer1000());
    System.out.printf("RESULT escalating uncertain verdicts only: %s of %s escalated; agreement %s; $%.4f per 1000 without "
        + "the shadows: a/b %.3f, a/c %.3f%n", uncertain.cascade().getValue("escalated"),
        uncertain.cascade().getValue("first_verdicts"), shadowLine(uncertain.cascade()),
        uncertain.usdPer1000() - uncertain.shadowUsdPer1000(),
        (uncertain.usdPer1000() - uncertain.shadowUsdPer1000()) / b.usdPer1000(),
        (uncertain.usdPer1000() - uncertain.shadowUsdPer1000()) / c.usdPer1000());
    return new JsonObject().put("events", n).put("a", a.toJson()).put("b", b.toJson()).put("c", c.toJson()).put("b_compact", bCompact.toJson()).put("c_compact", cCompact.toJson()).put("d_message_batches", d.toJson()).put("a_stream_100k_per_day", stream.toJson())
        .put("a_legacy_models", legacy.toJson()).put("a_verbose_verdicts", verbose.toJson())
        .put("a_shadow_all", all.toJson()).put("a_uncertain_only_shadow_all", uncertain.toJson())
        .put("ratio_a_b", BenchFigures.round(ab, 3)).put("ratio_a_c", BenchFigures.round(ac, 3))
        .put("ratio_a_b_compact", BenchFigures.round(abCompact, 3)).put("ratio_a_c_compact", BenchFigures.round(acCompact, 3))
        .put("targets", new JsonObject().put("a_b", "<= 0.25").put("a_c", "<= 0.10"))
        .put("target_met", new JsonObject().put("a_b", ab <= 0.25).put("a_c", ac <= 0.10))
        .put("usage", "simulated: the simulator's own token rule (1.3x on the 5.5 models), tool-use and format overheads, "
            + "thinking billed as output; list prices from conf/ models");
  }
}
