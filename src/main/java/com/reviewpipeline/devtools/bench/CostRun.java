package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.agreement.AgreementGate;
import com.reviewpipeline.agreement.AgreementLedger;
import com.reviewpipeline.agreement.AgreementRecord;
import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.buffer.BatchBufferVerticle;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.claude.ClaudeShared;
import com.reviewpipeline.claude.ClaudeVerticle;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.devtools.simulator.VerdictHeuristic;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.telemetry.Telemetry;
import com.reviewpipeline.tokens.TokenCalibration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * One set-up of a cost measurement (the cost and containment scenarios): a mix of reviews through review-moderator's
 * buffer and the Claude verticles (no Kafka) against an in-process simulator, with the simulator's token counts and
 * the models' list prices.
 */
final class CostRun {

  private final BenchStack bench;
  /** The agreement gate's learned state carried from one set-up to the next (null: each starts with none). */
  private final AgreementLedger learned;

  CostRun(BenchStack bench) {
    this(bench, null);
  }

  /** @param learned the ledger every set-up of this run folds its comparisons into and gates by */
  CostRun(BenchStack bench, AgreementLedger learned) {
    this.bench = bench;
    this.learned = learned;
  }

  /** One set-up's outcome, per event: tokens, thinking tokens, dollars per 1000, the split over tiers. */
  /**
   * @param usdPer1000 every call's cost (first verdicts a cascade escalated, shadow samples) over the published verdicts
   * @param cascade the pipeline's {@code cascade} section of the stats (escalations, shadow agreement); empty when off
   * @param shadowUsdPer1000 the part of {@code usdPer1000} spent on the shadow reference tier (every call there when
   *     no published verdict comes from that tier, as in the moderator's cascade; 0 without shadow sampling)
   */
  record Outcome(String name, int events, double inPerEvent, double outPerEvent, double thinkingPerEvent,
      double usdPer1000, Map<String, Integer> byTier, long requests, JsonObject cascade, double shadowUsdPer1000,
      JsonObject usdPer1000ByTier, JsonObject simulatorByModel, double itemsPerRequest, double cacheReadShare,
      long p99Ms, JsonObject referenceAgreement) {

    /** The share of first verdicts the cascade escalated (0 without a cascade). */
    double escalationShare() {
      return cascade.getValue("escalation_share") instanceof Number n ? n.doubleValue() : 0;
    }

    /** Output tokens of the answers' JSON (or tool input) per event: output less thinking. */
    double answerPerEvent() {
      return outPerEvent - thinkingPerEvent;
    }

    JsonObject toJson() {
      return new JsonObject().put("set_up", name).put("events", events)
          .put("input_tokens_per_event", BenchFigures.round(inPerEvent, 1))
          .put("output_tokens_per_event", BenchFigures.round(outPerEvent, 1))
          .put("thinking_tokens_per_event", BenchFigures.round(thinkingPerEvent, 2))
          .put("answer_tokens_per_event", BenchFigures.round(answerPerEvent(), 1))
          .put("usd_per_1000", BenchFigures.round(usdPer1000, 4))
          .put("events_by_tier", new JsonObject(new TreeMap<>(byTier))).put("requests", requests)
          .put("cascade", cascade).put("shadow_usd_per_1000", BenchFigures.round(shadowUsdPer1000, 4))
          .put("usd_per_1000_by_tier", usdPer1000ByTier).put("simulator_by_model", simulatorByModel)
          .put("reviews_per_request", BenchFigures.round(itemsPerRequest, 2))
          .put("cache_read_share", BenchFigures.round(cacheReadShare, 4))
          .put("escalation_share", BenchFigures.round(escalationShare(), 4)).put("p99_ms_measured", p99Ms)
          .put("published_agreement_with_reference", referenceAgreement);
    }
  }

  /** An outcome with the verdicts behind it. */
  record Judged(Outcome outcome, List<EventResult> results, PipelineConfig pipeline) {}

  /**
   * {@code b} with every wait divided by {@code factor} (at least 1 ms; an objective that rounds to 0 is off): a stream
   * sent {@code factor} times faster fills its batches as at the real rate. Under a latency objective the API's
   * latency must be compressed alike (the simulator's {@code latency_ms}), or the derived wait is too long.
   */
  static com.reviewpipeline.config.BufferConfig compressed(com.reviewpipeline.config.BufferConfig b, int factor) {
    return new com.reviewpipeline.config.BufferConfig(b.maxSize(), Math.max(1, b.maxWaitMs() / factor), b.maxTokens(),
        b.latencyObjectiveMs() / factor, Math.max(1, b.escalationWaitMs() / factor));
  }

