package com.reviewpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The event as it travels through one pipeline: its id, retry count, resends, containment and rejudge mark. */
class PipelineEventTest {

  static final ReviewEvent REVIEW = new ReviewEvent("e-1", "p-1", "u-1", "Good.", 4, "2026-11-26T10:00:00Z", "web");
  static final SourceRef SOURCE = new SourceRef("review-events", 3, 1_234L, "pipeline.ack.abc");

  @Test
  @DisplayName("the id of a pipeline event is its review's event_id")
  void idIsTheEventId() {
    assertThat(new PipelineEvent("review-moderator", REVIEW, SOURCE, 0, 1L).id()).isEqualTo("e-1");
  }

  @Test
  @DisplayName("the five-argument constructor (ingest and retry re-entry) starts with no resends, not contained")
  void startsWithNoResends() {
    PipelineEvent e = new PipelineEvent("review-moderator", REVIEW, SOURCE, 2, 99L);
    assertThat(e.resends()).isZero();
    assertThat(e.contained()).isFalse();
    assertThat(e.forced()).as("the verdict cache may answer it").isFalse();
    assertThat(e.retryCount()).isEqualTo(2);
    assertThat(e.enqueuedAtMs()).isEqualTo(99L);
  }

  @Test
  @DisplayName("resent counts one more resend and keeps everything else: pipeline, review, source, retry count, enqueue time")
  void resentCountsOneMoreAndKeepsTheRest() {
    PipelineEvent e = new PipelineEvent("review-moderator", REVIEW, SOURCE, 2, 99L);
    PipelineEvent twice = e.resent().resent();
    assertThat(twice.resends()).isEqualTo(2);
    assertThat(twice).isEqualTo(new PipelineEvent("review-moderator", REVIEW, SOURCE, 2, 99L, 2, false, false, null));
    assertThat(e.resends()).as("the original is unchanged").isZero();
  }

  @Test
  @DisplayName("asContained marks the event and keeps everything else; a contained event stays contained when resent")
  void containedIsKeptWhenResent() {
    PipelineEvent e = new PipelineEvent("review-moderator", REVIEW, SOURCE, 1, 99L).resent();
    PipelineEvent contained = e.asContained();
    assertThat(contained).isEqualTo(new PipelineEvent("review-moderator", REVIEW, SOURCE, 1, 99L, 1, true, false, null));
    assertThat(contained.resent().contained()).isTrue();
    assertThat(e.contained()).as("the original is unchanged").isFalse();
  }

  @Test
  @DisplayName("asRejudged marks the event for a new judgment and keeps everything else, also through a resend and containment")
  void rejudgeIsKeptWhenResentAndContained() {
    PipelineEvent e = new PipelineEvent("review-moderator", REVIEW, SOURCE, 1, 99L).asRejudged();
    assertThat(e).isEqualTo(new PipelineEvent("review-moderator", REVIEW, SOURCE, 1, 99L, 0, false, true, null));
    assertThat(e.resent().asContained().forced()).isTrue();
  }
}
