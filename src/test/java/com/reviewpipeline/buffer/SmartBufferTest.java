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

    @Override
    public long nowMs() {
      return now;
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

  // the latency objective (docs/claude-stage.md "Latency objective"): 10 s, floor 3 s, escalations 250 ms, cascade fast
  // → balanced

  static final com.reviewpipeline.config.CascadeConfig CASCADE = LatencyObjectiveTest.CASCADE;
  final com.reviewpipeline.telemetry.ApiLatency latency = new com.reviewpipeline.telemetry.ApiLatency();

  static PipelineEvent escalatedEvent(String id) {
    return event(id).escalated("balanced", new com.reviewpipeline.model.Rejudge.Prior("claude-haiku-5-5", "fast",
        new io.vertx.core.json.JsonObject(), true, "flagged", 0, 0, 0));
  }

  /** A buffer of {@code tier} whose waits follow {@link #latency}, as the buffer verticle wires it (tier = model). */
  SmartBuffer objectiveBuffer(String tier, int maxSize, int maxTokens) {
    BufferConfig config = new BufferConfig(maxSize, 3000, maxTokens, 10_000, 250);
    return new SmartBuffer(config, () -> 100, () -> LatencyObjective.of(config, CASCADE, tier, latency::percentileMs),
        clock, flushes::add);
  }

  void measure(String model, long ms) {
    for (int i = 0; i < com.reviewpipeline.telemetry.ApiLatency.MIN_SAMPLES; i++) {
      latency.record(model, ms);
    }
  }

  /** Events every 860 ms (100,000 a day) until the first flush; the time it came at. */
  long trickleUntilFlush(SmartBuffer b) {
    for (int i = 0; flushes.isEmpty(); i++) {
      b.add(event("e" + i), 10);
      for (int ms = 0; ms < 860 && flushes.isEmpty(); ms++) {
        clock.advance(1);
      }
    }
    return clock.now;
  }

  @Test
  @DisplayName("an escalated event brings the time trigger forward to its own short deadline, taking the batch along")
  void escalatedDeadline() {
    SmartBuffer b = objectiveBuffer("balanced", 20, 100_000);
    b.add(event("a"), 10);
    clock.advance(1000);
    b.add(escalatedEvent("up"), 10);
    clock.advance(249);
    assertThat(flushes).isEmpty();
    clock.advance(1);
    assertThat(flushes).singleElement().satisfies(f -> {
      assertThat(f.trigger()).isEqualTo(FlushTrigger.TIME);
      assertThat(f.events()).extracting(PipelineEvent::id).containsExactly("a", "up");
    });
    clock.advance(10_000);
    assertThat(flushes).as("the ordinary event's own timer went with the flush").hasSize(1);
  }

  @Test
  @DisplayName("an escalated event arriving after the ordinary deadline is near does not push it back")
  void escalatedNeverLater() {
    SmartBuffer b = objectiveBuffer("balanced", 20, 100_000);
    b.add(event("a"), 10);
    clock.advance(2900);
    b.add(escalatedEvent("up"), 10);
    clock.advance(100);
    assertThat(flushes).singleElement().extracting(f -> f.events().size()).isEqualTo(2);
  }

  @Test
  @DisplayName("at 100,000 reviews a day the first tier waits what the objective leaves and its batch fills more")
  void objectiveWaitAtLowRate() {
    measure("fast", 1_000);
    measure("balanced", 2_000);
    SmartBuffer b = objectiveBuffer("fast", 20, 100_000);
    // 10,000 - (1,000 fast + 250 escalation wait + 2,000 balanced + 1,000 margin)
    assertThat(trickleUntilFlush(b)).isEqualTo(5_750);
    assertThat(flushes.get(0).trigger()).isEqualTo(FlushTrigger.TIME);
    assertThat(flushes.get(0).events()).as("arrivals at 0, 860, ..., 5,160 ms").hasSize(7);
  }

  @Test
  @DisplayName("before the API's latency is measured, the wait is max_wait_ms")
  void floorBeforeMeasured() {
    measure("fast", 1_000);
    SmartBuffer b = objectiveBuffer("fast", 20, 100_000);
    assertThat(trickleUntilFlush(b)).as("balanced, where escalations go, is not measured yet").isEqualTo(3_000);
    assertThat(flushes.get(0).events()).hasSize(4);
  }

  @Test
  @DisplayName("however fast the API, an event waits less than the objective")
  void objectiveCap() {
    measure("balanced", 0);
    SmartBuffer b = objectiveBuffer("balanced", 20, 100_000);
    assertThat(trickleUntilFlush(b)).isEqualTo(9_000).isLessThan(10_000);
  }

  @Test
  @DisplayName("a latency measured slower during a batch brings its deadline forward")
  void slowerLatencyShortensPendingWait() {
    measure("balanced", 0);
    SmartBuffer b = objectiveBuffer("balanced", 20, 100_000);
    b.add(event("a"), 10);
    clock.advance(1_000);
    for (int i = 0; i < com.reviewpipeline.telemetry.ApiLatency.WINDOW; i++) {
      latency.record("balanced", 6_000);
    }
    b.add(event("b"), 10);
    clock.advance(2_999);
    assertThat(flushes).isEmpty();
    clock.advance(1);
    assertThat(flushes).as("b's deadline: 1,000 + max(3,000, 10,000 - 7,000)").hasSize(1);
  }

  @Test
  @DisplayName("at high rates count and token triggers flush long before the objective's wait")
  void countAndTokensFirst() {
    measure("balanced", 0);
    SmartBuffer byCount = objectiveBuffer("balanced", 20, 100_000);
    for (int i = 0; i < 20; i++) {
      byCount.add(event("c" + i), 10);
      clock.advance(10);
    }
    assertThat(flushes).singleElement().extracting(SmartBuffer.Flush::trigger).isEqualTo(FlushTrigger.COUNT);
    assertThat(clock.pending()).isZero();
    flushes.clear();
    SmartBuffer byTokens = objectiveBuffer("balanced", 20, 1_000);
    for (int i = 0; i < 4; i++) {
      byTokens.add(event("t" + i), 300);
      clock.advance(10);
    }
    assertThat(flushes).singleElement().satisfies(f -> {
      assertThat(f.trigger()).isEqualTo(FlushTrigger.TOKENS);
      assertThat(f.events()).hasSize(3);
    });
  }
}
