package com.reviewpipeline.buffer;

import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.CascadeConfig;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * The time trigger of one (pipeline, tier) buffer under its pipeline's latency objective (docs/claude-stage.md "Latency
 * objective"): an event may wait what the objective leaves after the time it still has ahead of it, so that at low
 * arrival rates batches fill while a review's p99 stays within the objective.
 *
 * <pre>
 *   downstream = p99(tier's model)
 *              [+ escalation_wait_ms + max p99(escalation tiers' models)   when the tier judges a cascade first]
 *              + margin (a tenth of the objective)
 *   wait       = clamp(objective - downstream, max_wait_ms, objective)
 * </pre>
 *
 * Until each model it needs is measured ({@link com.reviewpipeline.telemetry.ApiLatency#MIN_SAMPLES} calls) the wait
 * is {@code max_wait_ms}, as without an objective. An escalated review has waited once and been judged once already:
 * it waits at most {@code escalation_wait_ms}.
 */
final class LatencyObjective {

  /**
   * Share of the objective kept for what the API's percentile does not see: the hops into and out of the buffer, the
   * publisher's write, a rate-limiter wait, and the percentile's own error over a window of 200 calls.
   */
  static final double MARGIN_SHARE = 0.10;

  /** Why a buffer waits as long as it does (shown in {@code /api/stats}). */
  enum Basis {
    /** No objective: {@code max_wait_ms}. */
    NO_OBJECTIVE,
    /** An objective, but a model it depends on is not measured yet: {@code max_wait_ms}. */
    NOT_MEASURED,
    /** The objective leaves less than {@code max_wait_ms}: the floor. */
    FLOOR,
    /** What the objective leaves after the expected downstream time. */
    OBJECTIVE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param ordinaryMs how long an ordinary event may wait
   * @param escalatedMs how long an escalated event may wait
   * @param tierP99Ms the measured latency of the tier's model (empty: not measured)
   * @param escalationP99Ms when the tier judges a cascade first, the slowest measured escalation tier's (else empty)
   * @param downstreamMs the expected time after the flush, margin included (empty: not known)
   */
  record Wait(long ordinaryMs, long escalatedMs, Basis basis, BufferConfig settings, OptionalLong tierP99Ms,
      OptionalLong escalationP99Ms, OptionalLong downstreamMs) {

    JsonObject toJson() {
      JsonObject j = new JsonObject()
          .put("effective_wait_ms", ordinaryMs)
          .put("escalated_wait_ms", escalatedMs)
          .put("basis", basis.label())
          .put("max_wait_ms", settings.maxWaitMs())
          .put("latency_objective_ms", settings.latencyObjectiveMs());
      tierP99Ms.ifPresent(v -> j.put("api_latency_p99_ms", v));
      escalationP99Ms.ifPresent(v -> j.put("escalation_api_latency_p99_ms", v));
      downstreamMs.ifPresent(v -> j.put("expected_downstream_ms", v));
      return j;
    }
  }

  private LatencyObjective() {}

  /** The waits when nothing is measured: {@code max_wait_ms}, an escalated event's shorter under an objective. */
  static Wait unmeasured(BufferConfig b) {
    return of(b, OptionalLong.empty(), false, OptionalLong.empty());
  }

  /**
   * @param tierP99Ms the measured latency of the tier's model
   * @param judgesFirst whether the tier is its pipeline's cascade first tier (an escalation may follow its call)
   * @param escalationP99Ms the slowest measured latency of the tiers it escalates to (used when {@code judgesFirst})
   */
  static Wait of(BufferConfig b, OptionalLong tierP99Ms, boolean judgesFirst, OptionalLong escalationP99Ms) {
    OptionalLong escalation = judgesFirst ? escalationP99Ms : OptionalLong.empty();
    if (!b.hasObjective()) {
      return new Wait(b.maxWaitMs(), b.maxWaitMs(), Basis.NO_OBJECTIVE, b, tierP99Ms, escalation, OptionalLong.empty());
    }
    long escalated = Math.min(b.escalationWaitMs(), b.maxWaitMs());
    if (tierP99Ms.isEmpty() || (judgesFirst && escalation.isEmpty())) {
      return new Wait(b.maxWaitMs(), escalated, Basis.NOT_MEASURED, b, tierP99Ms, escalation, OptionalLong.empty());
    }
    long margin = Math.round(b.latencyObjectiveMs() * MARGIN_SHARE);
    long downstream = tierP99Ms.getAsLong() + margin
        + (judgesFirst ? b.escalationWaitMs() + escalation.getAsLong() : 0);
    long left = b.latencyObjectiveMs() - downstream;
    long ordinary = Math.min(b.latencyObjectiveMs(), Math.max(b.maxWaitMs(), left));
    Basis basis = left < b.maxWaitMs() ? Basis.FLOOR : Basis.OBJECTIVE;
    return new Wait(ordinary, Math.min(b.escalationWaitMs(), ordinary), basis, b, tierP99Ms, escalation,
        OptionalLong.of(downstream));
  }

  /**
   * The waits of {@code tier}'s buffer now.
   *
   * @param p99ByTier the measured latency of a tier's model
   */
  static Wait of(BufferConfig b, CascadeConfig cascade, String tier, Function<String, OptionalLong> p99ByTier) {
    boolean first = cascade.judgesFirst(tier);
    OptionalLong escalation = OptionalLong.empty();
    if (first) {
      // an escalation rule may name its own tier: the slowest of them bounds the second call
      Set<String> next = new LinkedHashSet<>();
      next.add(cascade.escalateTo());
      cascade.rules().forEach(r -> next.add(r.tier().isEmpty() ? cascade.escalateTo() : r.tier()));
      long slowest = 0;
      for (String t : next) {
        OptionalLong p = p99ByTier.apply(t);
        if (p.isEmpty()) {
          return of(b, p99ByTier.apply(tier), true, OptionalLong.empty());
        }
        slowest = Math.max(slowest, p.getAsLong());
      }
      escalation = OptionalLong.of(slowest);
    }
    return of(b, p99ByTier.apply(tier), first, escalation);
  }
}
