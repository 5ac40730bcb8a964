package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shipped moderator (cascade Haiku → Sonnet, shadows on Opus: every model class in use) against a key the
 * simulator limits to 60 requests a minute per model class, with the shipped starting limits (4,000 a minute: the
 * operator did not lower them to the tier's), at 40 reviews a second for 45 s: Haiku's budget binds (its requests
 * wait for it), the others run below theirs. The limiter adopts each model's budget from the
 * {@code anthropic-ratelimit-*} headers of its answers, so few requests are refused; no request goes out again before
 * the {@code retry-after} the API gave for it; every outcome arrives. At 60 s the same run gave 342 requests (174 on
 * Haiku, 60 + 118 allowed), none answered 429.
 */
@IntegrationTest
class TightRateLimitTest {

  static final int RPM = 60;
  static final int SECONDS = 45;
  static final int PER_SECOND = 40;

  @Test
  @DisplayName("60 requests a minute per model class, every model class in use: under 5% of requests answered 429, none sent again before its retry-after, every outcome delivered")
  void fewRefusalsAndNoEarlyRetries() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 1500, TestConfig::withoutVerdictCache)) {
      h.sim.configure(new JsonObject().put("requests_per_minute", RPM).put("jitter_ms", 500));
      h.startNode();
      ReviewGenerator g = new ReviewGenerator(2028);
      Map<String, ReviewEvent> all = new LinkedHashMap<>();
      long t0 = System.currentTimeMillis();
      for (int s = 0; s < SECONDS; s++) {
        Map<String, String> second = new LinkedHashMap<>();
        for (int i = 0; i < PER_SECOND; i++) {
          ReviewEvent e = g.next();
          second.put(e.eventId(), e.toJson().encode());
          all.put(e.eventId(), e);
        }
        h.kafka.produceStrings(h.events, second);
        // paced like traffic: the next second's reviews are produced when it starts
        TimeUnit.MILLISECONDS.sleep(Math.max(0, t0 + (s + 1) * 1000L - System.currentTimeMillis()));
      }
      await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().size() == all.size());
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(all.keySet(), Outcomes.Kind.RESULT);
      JsonObject stats = h.sim.stats();
      long requests = stats.getLong("requests");
      long refused = stats.getJsonObject("by_status").getLong("429", 0L);
      JsonObject byModel = stats.getJsonObject("by_model");
      System.out.printf("tight rate limit: %d requests, %d answered 429 (%.1f%%), by model %s; answered by model %s;"
          + " sent before their retry-after %d; %d events in %d s%n", requests, refused, 100.0 * refused / requests,
          stats.getJsonObject("rate_limited_by_model"), byModel.fieldNames().stream()
              .collect(java.util.stream.Collectors.toMap(m -> m, m -> byModel.getJsonObject(m).getLong("requests"))),
          stats.getLong("requests_before_retry_after"), all.size(), (System.currentTimeMillis() - t0) / 1000);
      assertThat(byModel.fieldNames()).as("every model class in use").hasSize(3);
      assertThat(stats.getLong("requests_before_retry_after")).as("requests sent before their retry-after").isZero();
      assertThat((double) refused / requests).as("share of requests answered 429").isLessThan(0.05);
    }
  }
}
