package com.reviewpipeline.bench;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.buffer.BatchBufferVerticle;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.claude.ClaudeVerticle;
import com.reviewpipeline.claude.KeyPool;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.loadgen.ReviewGenerator;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.simulator.ClaudeSimulator;
import com.reviewpipeline.simulator.SimulatorSettings;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Cost per review of the Claude calls, on the load generator's standard mix, for three set-ups of
 * review-moderator: batch size 20 with the shipped per-event routing, batch size 20 all on the
 * balanced tier, and batch size 1 on the balanced tier (one call per review, the naive baseline).
 * Token counts come from the simulator (3.5 characters per token, the API's tool-use overhead),
 * prices from conf/. Run with {@code bench/claude-cost [events]}.
 */
public final class CostBenchmark {

  record Outcome(String name, int events, double inPerEvent, double outPerEvent, double usdPer1000,
      Map<String, Integer> byTier, long requests, double seconds) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    List<ReviewEvent> mix = new ArrayList<>();
    ReviewGenerator g = new ReviewGenerator(2026);
    for (int i = 0; i < n; i++) {
      mix.add(g.next());
    }
    List<Outcome> out = new ArrayList<>();
    out.add(run("batch 20, per-event routing", mix, p -> p));
    out.add(run("batch 20, balanced tier only", mix, p -> p.withRouting("balanced", List.of())));
    out.add(run("batch 1, balanced tier only", mix,
        p -> p.withRouting("balanced", List.of()).withBuffer(new BufferConfig(1, p.buffer().maxWaitMs(), p.buffer().maxTokens()))));
    System.out.printf("%nreview-moderator on %,d generated reviews (standard mix); simulated usage, list prices from conf/%n", n);
    System.out.printf("%-32s %14s %15s %12s %10s  %s%n", "set-up", "input tok/ev", "output tok/ev", "$ / 1000", "requests", "events by tier");
    for (Outcome o : out) {
      System.out.printf("%-32s %14.1f %15.1f %12.4f %10d  %s%n", o.name, o.inPerEvent, o.outPerEvent, o.usdPer1000,
          o.requests, o.byTier);
    }
    Outcome routed = out.get(0);
    Outcome single = out.get(2);
    System.out.printf("%nRESULT cost ratio batch-1/balanced : batch-20/routed = %.2f ; input tokens per event %.1f vs %.1f%n",
        single.usdPer1000 / routed.usdPer1000, single.inPerEvent, routed.inPerEvent);
    System.exit(0);
  }

  static Outcome run(String name, List<ReviewEvent> mix, java.util.function.UnaryOperator<PipelineConfig> shape) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PipelineApp.registerCodecs(vertx);
      ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0), 3.5, 313);
      vertx.deployVerticle(sim).toCompletionStage().toCompletableFuture().get();
      AppConfig base = TestConfig.load(vertx, new JsonObject());
      PipelineConfig p = shape.apply(base.pipelines().get(0));
      AppConfig config = base.withPipelines(List.of(p))
          .withAnthropic(base.anthropic().withEndpoint(sim.baseUrl(), List.of("bench-key")));
      List<EventResult> results = new CopyOnWriteArrayList<>();
      List<FailedEvents> failures = new CopyOnWriteArrayList<>();
      vertx.eventBus().<BatchResults>localConsumer(Addresses.RESULTS, m -> results.addAll(m.body().results()));
      vertx.eventBus().<FailedEvents>localConsumer(Addresses.FAILURES, m -> failures.add(m.body()));
      KeyPool keys = new KeyPool(config.anthropic().apiKeys(), config.anthropic().rateLimits(), System::currentTimeMillis);
      vertx.deployVerticle(() -> new ClaudeVerticle(config, keys), new io.vertx.core.DeploymentOptions().setInstances(2))
          .toCompletionStage().toCompletableFuture().get();
      vertx.deployVerticle(new BatchBufferVerticle(config)).toCompletionStage().toCompletableFuture().get();
      long t0 = System.currentTimeMillis();
      int i = 0;
      for (ReviewEvent e : mix) {
        vertx.eventBus().send(Addresses.events(p.name()), new PipelineEvent(p.name(), e, new SourceRef("bench", 0, i++, "none"), 0, t0));
      }
      vertx.eventBus().publish(Addresses.BUFFER_FLUSH, p.name());
      // keep asking partial buffers to flush until every event has an outcome
      org.awaitility.Awaitility.await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofMinutes(10)).until(() -> {
        vertx.eventBus().publish(Addresses.BUFFER_FLUSH, p.name());
        return results.size() + failures.stream().mapToInt(f -> f.events().size()).sum() >= mix.size();
      });
      double seconds = (System.currentTimeMillis() - t0) / 1000.0;
      double in = results.stream().mapToDouble(EventResult::inputTokens).sum();
      double outTok = results.stream().mapToDouble(EventResult::outputTokens).sum();
      double usd = results.stream().mapToDouble(EventResult::costUsd).sum();
      Map<String, Integer> byTier = new TreeMap<>();
      results.forEach(r -> byTier.merge(r.tier(), 1, Integer::sum));
      int k = results.size();
      long requests = sim.stats().getLong("requests");
      if (!failures.isEmpty()) {
        System.out.printf("%s: %d events failed%n", name, failures.stream().mapToInt(f -> f.events().size()).sum());
      }
      Telemetry.unbind(vertx);
      return new Outcome(name, k, in / k, outTok / k, usd / k * 1000, byTier, requests, seconds);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
