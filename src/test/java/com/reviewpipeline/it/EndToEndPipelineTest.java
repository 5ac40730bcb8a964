package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.KafkaTestClient;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The whole pipeline against a real KRaft broker and the Claude API simulator. */
@IntegrationTest(beside = true)
class EndToEndPipelineTest {

  Vertx vertx;
  PipelineApp app;

  @AfterEach
  void tearDown() throws Exception {
    if (app != null) {
      app.stop().toCompletionStage().toCompletableFuture().get();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  @DisplayName("500 events across 12 partitions each get exactly one valid result and the group commits every end offset")
  void everyEventGetsOneResultAndOffsetsReachTheEnd() throws Exception {
    String bootstrap = TestStack.kafkaBootstrap();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String events = "e2e-events-" + run;
    String results = "e2e-results-" + run;
    String dlq = "e2e-dlq-" + run;
    vertx = Vertx.vertx();
    ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(5, 0));
    vertx.deployVerticle(sim).toCompletionStage().toCompletableFuture().get();
    AppConfig base = TestConfig.load(vertx, new JsonObject().put("kafka", new JsonObject()
        .put("bootstrap_servers", bootstrap)
        .put("events_topic", events)
        .put("results_topic", results)
        .put("dlq_topic", dlq)
        .put("agreement_topic", "e2e-agreement-" + run)
        .put("commit_interval_ms", 200)));
    AppConfig config = base
        .withAnthropic(base.anthropic().withEndpoint(sim.baseUrl(), List.of("test-key")))
        .withPipelines(base.pipelines().stream().map(p -> p.withGroupId(p.groupId() + "-" + run)).toList());
    String group = config.pipelines().get(0).groupId();
    app = PipelineApp.deploy(vertx, com.reviewpipeline.support.Telemetries.fresh(), config, false).toCompletionStage().toCompletableFuture().get();

    ReviewGenerator generator = new ReviewGenerator(7);
    Map<String, ReviewEvent> sent = new HashMap<>();
    Map<String, String> records = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      ReviewEvent e = generator.next();
      sent.put(e.eventId(), e);
      records.put(e.eventId(), e.toJson().encode());
    }
    try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
      kafka.produceStrings(events, records);
      Map<Integer, Long> end = kafka.endOffsets(events);
      assertThat(end).hasSize(12);
      assertThat(end.values()).as("events spread over every partition").allMatch(o -> o > 0);

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> kafka.readAll(results).stream().map(ConsumerRecord::key).distinct().count() == 500);
      Outcomes.assertOffsetsAtEnd(kafka, events, group);

      Outcomes.read(kafka, results, dlq, config.pipelines().stream().map(PipelineConfig::name).toList())
          .assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      Map<String, JsonObject> byId = kafka.readAll(results).stream().map(r -> new JsonObject(r.value()))
          .collect(Collectors.toMap(j -> j.getString("event_id"), Function.identity()));
      assertThat(byId.keySet()).isEqualTo(sent.keySet());
      assertThat(byId.values().stream().map(r -> r.getString("tier")).distinct().count())
          .as("the standard mix uses more than one tier").isGreaterThan(1);
      for (JsonObject r : byId.values()) {
        assertThat(r.getString("pipeline")).isEqualTo("review-moderator");
        assertThat(r.getValue("is_spam")).isInstanceOf(Boolean.class);
        assertThat(r.getValue("is_abusive")).isInstanceOf(Boolean.class);
        assertThat(r.getValue("is_fake")).isInstanceOf(Boolean.class);
        assertThat(r.getString("sentiment")).isIn(Set.of("positive", "neutral", "negative"));
        assertThat(r.getDouble("confidence")).isBetween(0.0, 1.0);
        assertThat(r.containsKey("reason")).isTrue();
        ReviewEvent routed = sent.get(r.getString("event_id"));
        PipelineConfig moderator = config.pipelines().get(0);
        // judged on its routed tier, or, when the cascade escalated its first verdict there, on the escalation tier; a
        // cached answer carries the model and tier of the judgement it copies (docs/claude-stage.md "Verdict cache")
        String tier = r.getBoolean("cached") ? byId.get(r.getString("cached_from")).getString("tier")
            : r.containsKey("escalated_from") ? moderator.cascade().escalateTo() : moderator.tierFor(routed);
        if (r.containsKey("escalated_from")) {
          assertThat(r.getJsonArray("escalated_from").getJsonObject(0).getString("tier"))
              .isEqualTo(moderator.tierFor(routed)).isEqualTo(moderator.cascade().firstTier());
        }
        assertThat(r.getString("tier")).as("routed per event").isEqualTo(tier);
        assertThat(r.getString("model")).isEqualTo(config.modelFor(tier));
        assertThat(r.getString("processed_at")).isNotBlank();
        if (r.getBoolean("cached")) {
          // an exact copy of a text judged earlier in the run: the verdict cache answered, at no cost
          assertThat(r.getDouble("cost_usd")).isZero();
          assertThat(sent.get(r.getString("cached_from")).reviewText()).isEqualTo(routed.reviewText());
        } else {
          assertThat(r.getDouble("cost_usd")).isPositive();
        }
        ReviewEvent in = sent.get(r.getString("event_id"));
        assertThat(r.getString("review_text")).isEqualTo(in.reviewText());
        assertThat(r.getBoolean("is_spam")).isEqualTo(in.reviewText().contains("http") || in.reviewText().contains("www."));
      }
    }
  }
}
