package com.reviewpipeline.claude.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeldBatchesTest {

  final AtomicLong now = new AtomicLong(0);
  final CircuitBreakers breakers = new CircuitBreakers(2, 1000, now::get, new CircuitBreakers.Listener() {
    @Override
    public void opened(String pipeline, String model, String error) { }

    @Override
    public void closed(String pipeline, String model) { }
  });
  final List<String> sent = new ArrayList<>();
  final List<Integer> splits = new ArrayList<>();
  final List<String> failed = new ArrayList<>();
  final AtomicInteger added = new AtomicInteger();
  final HeldBatches held = new HeldBatches(breakers, b -> "m", 3, new HeldBatches.Actions(
      (b, attempt, probe) -> sent.add(b.size() + (probe ? " probe" : "")),
      b -> splits.add(b.size()),
      (events, type, message) -> failed.add(type),
      added::incrementAndGet));

  static List<PipelineEvent> events(int n) {
    List<PipelineEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new PipelineEvent("p", new ReviewEvent("ev" + i, "p", "u", "text " + i, 3, "2026-01-01T00:00:00Z", "web"),
          new SourceRef("t", 0, i, "ack"), 0, 0));
    }
    return out;
  }

  static Batch batch(int n) {
    return new Batch("b" + n, "p", "balanced", events(n), FlushTrigger.COUNT, 100);
  }

  @Test
  @DisplayName("a 400 no other failure joined, once a success is seen: a batch of 20 is halved, a lone review fails as invalid_request")
  void suspectsNarrowedAfterSuccess() {
    breakers.failure("p", "m", "a", "400");
    held.failed(batch(20), 1, true, "400", now.get());
    held.failed(batch(1), 1, true, "400", now.get());
    assertThat(breakers.success("p", "m")).isEqualTo(CircuitBreakers.Success.CLEARED);
    held.onSuccess("p", "m", false);
    assertThat(splits).containsExactly(20);
    assertThat(failed).containsExactly("invalid_request");
    assertThat(held.size()).isZero();
  }

  @Test
  @DisplayName("without any other traffic a suspect is narrowed down after one probe period")
  void suspectDueAfterProbePeriod() {
    held.failed(batch(4), 1, true, "400", now.get());
    held.tick(now.addAndGet(999));
    assertThat(splits).isEmpty();
    held.tick(now.addAndGet(1));
    assertThat(splits).containsExactly(4);
  }

  @Test
  @DisplayName("a 404 no other batch joined is tried again once per probe period, up to max_attempts, then fails; it is never resent in a loop")
  void lonePipelineFailureIsBounded() {
    held.failed(batch(2), 1, false, "404", now.get());
    held.tick(now.addAndGet(500));
    assertThat(sent).isEmpty();
    held.tick(now.addAndGet(500));
    assertThat(sent).containsExactly("2");
    held.failed(batch(2), 3, false, "404", now.get());
    held.tick(now.addAndGet(1000));
    assertThat(failed).containsExactly("api_rejected");
  }

  @Test
  @DisplayName("a 400 held before the circuit opened is the pipeline's: after the circuit closes it is sent again, not narrowed down")
  void suspectBeforeOpeningIsNotNarrowed() {
    held.failed(batch(6), 1, true, "400", now.get());
    now.addAndGet(10);
    breakers.failure("p", "m", "a", "400");
    breakers.failure("p", "m", "b", "400");
    assertThat(breakers.success("p", "m")).isEqualTo(CircuitBreakers.Success.CLOSED);
    held.tick(now.addAndGet(2000));
    assertThat(splits).isEmpty();
    assertThat(sent).containsExactly("6");
  }

  @Test
  @DisplayName("parts and retries of one batch share its root id: they count as one content for the circuit")
  void subBatchesShareTheRoot() {
    Batch b = batch(4);
    Batch part = HeldBatches.sub(b, b.events().subList(0, 2));
    Batch partOfPart = HeldBatches.sub(part, part.events().subList(0, 1));
    assertThat(HeldBatches.root(part)).isEqualTo(b.id());
    assertThat(HeldBatches.root(partOfPart)).isEqualTo(b.id());
    assertThat(part.id()).isNotEqualTo(partOfPart.id());
  }

  @Test
  @DisplayName("an open circuit is probed by one review at a time; once it closes, every held batch is sent again as it was")
  void probeThenRelease() {
    breakers.failure("p", "m", "a", "404");
    breakers.failure("p", "m", "b", "404");
    held.failed(batch(20), 1, false, "404", now.get());
    held.failed(batch(5), 1, true, "400", now.get());
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
    HeldBatches two = new HeldBatches(breakers, b -> b.size() == 3 ? "x" : "m", 3, new HeldBatches.Actions(
        (b, attempt, probe) -> sent.add(b.size() + ""), b -> { }, (e, t, m) -> { }, () -> { }));
    two.waiting(batch(3), 1, 0);
    two.waiting(batch(2), 1, 0);
    two.onSuccess("p", "m", true);
    assertThat(sent).containsExactly("2");
    assertThat(two.size()).isEqualTo(1);
  }
}
