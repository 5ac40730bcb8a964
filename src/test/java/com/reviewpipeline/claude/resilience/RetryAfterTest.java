package com.reviewpipeline.claude.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The API's retry-after per review, whatever batch the review is in when it is sent again. */
class RetryAfterTest {

  long now = 1_000_000;

  static PipelineEvent event(String id) {
    return new PipelineEvent("review-moderator", new ReviewEvent(id, "p", "u", "text", 4, "2026-01-01T00:00:00Z", "web"),
        new SourceRef("t", 0, 1, "ack"), 0, 0);
  }

  static Batch batch(String... ids) {
    return new Batch(UUID.randomUUID().toString(), "review-moderator", "fast",
        java.util.Arrays.stream(ids).map(RetryAfterTest::event).toList(), FlushTrigger.COUNT, 100);
  }

  @Test
  @DisplayName("a review the API asked to wait for holds back any batch carrying it (a split part, a new batch after a resend, a batch handed to another instance) until the time the API gave, and no longer")
  void heldUntilTheApisTime() {
    RetryAfter r = new RetryAfter(() -> now);
    r.record(batch("a", "b", "c", "d"), 30_000);
    assertThat(r.waitMs(batch("c", "d"))).as("a split part").isEqualTo(30_000);
    now += 10_000;
    assertThat(r.waitMs(batch("x", "b", "y"))).as("a review batched anew with others").isEqualTo(20_000);
    assertThat(r.waitMs(batch("x", "y"))).as("other reviews go at once").isZero();
    r.record(batch("a"), 5_000);
    assertThat(r.waitMs(batch("a"))).as("a shorter later delay does not shorten the earlier one").isEqualTo(20_000);
    now += 20_000;
    assertThat(r.waitMs(batch("a", "b", "c", "d"))).isZero();
  }
}
