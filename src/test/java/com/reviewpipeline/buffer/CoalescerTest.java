package com.reviewpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CoalescerTest {

  final Coalescer coalescer = new Coalescer();

  static PipelineEvent copy(String pipeline, String id, long offset) {
    ReviewEvent e = new ReviewEvent(id, "p", "u", "fine", 4, "2026-11-30T00:00:00Z", "web");
    return new PipelineEvent(pipeline, e, new SourceRef("events", 0, offset, "ack"), 0, 0);
  }

  @Test
  @DisplayName("the first copy is judged; later copies wait and are handed back once, when the judged copy resolves")
  void copiesWaitForTheJudgedOne() {
    PipelineEvent first = copy("mod", "e1", 10);
    PipelineEvent second = copy("mod", "e1", 11);
    PipelineEvent third = copy("mod", "e1", 12);
    assertThat(coalescer.admit(first)).isTrue();
    assertThat(coalescer.admit(second)).isFalse();
    assertThat(coalescer.admit(third)).isFalse();
    assertThat(coalescer.waitingCopies()).isEqualTo(2);
    assertThat(coalescer.resolve(second)).as("a waiting copy resolves nothing").isEmpty();
    assertThat(coalescer.resolve(first)).containsExactly(second, third);
    assertThat(coalescer.resolve(first)).as("handed back once").isEmpty();
    assertThat(coalescer.admit(copy("mod", "e1", 13))).as("after the outcome, a copy is judged again").isTrue();
  }

  @Test
  @DisplayName("the judged copy coming back (a resend, a retry of the same record) is judged, not held back")
  void sameRecordAgainIsJudged() {
    PipelineEvent first = copy("mod", "e1", 10);
    assertThat(coalescer.admit(first)).isTrue();
    assertThat(coalescer.admit(first.resent())).isTrue();
    assertThat(coalescer.waitingCopies()).isZero();
  }

  @Test
  @DisplayName("copies are per pipeline: each pipeline judges its own")
  void perPipeline() {
    assertThat(coalescer.admit(copy("mod", "e1", 10))).isTrue();
    assertThat(coalescer.admit(copy("ana", "e1", 10))).isTrue();
    assertThat(coalescer.admit(copy("ana", "e1", 11))).isFalse();
    assertThat(coalescer.resolve(copy("mod", "e1", 10))).isEmpty();
    assertThat(coalescer.resolve(copy("ana", "e1", 10))).hasSize(1);
  }
}
