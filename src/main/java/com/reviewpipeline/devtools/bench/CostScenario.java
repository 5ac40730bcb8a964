package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.agreement.AgreementLedger;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Scenario 5, cost: review-moderator's buffer and Claude verticles (no Kafka) against the simulator, with its token
 * counts and the models' list prices, at the article's rate of 100,000 reviews a day (time-compressed) and all at
 * once. Set-ups: (a) the defaults; (b) the article's design (batch-average routing, its arrival-triggered buffer, no
 * caching, the documented verdict fields); (c) one call per review on the balanced tier (documented fields); (d) a
 * backlog through the Message Batches API. Targets: a/b ≤ 0.25 and a/c ≤ 0.10 at the article's rate, (a) ≤ $0.175 per
 * 1,000, published verdicts agreeing with the reference tier ≥ 0.97 per flag field, moderator p99 ≤ 15 s.
 *
 * <p>(a) gates escalation by measured agreement (docs/claude-stage.md "Agreement-gated escalation"): a first mix is
 * judged with an
 * empty ledger (the learning phase, reported on its own), and every later set-up of (a) and (d) starts from what it
 * learned, as a service that has run for a while does.
 */
final class CostScenario {

  /** The moderator with the documented verdict fields as its answer items (and the output budget they need). */
  static final List<String> VERBOSE = List.of("pipelines.0.tool_file=pipelines/moderator.verbose.tool.json",
      "pipelines.0.prompt_file=pipelines/moderator.verbose.prompt.txt", "pipelines.0.output_chars_per_item=140");
  /** The article's 100,000 reviews a day, per second. */
  static final double ARTICLE_RATE = 100_000 / 86_400.0;
  /** The stream runs this many times faster than real time, every buffer wait shortened by as much. */
  static final int SPEED_UP = 20;

  private final BenchStack bench;

  CostScenario(BenchStack bench) {
    this.bench = bench;
  }

  /**
   * A pipeline's buffer waits and latency objective shortened {@code speedUp} times: batches fill as at the real
   * rate, in less time.
   */
  static PipelineConfig compressed(PipelineConfig p, int speedUp) {
    return p.withBuffer(CostRun.compressed(p.buffer(), speedUp));
  }

  /**
   * The simulator's latency in a compressed stream: the API's 1.5 ± 0.5 s (the api-bound scenario's figure) shortened
   * as much as the waits, since the latency objective subtracts the measured latency from the wait.
   */
  static JsonObject compressedApi(int speedUp) {
    return new JsonObject().put("latency_ms", 1500 / speedUp).put("jitter_ms", 500 / speedUp);
  }

  static List<ReviewEvent> mix(int n, long seed) {
    List<ReviewEvent> mix = new ArrayList<>();
    ReviewGenerator g = new ReviewGenerator(seed);
    for (int i = 0; i < n; i++) {
      mix.add(g.next());
    }
    return mix;
  }

