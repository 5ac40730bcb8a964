package com.reviewpipeline.claude;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeldBatchesTest {

  final AtomicLong now = new AtomicLong(0);
  final CircuitBreakers breakers = new CircuitBreakers(2, 1000, now::get);
  final List<String> sent = new ArrayList<>();
  final List<Integer> splits = new ArrayList<>();
  final List<String> failed = new ArrayList<>();
  final AtomicInteger added = new AtomicInteger();
  final HeldBatches held = new HeldBatches(breakers, b -> "m", new HeldBatches.Actions(
      (b, attempt, probe) -> sent.add(b.size() + (probe ? " probe" : "")),
      b -> splits.add(b.size()),
      (events, type, message) -> failed.add(type),
      added::incrementAndGet));

  static Batch batch(int n) {
    return new Batch("b" + n, "p", "balanced", AnswerPlanTest.events(n), FlushTrigger.COUNT, 100);
  }

  @Test
  @DisplayName("a 400 no other failure joined, once a success is seen: a batch of 20 is halved, a lone review fails as invalid_request")
  void suspectsNarrowedAfterSuccess() {
    breakers.failure("p", "m", "a", "400");
    held.hold(batch(20), 1, true, "400", now.get());
    held.hold(batch(1), 1, true, "400", now.get());
    assertThat(breakers.success("p", "m")).isEqualTo(CircuitBreakers.Success.CLEARED);
    held.onSuccess("p", "m", false);
    assertThat(splits).containsExactly(20);
    assertThat(failed).containsExactly("invalid_request");
    assertThat(held.size()).isZero();
  }

  @Test
  @DisplayName("without any other traffic a suspect is narrowed down after one probe period")
  void suspectDueAfterProbePeriod() {
    held.hold(batch(4), 1, true, "400", now.get());
    held.tick(now.addAndGet(999));
    assertThat(splits).isEmpty();
    held.tick(now.addAndGet(1));
    assertThat(splits).containsExactly(4);
  }

  @Test
  @DisplayName("an open circuit is probed by one review at a time; once it closes, every held batch is sent again as it was")
  void probeThenRelease() {
    breakers.failure("p", "m", "a", "404");
    breakers.failure("p", "m", "b", "404");
    held.hold(batch(20), 1, false, "404", now.get());
    held.hold(batch(5), 1, true, "400", now.get());
    held.tick(now.addAndGet(500));
    assertThat(sent).isEmpty();
    held.tick(now.addAndGet(500));
    assertThat(sent).containsExactly("1 probe");
    assertThat(added.get()).as("the other 19 stay held as their own batch").isEqualTo(1);
    held.tick(now.addAndGet(1000));
    assertThat(sent).as("one probe in flight at a time").containsExactly("1 probe");
    assertThat(breakers.success("p", "m")).isEqualTo(CircuitBreakers.Success.CLOSED);
    held.onSuccess("p", "m", true);
    assertThat(sent).containsExactly("1 probe", "5", "19");
    assertThat(splits).as("after an open circuit nothing is the batch's fault").isEmpty();
    assertThat(held.size()).isZero();
  }

  @Test
  @DisplayName("held batches of another circuit are left alone")
  void perCircuit() {
    HeldBatches two = new HeldBatches(breakers, b -> b.size() == 3 ? "x" : "m", new HeldBatches.Actions(
        (b, attempt, probe) -> sent.add(b.size() + ""), b -> { }, (e, t, m) -> { }, () -> { }));
    two.hold(batch(3), 1, false, "404", 0);
    two.hold(batch(2), 1, false, "404", 0);
    two.onSuccess("p", "m", true);
    assertThat(sent).containsExactly("2");
    assertThat(two.size()).isEqualTo(1);
  }
}
