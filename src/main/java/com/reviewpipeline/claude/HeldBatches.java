package com.reviewpipeline.claude;

import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The batches one Claude verticle holds for its circuits (see {@link CircuitBreakers}): while a circuit is open,
 * and after a 400 not yet known to be the pipeline's or the batch's. Called on the verticle's event loop only.
 * While a circuit is open, one review at a time probes it; once closed, held batches go again, except a 400 that
 * stayed alone (others succeeded, or no failure joined it within a probe period): that one was the batch's own and
 * is narrowed down by halves until the one review the API rejects fails alone.
 */
final class HeldBatches {

  interface Sender {
    void send(Batch batch, int attempt, boolean probe);
  }

  interface Failer {
    void fail(List<PipelineEvent> events, String errorType, String message);
  }

  /**
   * What the verticle does with a batch released from here.
   *
   * @param added a held batch was divided in two: the verticle now holds one more
   */
  record Actions(Sender send, java.util.function.Consumer<Batch> split, Failer fail, Runnable added) {}

  private record Held(Batch batch, int attempt, boolean suspect, String error, long at) {}

  private final CircuitBreakers breakers;
  private final Function<Batch, String> modelOf;
  private final Actions actions;
  private final Map<String, List<Held>> held = new HashMap<>();

  HeldBatches(CircuitBreakers breakers, Function<Batch, String> modelOf, Actions actions) {
    this.breakers = breakers;
    this.modelOf = modelOf;
    this.actions = actions;
  }

  /** @param suspect a 400 before the circuit opened: the batch's own fault until the circuit says otherwise */
  void hold(Batch batch, int attempt, boolean suspect, String error, long now) {
    held.computeIfAbsent(batch.pipeline() + "|" + modelOf.apply(batch), k -> new ArrayList<>())
        .add(new Held(batch, attempt, suspect, error, now));
  }

  int size() {
    return held.values().stream().mapToInt(List::size).sum();
  }

  /** Periodic: probes open circuits; releases what closed circuits hold once due. */
  void tick(long now) {
    for (Map.Entry<String, List<Held>> e : new ArrayList<>(held.entrySet())) {
      String[] pm = e.getKey().split("\\|", 2);
      List<Held> list = e.getValue();
      if (list.isEmpty()) {
        continue;
      }
      if (breakers.isOpen(pm[0], pm[1])) {
        if (breakers.tryProbe(pm[0], pm[1])) {
          probe(list);
        }
      } else {
        List<Held> due = list.stream().filter(h -> !h.suspect() || now - h.at() >= breakers.probeMs()).toList();
        list.removeAll(due);
        due.forEach(this::release);
      }
    }
  }

  /** One review probes: cheap while the API refuses, and a review that is itself the problem blocks no other. */
  private void probe(List<Held> list) {
    Held first = list.remove(0);
    List<PipelineEvent> events = first.batch().events();
    if (events.size() > 1) {
      actions.added().run();
      list.add(new Held(sub(first.batch(), events.subList(1, events.size())), first.attempt(), first.suspect(),
          first.error(), first.at()));
    }
    actions.send().send(sub(first.batch(), events.subList(0, 1)), first.attempt(), true);
  }

  /** A success was seen for this circuit: {@code closed} when it had been open. */
  void onSuccess(String pipeline, String model, boolean closed) {
    List<Held> list = held.remove(pipeline + "|" + model);
    if (list != null) {
      // after an open circuit every held batch goes again as it was: the failure was the pipeline's
      list.forEach(h -> release(closed ? new Held(h.batch(), h.attempt(), false, h.error(), h.at()) : h));
    }
  }

  private void release(Held h) {
    if (!h.suspect()) {
      actions.send().send(h.batch(), h.attempt(), false);
    } else if (h.batch().size() > 1) {
      actions.split().accept(h.batch());
    } else {
      actions.fail().fail(h.batch().events(), "invalid_request",
          "the API rejected this review's request while other requests succeeded: " + h.error());
    }
  }

  static Batch sub(Batch batch, List<PipelineEvent> events) {
    return sub(batch, batch.tier(), events);
  }

  static Batch sub(Batch batch, String tier, List<PipelineEvent> events) {
    return new Batch(UUID.randomUUID().toString(), batch.pipeline(), tier, List.copyOf(events), FlushTrigger.MANUAL,
        batch.estimatedInputTokens());
  }
}
