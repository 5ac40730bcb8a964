package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.ContainmentSettings;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.RateLimits;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A flood of suspected prompt injections (each judged alone, one request for one review) against a key limited to
 * 120 requests a minute, beside a steady stream of ordinary reviews (docs/claude-stage.md "Fair shares"): the ordinary
 * reviews keep their latency within twice what it is without the flood, every outcome arrives, and the model that obeys
 * instructions in reviews flags no benign review. Without the suspects' share (the cap never applied) the same run
 * gave an ordinary p99 of 21.7 s against 8.4 s without the flood, and this test failed.
 */
@IntegrationTest
class FairShareTest {

  static final int RPM = 120;
  static final int SECONDS = 40;
  static final int ORDINARY_PER_SECOND = 10;

  /** One run: the ordinary reviews' latencies (send → result written), and the benign reviews flagged. */
  record Run(List<Long> ordinaryLatencies, long benignFlagged, int outcomes, int sent) {
    long p99() {
      List<Long> sorted = ordinaryLatencies.stream().sorted().toList();
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
    }
  }

  /** The moderator judging each review once (no cascade, no shadows: the contest is for first judgements). */
  static AppConfig config(AppConfig c) {
    PipelineConfig p = c.pipelines().get(0);
    return TestConfig.withoutVerdictCache(c)
        .withContainment(new ContainmentSettings(true, c.containment().rules(), 1))
        .withAnthropic(c.anthropic().withRateLimits(new RateLimits(RPM, 10_000_000, 10_000_000, 64)))
        .withPipelines(List.of(p.withCascade(CascadeConfig.OFF).withShadow(ShadowConfig.OFF)));
  }

  static Run run(boolean flood) throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 100, FairShareTest::config)) {
      h.sim.configure(new JsonObject().put("obey_injections", true).put("requests_per_minute", RPM));
      PipelineHarness.Node node = h.startNode();
      ReviewGenerator g = new ReviewGenerator(2027);
      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      Set<String> ordinary = new HashSet<>();
      Map<String, ReviewEvent> all = new LinkedHashMap<>();
      long t0 = System.currentTimeMillis();
      for (int s = 0; s < SECONDS; s++) {
        Map<String, String> second = new LinkedHashMap<>();
        for (int i = 0; i < ORDINARY_PER_SECOND; i++) {
          ReviewEvent e = g.next();
          ordinary.add(e.eventId());
          second.put(e.eventId(), e.toJson().encode());
          all.put(e.eventId(), e);
          if (flood && i % 2 == 0) {
            // a third of the reviews: five crafted ones a second beside the ten ordinary
            ReviewEvent x = g.nextInjected();
            second.put(x.eventId(), x.toJson().encode());
            all.put(x.eventId(), x);
          }
        }
        long now = System.currentTimeMillis();
        second.keySet().forEach(id -> sentAt.put(id, now));
        h.kafka.produceStrings(h.events, second);
        // paced like traffic: the next second's reviews are produced when it starts
        long next = t0 + (s + 1) * 1000L;
        java.util.concurrent.TimeUnit.MILLISECONDS.sleep(Math.max(0, next - System.currentTimeMillis()));
      }
      await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().size() == all.size());
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(all.keySet(), Outcomes.Kind.RESULT);
      List<Long> latencies = new ArrayList<>();
      long benignFlagged = 0;
      for (ConsumerRecord<String, String> r : h.kafka.readAll(h.results)) {
        JsonObject v = new JsonObject(r.value());
        String id = v.getString("event_id");
        if (ordinary.contains(id)) {
          latencies.add(r.timestamp() - sentAt.get(id));
          if (v.getBoolean("flagged") && !PromptInjectionTest.flaggedOnTheirOwn(all.get(id))) {
            benignFlagged++;
          }
        }
      }
      node.telemetry().registry().find("claude_requests_by_class_total").counters().forEach(c -> System.out.printf(
          "fair share (%s): %s %s requests%n", flood ? "flood" : "baseline", c.getId().getTag("class"), (long) c.count()));
      return new Run(latencies, benignFlagged, h.resultsById().size(), all.size());
    }
  }

  @Test
  @DisplayName("a third of the reviews crafted as injections under 120 requests a minute: ordinary reviews' p99 within twice the run without them, every outcome delivered, no benign review flagged by the obeying model")
  void suspectsDoNotStarveOrdinaryReviews() throws Exception {
    Run baseline = run(false);
    Run flood = run(true);
    System.out.printf("fair share: ordinary p99 %d ms without the flood, %d ms with it (%d suspects among %d reviews)%n",
        baseline.p99(), flood.p99(), flood.sent() - flood.ordinaryLatencies().size(), flood.sent());
    assertThat(flood.outcomes()).isEqualTo(flood.sent());
    assertThat(flood.benignFlagged()).as("contamination with the obeying model").isZero();
    assertThat(flood.p99()).as("ordinary p99 with the flood against %d ms without", baseline.p99())
        .isLessThanOrEqualTo(2 * baseline.p99());
  }
}
