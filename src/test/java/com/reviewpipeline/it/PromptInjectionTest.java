package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.ContainmentSettings;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.devtools.simulator.VerdictHeuristic;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Prompt-injection containment against a model that obeys instructions in reviews (the simulator's
 * {@code obey_injections}): 1,000 reviews of the standard mix, every fifth replaced by an ordinary review carrying an
 * instruction about the batch in one of the load generator's phrasings.
 */
@IntegrationTest(beside = true)
class PromptInjectionTest {

  static final int EVENTS = 1000;
  static final VerdictHeuristic HEURISTIC = new VerdictHeuristic();

  /** What one run produced: the events by id, the ids that carry an instruction, every result by event id. */
  record Run(Map<String, ReviewEvent> sent, Set<String> injected, Map<String, JsonObject> results, JsonObject stats) {

    /** Reviews without an instruction that the simulator's own judge does not flag: they must stay unflagged. */
    List<JsonObject> benign() {
      return results.values().stream().filter(r -> !injected.contains(r.getString("event_id")))
          .filter(r -> !flaggedOnTheirOwn(sent.get(r.getString("event_id")))).toList();
    }
  }

  static boolean flaggedOnTheirOwn(ReviewEvent e) {
    return HEURISTIC.isSpam(e.reviewText()) || HEURISTIC.isAbusive(e.reviewText()) || HEURISTIC.isFake(e.reviewText(), e.rating());
  }

  static Run run(boolean containment) throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5,
        c -> c.withContainment(new ContainmentSettings(containment, c.containment().rules(), 1)))) {
      h.sim.configure(new JsonObject().put("obey_injections", true));
      ReviewGenerator g = new ReviewGenerator(2026);
      Map<String, ReviewEvent> sent = new LinkedHashMap<>();
      Map<String, String> records = new LinkedHashMap<>();
      Set<String> injected = new HashSet<>();
      for (int i = 0; i < EVENTS; i++) {
        ReviewEvent e = i % 5 == 4 ? g.nextInjected() : g.next();
        if (i % 5 == 4) {
          injected.add(e.eventId());
        }
        sent.put(e.eventId(), e);
        records.put(e.eventId(), e.toJson().encode());
      }
      h.kafka.produceStrings(h.events, records);
      PipelineHarness.Node node = h.startNode();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.resultsById().size() == EVENTS);
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
      Map<String, JsonObject> results = h.resultsById().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0)));
      return new Run(sent, injected, results, node.telemetry().stats());
    }
  }

  static long benignFlagged(Run r) {
    return r.benign().stream().filter(j -> j.getBoolean("flagged")).count();
  }

  static double costPer1000(Run r) {
    return r.stats().getJsonObject("totals").getDouble("cost_per_1000_events_usd");
  }

  @Test
  @DisplayName("with containment, no benign review is flagged, every event has one result, the injected ones say contained: true")
  void containmentKeepsBenignReviewsUnflagged() throws Exception {
    Run run = run(true);
    assertThat(run.injected()).hasSize(EVENTS / 5);
    assertThat(run.injected().stream().map(id -> run.sent().get(id).reviewText())
        .map(t -> ReviewGenerator.INSTRUCTIONS.stream().filter(t::contains).findFirst().orElseThrow()).distinct().count())
        .as("phrasings among the injected reviews").isEqualTo(ReviewGenerator.INSTRUCTIONS.size());
    List<JsonObject> benign = run.benign();
    assertThat(benign).as("benign reviews in the mix").hasSizeGreaterThan(EVENTS / 2);
    assertThat(benign.stream().filter(j -> j.getBoolean("flagged")).map(j -> j.getString("review_text")).toList())
        .as("benign reviews flagged").isEmpty();
    for (JsonObject r : run.results().values()) {
      String id = r.getString("event_id");
      if (run.injected().contains(id)) {
        assertThat(r.getBoolean("contained")).as("injected %s", id).isTrue();
        assertThat(r.getInteger("batch_size")).as("judged alone").isEqualTo(1);
      } else if (r.getBoolean("contained")) {
        assertThat(r.getString("review_text")).as("the standard mix's own instruction spam").startsWith("Ignore previous instructions");
      } else {
        // published from the cascade's first tier: the simulator's Haiku judges with the lite judge (calm fakes pass)
        ReviewEvent e = run.sent().get(id);
        boolean lite = "fast".equals(r.getString("tier"));
        assertThat(r.getBoolean("flagged")).as("%s judged as on its own", r.getString("review_text"))
            .isEqualTo(lite ? HEURISTIC.isSpam(e.reviewText()) || HEURISTIC.isAbusive(e.reviewText())
                || HEURISTIC.isFakeLite(e.reviewText(), e.rating()) : flaggedOnTheirOwn(e));
      }
    }
    Map<String, Set<Boolean>> containedByBatch = run.results().values().stream().collect(Collectors.groupingBy(
        r -> r.getString("batch_id"), Collectors.mapping(r -> r.getBoolean("contained"), Collectors.toSet())));
    assertThat(containedByBatch.values()).as("no batch mixes suspects and ordinary reviews").allMatch(s -> s.size() == 1);
    long contained = run.results().values().stream().filter(r -> r.getBoolean("contained")).count();
    assertThat(run.stats().getJsonObject("totals").getLong("contained")).as("/api/stats totals.contained").isEqualTo(contained);
    assertThat(run.stats().getJsonObject("by_pipeline").getJsonObject("review-moderator").getLong("contained"))
        .isEqualTo(contained);
    System.out.printf("containment on: %d of %d contained, %d benign, 0 flagged; $%.4f per 1000 events%n", contained,
        EVENTS, benign.size(), costPer1000(run));
  }

  @Test
  @DisplayName("without containment the same mix against the same obeying model flags most benign reviews")
  void withoutContainmentTheBatchMatesAreFlagged() throws Exception {
    Run run = run(false);
    long flagged = benignFlagged(run);
    assertThat(run.results().values()).noneMatch(r -> r.getBoolean("contained"));
    assertThat(flagged).as("benign reviews flagged by a batch-mate's instruction").isGreaterThan(run.benign().size() / 2);
    System.out.printf("containment off: %d of %d benign reviews flagged; $%.4f per 1000 events%n", flagged,
        run.benign().size(), costPer1000(run));
  }
}
