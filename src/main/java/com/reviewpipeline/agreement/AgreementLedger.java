package com.reviewpipeline.agreement;

import com.reviewpipeline.config.AgreementPolicy;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the shadow comparisons have shown so far, per pipeline, pair of models (first tier's, reference tier's) and
 * field: the most recent {@code window} outcomes, their Wilson lower bound, and whether the field is proven
 * (docs/claude-stage.md
 * "Agreement-gated escalation"). Keyed by model ids, not tiers: a new model behind a tier starts unproven. Every node
 * folds the same agreement topic in the same order, so every node holds the same state and flips it at the same
 * record.
 *
 * <p>Thread-safe: the agreement verticle applies, the Claude verticles ask.
 */
public final class AgreementLedger {

  /** Comparisons remembered to count a (pipeline, event) once when it is compared again. */
  static final int SEEN_MAX = 100_000;

  /**
   * One field's state.
   *
   * @param proven agreement shown: {@code samples >= min_samples} and the lower bound reached the target (and has not
   *     fallen below target - hysteresis since)
   * @param sinceMs when {@code proven} last changed (the first comparison's time while it never has)
   * @param alerting enough samples and not proven: the first tier's agreement is below target
   */
  public record FieldState(long samples, long agree, double lowerBound, boolean proven, long sinceMs,
      boolean alerting) {

    static final FieldState NONE = new FieldState(0, 0, 0, false, 0, false);

    public double agreement() {
      return samples == 0 ? 0 : (double) agree / samples;
    }
  }

  /** A field whose {@code alerting} changed with a record. */
  public record Change(String pipeline, String firstModel, String referenceModel, String field, FieldState state) {}

  private static final class Window {
    final ArrayDeque<Boolean> outcomes = new ArrayDeque<>();
    long agree;
    boolean proven;
    boolean alerting;
    long since;

    FieldState state(int minSamples) {
      int n = outcomes.size();
      return new FieldState(n, agree, Wilson.lowerBound(agree, n), proven, since, alerting);
    }
  }

  private final Function<String, AgreementPolicy> policies;
  /** pipeline → "first model|reference model" → field → window. */
  private final Map<String, Map<String, Map<String, Window>>> windows = new TreeMap<>();
  /** Comparisons folded per pipeline and pair since the topic's beginning (not only the window's). */
  private final Map<String, Long> folded = new java.util.HashMap<>();
  private final LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > SEEN_MAX;
    }
  };

  /** @param policies each pipeline's policy (a pipeline no longer configured: {@link AgreementPolicy#OFF}'s sizes) */
  public AgreementLedger(Function<String, AgreementPolicy> policies) {
    this.policies = name -> {
      AgreementPolicy p = policies.apply(name);
      return p == null ? AgreementPolicy.OFF : p;
    };
  }

  /** Folds one comparison in; returns the fields whose {@code alerting} changed (none for a repeated comparison). */
  public synchronized List<Change> apply(AgreementRecord r) {
    if (seen.put(r.key(), Boolean.TRUE) != null) {
      return List.of();
    }
    AgreementPolicy policy = policies.apply(r.pipeline());
    Map<String, Window> fields = windows.computeIfAbsent(r.pipeline(), k -> new TreeMap<>())
        .computeIfAbsent(pair(r.firstModel(), r.referenceModel()), k -> new TreeMap<>());
    folded.merge(r.pipeline() + "|" + pair(r.firstModel(), r.referenceModel()), 1L, Long::sum);
    List<Change> changes = new ArrayList<>();
    r.agree().forEach((field, same) -> {
      Window w = fields.computeIfAbsent(field, k -> {
        Window fresh = new Window();
        fresh.since = r.atMs();
        return fresh;
      });
      w.outcomes.addLast(same);
      w.agree += same ? 1 : 0;
      while (w.outcomes.size() > policy.window()) {
        w.agree -= w.outcomes.removeFirst() ? 1 : 0;
      }
      int n = w.outcomes.size();
      double bound = Wilson.lowerBound(w.agree, n);
      boolean proven = w.proven
          ? bound >= policy.target() - policy.hysteresis()
          : n >= policy.minSamples() && bound >= policy.target();
      if (proven != w.proven) {
        w.proven = proven;
        w.since = r.atMs();
      }
      boolean alerting = n >= policy.minSamples() && !proven;
      if (alerting != w.alerting) {
        w.alerting = alerting;
        changes.add(new Change(r.pipeline(), r.firstModel(), r.referenceModel(), field,
            w.state(policy.minSamples())));
      }
    });
    return changes;
  }

  /** A field's state; {@link FieldState#NONE} before its first comparison. */
  public synchronized FieldState state(String pipeline, String firstModel, String referenceModel, String field) {
    Window w = windows.getOrDefault(pipeline, Map.of()).getOrDefault(pair(firstModel, referenceModel), Map.of())
        .get(field);
    return w == null ? FieldState.NONE : w.state(policies.apply(pipeline).minSamples());
  }

  /** Every field that is alerting now (raised again by a node that starts or takes over). */
  public synchronized List<Change> alerting() {
    List<Change> out = new ArrayList<>();
    windows.forEach((pipeline, pairs) -> pairs.forEach((pair, fields) -> fields.forEach((field, w) -> {
      if (w.alerting) {
        String[] models = pair.split("\\|", 2);
        out.add(new Change(pipeline, models[0], models[1], field, w.state(policies.apply(pipeline).minSamples())));
      }
    })));
    return out;
  }

  /**
   * Per pipeline and {@code <first model>_vs_<reference model>}, per field: samples, agreement, lower bound, proven,
   * since; {@code escalating} is the gate's answer and is added by {@link AgreementGate#describe}.
   */
  public synchronized JsonObject describe() {
    JsonObject out = new JsonObject();
    windows.forEach((pipeline, pairs) -> {
      AgreementPolicy policy = policies.apply(pipeline);
      JsonObject p = new JsonObject();
      pairs.forEach((pair, fields) -> {
        String[] models = pair.split("\\|", 2);
        JsonObject f = new JsonObject();
        fields.forEach((field, w) -> {
          FieldState s = w.state(policy.minSamples());
          f.put(field, new JsonObject().put("samples", s.samples())
              .put("agreement", round(s.agreement())).put("lower_bound", round(s.lowerBound()))
              .put("proven", s.proven()).put("below_target", s.alerting())
              .put("since", java.time.Instant.ofEpochMilli(s.sinceMs()).toString()));
        });
        p.put(models[0] + "_vs_" + models[1], new JsonObject().put("first_model", models[0])
            .put("reference_model", models[1]).put("comparisons", folded.getOrDefault(pipeline + "|" + pair, 0L))
            .put("fields", f));
      });
      out.put(pipeline, p);
    });
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private static String pair(String firstModel, String referenceModel) {
    return firstModel + "|" + referenceModel;
  }
}
