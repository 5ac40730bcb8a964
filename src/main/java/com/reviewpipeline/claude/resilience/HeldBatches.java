package com.reviewpipeline.claude.resilience;

import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The batches one Claude verticle holds for its circuits (see {@link CircuitBreakers}): while a circuit is open,
 * and after a pipeline-level failure not yet known to be the pipeline's. Called on the verticle's event loop only.
 * While a circuit is open, one review at a time probes it; once it closes, held batches go again. A held 400 that
 * the circuit has not taken for its own (no success of the circuit followed, or a probe period passed, and the
 * circuit did not open since) was the batch's: it is halved until the one review the API rejects fails alone.
 */
public final class HeldBatches {

  public interface Sender {
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
  record Actions(Sender send, Consumer<Batch> split, Failer fail, Runnable added) {}

  /**
   * @param failed it failed with a pipeline-level error (else it was held because its circuit was open)
   * @param suspect the failure was a 400, possibly the batch's own
   */
  private record Held(Batch batch, int attempt, boolean failed, boolean suspect, String error, long at) {}

  private final CircuitBreakers breakers;
  private final Function<Batch, String> modelOf;
  private final int maxAttempts;
  private final Actions actions;
  private final Map<String, List<Held>> held = new HashMap<>();

  HeldBatches(CircuitBreakers breakers, Function<Batch, String> modelOf, int maxAttempts, Actions actions) {
    this.breakers = breakers;
    this.modelOf = modelOf;
    this.maxAttempts = maxAttempts;
    this.actions = actions;
  }

  /** A batch of an open circuit, not sent. */
  void waiting(Batch batch, int attempt, long now) {
    add(new Held(batch, attempt, false, false, "circuit open", now));
  }

  /** A batch that failed with a pipeline-level error; {@code suspect}: a 400, possibly its own. */
  void failed(Batch batch, int attempt, boolean suspect, String error, long now) {
    add(new Held(batch, attempt, true, suspect, error, now));
  }

  private void add(Held h) {
    held.computeIfAbsent(key(h.batch()), k -> new ArrayList<>()).add(h);
  }

  private String key(Batch b) {
    return b.pipeline() + "|" + modelOf.apply(b);
  }

  int size() {
    return held.values().stream().mapToInt(List::size).sum();
  }

  /** Everything held, handed back (a stopping verticle passes them on); nothing is held afterwards. */
  List<Batch> drain() {
    List<Batch> all = new ArrayList<>();
    held.values().forEach(list -> list.forEach(h -> all.add(h.batch())));
    held.clear();
    return all;
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
        continue;
      }
      List<Held> due = list.stream().filter(h -> !h.failed() || now - h.at() >= breakers.probeMs()).toList();
      list.removeAll(due);
      for (Held h : due) {
        if (!h.failed()) {
          actions.send().send(h.batch(), h.attempt(), false);
        } else if (ownFault(pm, h)) {
          narrow(h);
        } else if (h.attempt() < maxAttempts) {
          // no other batch joined this failure within a probe period: try it again, a bounded number of times
          actions.send().send(h.batch(), h.attempt() + 1, false);
        } else {
          actions.fail().fail(h.batch().events(), "api_rejected", "rejected " + h.attempt() + " times: " + h.error());
        }
      }
    }
  }

  /** A 400 held before the circuit last opened was the pipeline's, whatever it looked like then. */
  private boolean ownFault(String[] pm, Held h) {
    return h.suspect() && breakers.lastOpenedAt(pm[0], pm[1]) < h.at();
  }

  /** One review probes: cheap while the API refuses, and a review that is itself the problem blocks no other. */
  private void probe(List<Held> list) {
    Held first = list.remove(0);
    List<PipelineEvent> events = first.batch().events();
    if (events.size() > 1) {
      actions.added().run();
      list.add(new Held(sub(first.batch(), events.subList(1, events.size())), first.attempt(), first.failed(),
          first.suspect(), first.error(), first.at()));
    }
    actions.send().send(sub(first.batch(), events.subList(0, 1)), first.attempt(), true);
  }

  /**
   * A success was seen for this circuit: {@code closed} when it had been open. After an open circuit every held
   * batch goes again as it was (the failure was the pipeline's); after a success while closed, a held 400 was
   * the batch's own.
   */
  void onSuccess(String pipeline, String model, boolean closed) {
    List<Held> list = held.remove(pipeline + "|" + model);
    if (list == null) {
      return;
    }
    String[] pm = {pipeline, model};
    for (Held h : list) {
      if (!closed && ownFault(pm, h)) {
        narrow(h);
      } else {
        actions.send().send(h.batch(), h.attempt(), false);
      }
    }
  }

  private void narrow(Held h) {
    if (h.batch().size() > 1) {
      actions.split().accept(h.batch());
    } else {
      actions.fail().fail(h.batch().events(), "invalid_request",
          "the API rejected this review's request while other requests succeeded: " + h.error());
    }
  }

  /** The batch a request was cut from: retries and parts of one batch are one content for the circuit. */
  static String root(Batch batch) {
    int slash = batch.id().indexOf('/');
    return slash < 0 ? batch.id() : batch.id().substring(0, slash);
  }

  public static Batch sub(Batch batch, List<PipelineEvent> events) {
    return sub(batch, batch.tier(), events);
  }

  /** The same events asked again with more room than the {@code max_tokens} their answer was just cut at. */
  public static Batch roomier(Batch batch, List<PipelineEvent> events, int cutAt) {
    List<Integer> tried = new ArrayList<>(batch.cutAt());
    tried.add(cutAt);
    return new Batch(root(batch) + "/" + UUID.randomUUID().toString().substring(0, 8), batch.pipeline(), batch.tier(),
        List.copyOf(events), FlushTrigger.MANUAL, batch.estimatedInputTokens(), tried);
  }

  public static Batch sub(Batch batch, String tier, List<PipelineEvent> events) {
    return new Batch(root(batch) + "/" + UUID.randomUUID().toString().substring(0, 8), batch.pipeline(), tier,
        List.copyOf(events), FlushTrigger.MANUAL, batch.estimatedInputTokens());
  }
}
