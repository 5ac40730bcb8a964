package com.reviewpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SmartBufferTest {

  /** A clock the test advances by hand; due tasks run on advance. */
  static final class ManualScheduler implements SmartBuffer.Scheduler {
    long now;
    final List<long[]> due = new ArrayList<>();
    final List<Runnable> tasks = new ArrayList<>();

    @Override
    public Runnable schedule(long delayMs, Runnable task) {
      long[] slot = {now + delayMs, 0};
      due.add(slot);
      tasks.add(task);
      return () -> slot[1] = 1;
    }

    void advance(long ms) {
      now += ms;
      for (int i = 0; i < due.size(); i++) {
        long[] slot = due.get(i);
        if (slot[1] == 0 && slot[0] <= now) {
          slot[1] = 1;
          tasks.get(i).run();
        }
      }
    }

    long pending() {
      return due.stream().filter(s -> s[1] == 0).count();
    }
  }

  static PipelineEvent event(String id) {
    return new PipelineEvent("p", new ReviewEvent(id, "prod", "u", "text", 5, "2026-01-01T00:00:00Z", "web"),
        new SourceRef("t", 0, 0, "ack"), 0, 0);
  }

  final ManualScheduler clock = new ManualScheduler();
  final List<SmartBuffer.Flush> flushes = new ArrayList<>();

  SmartBuffer buffer(int maxSize, long maxWaitMs, int maxTokens, int fixedTokens) {
    return new SmartBuffer(new BufferConfig(maxSize, maxWaitMs, maxTokens), fixedTokens, clock, flushes::add);
  }

  @Test
  @DisplayName("flushes on count exactly when max_size events are buffered")
  void flushesOnCount() {
    SmartBuffer b = buffer(3, 3000, 100_000, 100);
    b.add(event("a"), 10);
    b.add(event("b"), 10);
    assertThat(flushes).isEmpty();
    b.add(event("c"), 10);
    assertThat(flushes).hasSize(1);
    assertThat(flushes.get(0).trigger()).isEqualTo(FlushTrigger.COUNT);
    assertThat(flushes.get(0).events()).extracting(PipelineEvent::id).containsExactly("a", "b", "c");
    assertThat(flushes.get(0).estimatedInputTokens()).isEqualTo(130);
    assertThat(b.size()).isZero();
    assertThat(clock.pending()).as("the time trigger is cancelled by a count flush").isZero();
  }

  @Test
  @DisplayName("a lone event is flushed by the timer after max_wait with nothing else arriving")
  void loneEventFlushedByTimer() {
    SmartBuffer b = buffer(20, 3000, 100_000, 100);
    b.add(event("lonely"), 10);
    clock.advance(2999);
    assertThat(flushes).isEmpty();
    clock.advance(1);
    assertThat(flushes).hasSize(1);
    assertThat(flushes.get(0).trigger()).isEqualTo(FlushTrigger.TIME);
    assertThat(flushes.get(0).events()).extracting(PipelineEvent::id).containsExactly("lonely");
  }

  @Test
  @DisplayName("the timer starts with the first event of a batch, not with later ones")
  void timerStartsWithFirstEvent() {
    SmartBuffer b = buffer(20, 1000, 100_000, 0);
    b.add(event("a"), 1);
    clock.advance(600);
    b.add(event("b"), 1);
    clock.advance(400);
    assertThat(flushes).hasSize(1);
    assertThat(flushes.get(0).events()).hasSize(2);
  }

  @Test
  @DisplayName("flushes before an event would push the batch over max_tokens")
  void flushesBeforeTokenLimit() {
    SmartBuffer b = buffer(20, 3000, 1000, 200);
    b.add(event("a"), 300);
    b.add(event("b"), 300);
    assertThat(flushes).isEmpty();
    b.add(event("c"), 300);
    assertThat(flushes).hasSize(1);
    assertThat(flushes.get(0).trigger()).isEqualTo(FlushTrigger.TOKENS);
    assertThat(flushes.get(0).events()).extracting(PipelineEvent::id).containsExactly("a", "b");
    assertThat(flushes.get(0).estimatedInputTokens()).isLessThanOrEqualTo(1000);
    assertThat(b.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("refuses a second event with the same id in one batch")
  void refusesDuplicateIds() {
    SmartBuffer b = buffer(20, 3000, 100_000, 0);
    assertThat(b.add(event("a"), 1)).isEqualTo(SmartBuffer.AddResult.ADDED);
    assertThat(b.add(event("a"), 1)).isEqualTo(SmartBuffer.AddResult.DUPLICATE);
    assertThat(b.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("manual flush empties the buffer and an empty flush emits nothing")
  void manualFlush() {
    SmartBuffer b = buffer(20, 3000, 100_000, 0);
    b.flush(FlushTrigger.MANUAL);
    assertThat(flushes).isEmpty();
    b.add(event("a"), 1);
    b.flush(FlushTrigger.MANUAL);
    assertThat(flushes).singleElement().extracting(SmartBuffer.Flush::trigger).isEqualTo(FlushTrigger.MANUAL);
    clock.advance(10_000);
    assertThat(flushes).hasSize(1);
  }
}