  /** @param n events in each mix */
  JsonObject run(int n) throws Exception {
    List<ReviewEvent> first = mix(n, 2025);
    List<ReviewEvent> mix = mix(n, 2026);
    // the article had no prompt caching: every tier's minimum set out of reach
    Vertx loader = Vertx.vertx();
    List<String> noCache;
    PipelineConfig shipped;
    try {
      noCache = bench.config(loader, bench.extraSets()).models().all().stream()
          .map(m -> "models." + m.id() + ".cache_min_tokens=1000000000").toList();
      shipped = bench.config(loader, bench.extraSets()).pipelines().get(0);
    } finally {
      loader.close().await();
    }
    AgreementLedger learned = new AgreementLedger(name -> shipped.cascade().agreement());
    CostRun fresh = new CostRun(bench);
    CostRun warm = new CostRun(bench, learned);
    double rate = ARTICLE_RATE * SPEED_UP;
    UnaryOperator<PipelineConfig> atRate = p -> compressed(p, SPEED_UP);
    String r = String.format(Locale.ROOT, " at 100,000/day (%.2f/s, %dx compressed, API 1.5 s)", ARTICLE_RATE,
        SPEED_UP);

    // (a) learning: the first mix with nothing learned yet, its comparisons kept for every later (a)
    CostRun.Outcome learning = warm.judged("(a, learning) defaults, empty agreement ledger" + r, first, atRate, false,
        List.of(), compressedApi(SPEED_UP), rate).outcome();
    CostRun.Outcome a = warm.judged("(a) defaults, agreement learned" + r, mix, atRate, false, List.of(),
        compressedApi(SPEED_UP), rate).outcome();
    // the article had no cascade, no shadow sampling and no compact verdicts: it asked for the documented fields
    UnaryOperator<PipelineConfig> article = p -> p.withCascade(CascadeConfig.OFF).withShadow(ShadowConfig.OFF);
    UnaryOperator<PipelineConfig> single = p -> p.withRouting("balanced", List.of()).withCascade(CascadeConfig.OFF)
        .withShadow(ShadowConfig.OFF).withBuffer(new BufferConfig(1, p.buffer().maxWaitMs(), p.buffer().maxTokens()));
    List<String> articleSets = new ArrayList<>(noCache);
    articleSets.addAll(VERBOSE);
    CostRun.Outcome b = fresh.judged("(b) article: its buffer, batch-average routing, no caching, documented fields" + r,
        mix, article, true, articleSets, new JsonObject(), ARTICLE_RATE).outcome();
    CostRun.Outcome c = fresh.judged("(c) one call per review, balanced tier, documented fields" + r, mix,
        p -> single.apply(compressed(p, SPEED_UP)), false, VERBOSE, compressedApi(SPEED_UP), rate).outcome();

    // the trade-off the cost targets run into: uncertain first verdicts (the simulator's whole neutral-rating share)
    // published as judged, not escalated; what it saves, and what it costs in sentiment agreement
    CostRun.Outcome certain = warm.judged("(a, no low-confidence escalation) confidence_below 0" + r, mix,
        p -> compressed(p, SPEED_UP).withCascade(new CascadeConfig(true, p.cascade().firstTier(),
            p.cascade().escalateTo(), p.cascade().whenFlagged(), 0, p.cascade().rules(), p.cascade().agreement())),
        false, List.of(), compressedApi(SPEED_UP), rate).outcome();

    // the same set-ups with the whole mix sent at once (a backlog), beside them, never instead of them
    CostRun.Outcome aAll = warm.outcome("(a, all at once) defaults, agreement learned", mix, p -> p, false, List.of());
    CostRun.Outcome bAll = fresh.outcome("(b, all at once) article, batches of 20", mix, article, true, articleSets);
    CostRun.Outcome cAll = fresh.outcome("(c, all at once) one call per review", mix, single, false, VERBOSE);
    // (c) as a naive integration would send it, without the cache marker (cost does not depend on timing then)
    List<String> noCacheVerbose = new ArrayList<>(noCache);
    noCacheVerbose.addAll(VERBOSE);
    CostRun.Outcome cNoCache = fresh.outcome("(c, no prompt caching) one call per review", mix, single, false,
        noCacheVerbose);
    // (d) a backlog through the Message Batches API: first judgements submitted as Message Batches (half price);
    // escalations and shadow samples stay direct calls
    CostRun.Outcome d = warm.judged("(d) backlog: defaults through the Message Batches API", mix, p -> p, false,
        List.of("message_batches.pipelines.review-moderator.mode=always", "message_batches.collect_ms=300",
            "message_batches.poll_interval_ms=100"), new JsonObject().put("batch_processing_ms", 300)).outcome();
    // what compact verdicts save: the defaults asking for the documented fields
    CostRun.Outcome verbose = warm.outcome("(a, verbose, all at once) defaults with the documented fields", mix,
        p -> p, false, VERBOSE);

    System.out.printf("%-84s %9s %9s %8s %7s %7s %9s %9s  %s%n", "set-up (review-moderator, standard mix)", "$/1000",
        "requests", "rev/req", "cache", "escal.", "p99 ms", "in tok/ev", "published agreement with the reference");
    for (CostRun.Outcome o : List.of(learning, a, b, c, certain, aAll, bAll, cAll, cNoCache, d, verbose)) {
      boolean streamed = o.name().contains("compressed");
      long p99 = streamed ? o.p99Ms() * SPEED_UP : o.p99Ms();
      System.out.printf("%-84s %9.4f %9d %8.2f %7.3f %7.3f %9d %9.1f  %s%n", o.name(), o.usdPer1000(), o.requests(),
          o.itemsPerRequest(), o.cacheReadShare(), o.escalationShare(), p99, o.inPerEvent(),
          o.referenceAgreement().encode());
    }
    double ab = a.usdPer1000() / b.usdPer1000();
    double ac = a.usdPer1000() / c.usdPer1000();
    long p99 = a.p99Ms() * SPEED_UP;
    double worst = a.referenceAgreement().stream().filter(e -> !"sentiment".equals(e.getKey()))
        .mapToDouble(e -> ((Number) e.getValue()).doubleValue()).min().orElse(0);
    System.out.printf(Locale.ROOT, "RESULT at the article's rate: (a) $%.4f per 1000 (target <= 0.175: %s), a/b %.3f "
            + "(target <= 0.25: %s), a/c %.3f (target <= 0.10: %s), published agreement >= %.4f per flag field "
            + "(target >= 0.97: %s), moderator p99 %d ms real time (buffering x%d; target <= 15000: %s)%n",
        a.usdPer1000(), met(a.usdPer1000() <= 0.175), ab, met(ab <= 0.25), ac, met(ac <= 0.10), worst,
        met(worst >= 0.97), p99, SPEED_UP, met(p99 <= 15_000));
    System.out.printf(Locale.ROOT, "RESULT learning phase (the first %d reviews, empty ledger): $%.4f per 1000, "
        + "escalation share %.3f; after it %.3f%n", n, learning.usdPer1000(), learning.escalationShare(),
        a.escalationShare());
    System.out.printf(Locale.ROOT, "RESULT without low-confidence escalation at the article's rate: $%.4f per 1000, "
            + "a/b %.3f, a/c %.3f, escalation share %.3f; published agreement %s (defaults: %s)%n", certain.usdPer1000(),
        certain.usdPer1000() / b.usdPer1000(), certain.usdPer1000() / c.usdPer1000(), certain.escalationShare(),
        certain.referenceAgreement().encode(), a.referenceAgreement().encode());
    System.out.printf(Locale.ROOT, "RESULT against (c) without prompt caching ($%.4f): a/c %.3f%n",
        cNoCache.usdPer1000(), a.usdPer1000() / cNoCache.usdPer1000());
    System.out.printf(Locale.ROOT, "RESULT all at once: (a) $%.4f, a/b %.3f, a/c %.3f; backlog (d) through Message "
            + "Batches $%.4f (d/a %.3f)%n", aAll.usdPer1000(), aAll.usdPer1000() / bAll.usdPer1000(),
        aAll.usdPer1000() / cAll.usdPer1000(), d.usdPer1000(), d.usdPer1000() / aAll.usdPer1000());
    System.out.printf(Locale.ROOT, "RESULT compact verdicts: %.1f answer tokens per review (documented fields: %.1f)%n",
        aAll.answerPerEvent(), verbose.answerPerEvent());
    System.out.printf("RESULT agreement learned: %s%n", learned.describe().encode());
    return new JsonObject().put("events", n).put("rate_per_second", BenchFigures.round(ARTICLE_RATE, 3))
        .put("speed_up", SPEED_UP).put("a_learning", learning.toJson()).put("a", a.toJson()).put("b", b.toJson())
        .put("c", c.toJson()).put("a_all_at_once", aAll.toJson()).put("b_all_at_once", bAll.toJson())
        .put("c_all_at_once", cAll.toJson()).put("c_no_prompt_caching", cNoCache.toJson())
        .put("a_no_low_confidence_escalation", certain.toJson()).put("d_message_batches", d.toJson())
        .put("a_verbose_verdicts", verbose.toJson())
        .put("ratio_a_b", BenchFigures.round(ab, 3)).put("ratio_a_c", BenchFigures.round(ac, 3))
        .put("moderator_p99_ms", p99).put("agreement_learned", learned.describe())
        .put("targets", new JsonObject().put("a_usd_per_1000", "<= 0.175").put("a_b", "<= 0.25").put("a_c", "<= 0.10")
            .put("published_agreement", ">= 0.97").put("p99_ms", "<= 15000"))
        .put("target_met", new JsonObject().put("a_usd_per_1000", a.usdPer1000() <= 0.175).put("a_b", ab <= 0.25)
            .put("a_c", ac <= 0.10).put("published_agreement", worst >= 0.97).put("p99_ms", p99 <= 15_000))
        .put("usage", "simulated: the simulator's own token rule (1.3x on the 5.5 models), tool-use and format overheads, "
            + "thinking billed as output, prompt cache writes and reads; list prices from conf/ models");
  }

  private static String met(boolean ok) {
    return ok ? "met" : "NOT met";
  }
}
