package com.reviewpipeline.claude.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.model.Usage;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AnswerPlanTest {

  static List<PipelineEvent> events(int n) {
    List<PipelineEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PipelineEvent("p", new ReviewEvent("ev" + i, "p", "u", "text " + i, 3, "2026-01-01T00:00:00Z", "web"),
          new SourceRef("t", 0, i, "ack"), 0, 0));
    }
    return out;
  }

  /** A response answering the first {@code answered} positions. */
  static ParsedResponse parsed(int n, int answered, String stop, JsonObject details) {
    Map<String, JsonObject> verdicts = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (i <= answered) {
        verdicts.put(String.valueOf(i), new JsonObject().put("id", String.valueOf(i)).put("is_spam", false));
      } else {
        missing.add(String.valueOf(i));
      }
    }
    return new ParsedResponse(verdicts, missing, List.of(), Map.of(), stop, details, "m", Usage.ZERO, 0, 0);
  }

  @Test
  @DisplayName("a refused batch of 20 with 7 complete items: 7 verdicts mapped to their events, the other 13 asked again in halves")
  void refusalSplitsTheRest() {
    List<PipelineEvent> events = events(20);
    AnswerPlan plan = AnswerPlan.of(events, parsed(20, 7, "refusal", null), "balanced", "deep", 2);
    assertThat(plan.verdicts()).hasSize(7);
    assertThat(plan.verdicts().get(events.get(3)).getString("id")).isEqualTo("ev3");
    assertThat(plan.splits()).hasSize(2);
    assertThat(plan.splits().get(0)).hasSize(6);
    assertThat(plan.splits().get(1)).hasSize(7).contains(events.get(19));
    assertThat(plan.failures()).isEmpty();
    assertThat(plan.fallback()).isNull();
  }

  @Test
  @DisplayName("the one refused review of a larger batch is sent alone; alone it goes to the fallback tier once, then to the DLQ as refusal")
  void loneRefusal() {
    List<PipelineEvent> two = events(2);
    AnswerPlan narrowed = AnswerPlan.of(two, parsed(2, 1, "refusal", null), "balanced", "deep", 2);
    assertThat(narrowed.splits()).containsExactly(List.of(two.get(1)));

    List<PipelineEvent> one = events(1);
    JsonObject details = new JsonObject().put("type", "refusal").put("category", "general_harms").put("explanation", "no");
    AnswerPlan onBalanced = AnswerPlan.of(one, parsed(1, 0, "refusal", details), "balanced", "deep", 2);
    assertThat(onBalanced.fallback()).isEqualTo(one.get(0));
    assertThat(onBalanced.failures()).isEmpty();

    AnswerPlan onDeep = AnswerPlan.of(one, parsed(1, 0, "refusal", details), "deep", "deep", 2);
    assertThat(onDeep.fallback()).isNull();
    assertThat(onDeep.failures()).singleElement().satisfies(f -> {
      assertThat(f.errorType()).isEqualTo("refusal");
      assertThat(f.retryable()).isFalse();
      assertThat(f.message()).contains("general_harms");
    });
    AnswerPlan noFallback = AnswerPlan.of(one, parsed(1, 0, "refusal", null), "balanced", "", 2);
    assertThat(noFallback.failures()).singleElement().extracting(AnswerPlan.Failure::errorType).isEqualTo("refusal");
  }

  @Test
  @DisplayName("a truncated answer keeps the complete items and splits the rest; a lone review that does not fit fails as truncated")
  void truncation() {
    List<PipelineEvent> events = events(20);
    AnswerPlan plan = AnswerPlan.of(events, parsed(20, 12, "max_tokens", null), "fast", "deep", 2);
    assertThat(plan.verdicts()).hasSize(12);
    assertThat(plan.splits()).extracting(List::size).containsExactly(4, 4);
    assertThat(plan.failures()).isEmpty();
    AnswerPlan lone = AnswerPlan.of(events(1), parsed(1, 0, "model_context_window_exceeded", null), "fast", "deep", 2);
    assertThat(lone.failures()).singleElement().extracting(AnswerPlan.Failure::errorType).isEqualTo("truncated");
  }

  @Test
  @DisplayName("a lone review cut at max_tokens below the model's limit is asked again with more room: no failure, no split")
  void loneCutBelowTheLimitGetsMoreRoom() {
    List<PipelineEvent> one = events(1);
    AnswerPlan plan = AnswerPlan.of(one, parsed(1, 0, "max_tokens", null), "fast", "deep", 2,
        new AnswerPlan.Room(List.of(300), 600, 128_000));
    assertThat(plan.moreRoom()).isEqualTo(one.get(0));
    assertThat(plan.failures()).isEmpty();
    assertThat(plan.splits()).isEmpty();
    assertThat(plan.fallback()).isNull();
    assertThat(ClaudeRequests.moreRoom(600, 128_000)).isEqualTo(1200);
    assertThat(ClaudeRequests.moreRoom(100_000, 128_000)).as("capped at the model's limit").isEqualTo(128_000);
  }

  @Test
  @DisplayName("a lone review still cut at the model's limit is dead-lettered truncated, not retryable, naming every max_tokens tried")
  void loneCutAtTheLimitFailsWithTheSizesTried() {
    AnswerPlan plan = AnswerPlan.of(events(1), parsed(1, 0, "max_tokens", null), "fast", "deep", 2,
        new AnswerPlan.Room(List.of(300, 600), 1000, 1000));
    assertThat(plan.moreRoom()).isNull();
    AnswerPlan.Failure f = plan.failures().get(0);
    assertThat(plan.failures()).hasSize(1);
    assertThat(f.errorType()).isEqualTo("truncated");
    assertThat(f.retryable()).isFalse();
    assertThat(f.message()).contains("max_tokens tried: 300, 600, 1000").contains("limit: 1000");
  }

  @Test
  @DisplayName("a lone review that filled the context window (model_context_window_exceeded) is not asked again: more max_tokens cannot help")
  void contextWindowIsNotGivenMoreRoom() {
    AnswerPlan plan = AnswerPlan.of(events(1), parsed(1, 0, "model_context_window_exceeded", null), "fast", "deep", 2,
        new AnswerPlan.Room(List.of(), 600, 128_000));
    assertThat(plan.moreRoom()).isNull();
    assertThat(plan.failures()).singleElement().satisfies(f -> {
      assertThat(f.errorType()).isEqualTo("truncated");
      assertThat(f.message()).contains("context window");
    });
  }

  @Test
  @DisplayName("a complete answer that left reviews out sends them back to their buffer, up to max_item_resends")
  void missingResent() {
    List<PipelineEvent> events = new ArrayList<>(events(3));
    events.set(2, events.get(2).resent().resent());
    AnswerPlan plan = AnswerPlan.of(events, parsed(3, 1, "end_turn", null), "fast", "deep", 2);
    assertThat(plan.resend()).containsExactly(events.get(1));
    assertThat(plan.failures()).singleElement().extracting(AnswerPlan.Failure::errorType)
        .isEqualTo("missing_from_response");
    assertThat(plan.splits()).isEmpty();
  }
}
