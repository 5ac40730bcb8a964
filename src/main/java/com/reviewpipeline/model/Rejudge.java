package com.reviewpipeline.model;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An event judged again on another tier: escalated by a cascade (its verdict there is the one published) or sampled
 * as a shadow (its verdict there is only compared, never published).
 *
 * @param tier the tier the event is judged on now, whatever its routing says
 * @param prior the verdicts it had before, oldest first (a shadow: the published one)
 */
public record Rejudge(Kind kind, String tier, List<Prior> prior) {

  public enum Kind { ESCALATION, SHADOW }

  /**
   * One earlier verdict of the event.
   *
   * @param reason why it was escalated ({@code flagged}, {@code low_confidence}, {@code rule_<n>}); empty for a shadow
   * @param costUsd its share of its batch's cost
   */
  public record Prior(String model, String tier, JsonObject verdict, boolean flagged, String reason, double costUsd,
      double inputTokens, double outputTokens) {}

  public double priorCostUsd() {
    return prior.stream().mapToDouble(Prior::costUsd).sum();
  }
}
