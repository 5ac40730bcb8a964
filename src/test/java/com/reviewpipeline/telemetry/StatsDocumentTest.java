package com.reviewpipeline.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.support.Telemetries;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The {@code GET /api/stats} document's counts of verdicts, read from the meters. */
class StatsDocumentTest {

  @Test
  @DisplayName("contained verdicts are counted per pipeline (review_events_contained_total) and shown in totals and by_pipeline")
  void containedCountedPerPipeline() {
    Telemetry t = Telemetries.fresh();
    t.processed("review-moderator", "claude-haiku-5-5", "fast", false, false);
    t.processed("review-moderator", "claude-haiku-5-5", "fast", true, true);
    t.processed("review-moderator", "claude-sonnet-5-5", "balanced", false, true);
    t.processed("review-analyzer", "claude-haiku-5-5", "fast", false, true);
    JsonObject stats = t.stats();
    assertThat(stats.getJsonObject("totals").getLong("processed")).isEqualTo(4);
    assertThat(stats.getJsonObject("totals").getLong("contained")).isEqualTo(3);
    assertThat(stats.getJsonObject("totals").getLong("flagged")).isEqualTo(1);
    assertThat(stats.getJsonObject("by_pipeline").getJsonObject("review-moderator").getLong("contained")).isEqualTo(2);
    assertThat(stats.getJsonObject("by_pipeline").getJsonObject("review-analyzer").getLong("contained")).isEqualTo(1);
    assertThat(t.registry().find("review_events_contained_total").tag("pipeline", "review-moderator").counter().count())
        .isEqualTo(2.0);
  }
}