  private static double shadowUsd(Telemetry telemetry, PipelineConfig p) {
    if (p.shadow().sampleShare() == 0) {
      return 0;
    }
    return telemetry.registry().find("claude_cost_usd_total").tag("tier", p.shadow().referenceTier()).counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  private static int outcomes(List<EventResult> results, List<FailedEvents> failures) {
    return results.size() + failures.stream().mapToInt(f -> f.events().size()).sum();
  }

  private static boolean shadowsPending(Telemetry telemetry, String pipeline) {
    long[] c = telemetry.shadowCounts(pipeline);
    return c[1] + c[2] < c[0];
  }

  /**
   * Per flag field and for sentiment, the share of published verdicts that say what the reference tier would: the
   * simulator's full judge, which its reference model (Opus) judges with, asked directly (no call, no cost).
   */
  static JsonObject referenceAgreement(List<EventResult> results, PipelineConfig p) {
    VerdictHeuristic reference = new VerdictHeuristic();
    JsonObject out = new JsonObject();
    List<String> fields = new ArrayList<>(p.flagFields());
    fields.add("sentiment"); // not a flag: what low-confidence escalation buys
    for (String field : fields) {
      long same = results.stream().filter(r -> {
        ReviewEvent e = r.event().event();
        Object want = switch (field) {
          case "is_spam" -> reference.isSpam(e.reviewText());
          case "is_abusive" -> reference.isAbusive(e.reviewText());
          case "is_fake" -> reference.isFake(e.reviewText(), e.rating());
          case "sentiment" -> reference.sentiment(e.reviewText(), e.rating());
          default -> throw new IllegalArgumentException("no reference judgement for " + field);
        };
        return want.equals(r.verdict().getValue(field));
      }).count();
      out.put(field, results.isEmpty() ? null : BenchFigures.round((double) same / results.size(), 4));
    }
    return out;
  }

  /** {@link #judged} with the simulator's default knobs, for the figures alone. */
  Outcome outcome(String name, List<ReviewEvent> mix, UnaryOperator<PipelineConfig> shape, boolean articleBatches,
      List<String> sets) throws Exception {
    return judged(name, mix, shape, articleBatches, sets, new JsonObject()).outcome();
  }

  /**
   * One set-up: {@code shape} applied to the moderator pipeline, {@code sets} over the configuration, {@code knobs}
   * on the simulator; the mix through the pipeline's buffer, or cut into the article's batches when
   * {@code articleBatches}.
   */
  Judged judged(String name, List<ReviewEvent> mix, UnaryOperator<PipelineConfig> shape, boolean articleBatches,
      List<String> sets, JsonObject knobs) throws Exception {
    return judged(name, mix, shape, articleBatches, sets, knobs, 0);
  }

  /**
   * @param ratePerSecond events sent per second through the buffer (0: all at once); with the buffer's wait time
   *     scaled by the same factor as the rate, a stream is compressed in time without changing how batches fill
   */
  Judged judged(String name, List<ReviewEvent> mix, UnaryOperator<PipelineConfig> shape, boolean articleBatches,
      List<String> sets, JsonObject knobs, double ratePerSecond) throws Exception {
    Vertx vertx = Vertx.vertx();
    Vertx simVertx = Vertx.vertx();
    try {
      Telemetry telemetry = new Telemetry(new SimpleMeterRegistry());
      PipelineApp.registerCodecs(vertx);
      List<String> costSets = new ArrayList<>(List.of("pipelines.1.enabled=false"));
      costSets.addAll(bench.extraSets());
      costSets.addAll(sets);
      AppConfig base = bench.config(vertx, costSets);
      ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0).merge(knobs));
      simVertx.deployVerticle(sim).await();
      PipelineConfig p = shape.apply(base.pipelines().get(0));
      AppConfig config = base.withPipelines(List.of(p))
          .withAnthropic(base.anthropic().withEndpoint(sim.baseUrl(), List.of("sk-bench-key")));
      List<EventResult> results = new CopyOnWriteArrayList<>();
      List<FailedEvents> failures = new CopyOnWriteArrayList<>();
      Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
      List<Long> latencies = new CopyOnWriteArrayList<>();
      vertx.eventBus().<BatchResults>localConsumer(Addresses.RESULTS, Handoff.<BatchResults>receiver(b -> {
        long now = System.currentTimeMillis();
        b.results().forEach(r -> {
          Long at = sentAt.get(r.event().id());
          if (at != null) {
            latencies.add(now - at);
          }
        });
        results.addAll(b.results());
      }));
      vertx.eventBus().<FailedEvents>localConsumer(Addresses.FAILURES, Handoff.<FailedEvents>receiver(failures::add));
      // the agreement gate as in service, its comparisons folded here directly (no agreement topic without a broker)
      AgreementLedger ledger = learned != null ? learned : new AgreementLedger(pipeline -> p.cascade().agreement());
      vertx.eventBus().<JsonObject>localConsumer(Addresses.AGREEMENT,
          m -> ledger.apply(AgreementRecord.fromJson(m.body())));
      ClaudeShared shared = ClaudeShared.create(config.anthropic(), vertx.eventBus(), System::currentTimeMillis,
          new AgreementGate(ledger, config::modelFor), "local");
      TokenCalibration calibration = shared.calibration();
      vertx.deployVerticle(() -> new ClaudeVerticle(config, telemetry, shared),
          new DeploymentOptions().setInstances(2)).await();
      if (!com.reviewpipeline.config.MessageBatchSettings.OFF.equals(config.messageBatches().mode(p.name()))) {
        // the backlog set-up: no broker here, so the submitted batches are kept in memory
        vertx.deployVerticle(new com.reviewpipeline.claude.batches.MessageBatchVerticle(config, telemetry, shared.ledger(), true))
            .await();
      }
      long t0 = System.currentTimeMillis();
      if (articleBatches) {
        mix.forEach(e -> sentAt.put(e.eventId(), System.currentTimeMillis()));
        ArticleRouting.sendBatches(vertx, config, p, calibration, mix, t0, ratePerSecond);
      } else {
        vertx.deployVerticle(new BatchBufferVerticle(config, telemetry, calibration, new com.reviewpipeline.buffer.Coalescer())).await();
        int i = 0;
        for (ReviewEvent e : mix) {
          if (ratePerSecond > 0) {
            long due = t0 + Math.round(i * 1000 / ratePerSecond);
            long wait = due - System.currentTimeMillis();
            if (wait > 0) {
              Thread.sleep(wait);
            }
          }
          sentAt.put(e.eventId(), System.currentTimeMillis());
          com.reviewpipeline.bus.ToBuffer.send(vertx, new PipelineEvent(p.name(), e, new SourceRef("bench", 0, i++, "none"), 0, t0));
        }
      }
      long deadline = System.currentTimeMillis() + 600_000;
      // until every event has its outcome and every shadow sample its comparison (or failure); partial buffers are
      // flushed only once nothing moved for a second, so escalations and shadows batch as they would in service
      int seen = -1;
      long movedAt = System.currentTimeMillis();
      while (outcomes(results, failures) < mix.size() || shadowsPending(telemetry, p.name())) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(name + ": not every event had an outcome after 10 minutes");
        }
        int now = outcomes(results, failures) + (int) telemetry.shadowCounts(p.name())[1];
        if (now != seen) {
          seen = now;
          movedAt = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - movedAt > 1000) {
          vertx.eventBus().publish(Addresses.BUFFER_FLUSH, p.name());
          movedAt = System.currentTimeMillis();
        }
        Thread.sleep(50);
      }
      if (!failures.isEmpty()) {
        System.out.printf("%s: %d events failed%n", name, failures.stream().mapToInt(f -> f.events().size()).sum());
      }
      Map<String, String> flushes = new TreeMap<>();
      telemetry.registry().find("review_batches_flushed_total").counters().forEach(c -> flushes.put(
          c.getId().getTag("tier") + "/" + c.getId().getTag("trigger"), String.valueOf((long) c.count())));
      System.out.printf("%s: batches by tier/trigger %s%n", name, flushes);
      int k = results.size();
      double in = results.stream().mapToDouble(EventResult::inputTokens).sum();
      double outTok = results.stream().mapToDouble(EventResult::outputTokens).sum();
      double usd = telemetry.registry().find("claude_cost_usd_total").counters().stream()
          .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
      Map<String, Integer> byTier = new TreeMap<>();
      results.forEach(r -> byTier.merge(r.tier(), 1, Integer::sum));
      long thinking = 0;
      for (String model : sim.stats().getJsonObject("by_model").fieldNames()) {
        thinking += sim.stats().getJsonObject("by_model").getJsonObject(model).getLong("thinking_tokens", 0L);
      }
      // every call's dollars by the tier that made it (first verdicts, escalations, shadows)
      Map<String, Double> tierUsd = new TreeMap<>();
      telemetry.registry().find("claude_cost_usd_total").counters()
          .forEach(c -> tierUsd.merge(c.getId().getTag("tier"), c.count(), Double::sum));
      JsonObject usdByTier = new JsonObject();
      tierUsd.forEach((tier, sum) -> usdByTier.put(tier, BenchFigures.round(sum / k * 1000, 4)));
      JsonObject stats = sim.stats();
      long requests = stats.getLong("requests") + stats.getJsonObject("message_batches").getLong("requests");
      long cacheRead = 0;
      long allInput = 0;
      for (String model : stats.getJsonObject("by_model").fieldNames()) {
        JsonObject m = stats.getJsonObject("by_model").getJsonObject(model);
        cacheRead += m.getLong("cache_read_input_tokens", 0L);
        allInput += m.getLong("input_tokens", 0L) + m.getLong("cache_creation_input_tokens", 0L)
            + m.getLong("cache_read_input_tokens", 0L);
      }
      List<Long> sorted = latencies.stream().sorted().toList();
      long p99 = sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
      return new Judged(new Outcome(name, k, in / k, outTok / k, (double) thinking / k, usd / k * 1000, byTier,
          requests, telemetry.cascadeStats().getJsonObject(p.name(), new JsonObject()),
          shadowUsd(telemetry, p) / k * 1000, usdByTier, stats.getJsonObject("by_model"),
          requests == 0 ? 0 : (double) stats.getLong("items") / requests, allInput == 0 ? 0 : (double) cacheRead / allInput,
          p99, referenceAgreement(results, p)), List.copyOf(results), p);
    } finally {
      vertx.close().await();
      simVertx.close().await();
    }
  }
}
