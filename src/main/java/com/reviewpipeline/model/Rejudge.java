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

  /** As a durable record keeps it (a Message Batch request's escalated events, docs/claude-stage.md "Message Batches"). */
  public JsonObject toJson() {
    io.vertx.core.json.JsonArray p = new io.vertx.core.json.JsonArray();
    prior.forEach(v -> p.add(new JsonObject().put("model", v.model()).put("tier", v.tier()).put("verdict", v.verdict())
        .put("flagged", v.flagged()).put("reason", v.reason()).put("cost_usd", v.costUsd())
        .put("input_tokens", v.inputTokens()).put("output_tokens", v.outputTokens())));
    return new JsonObject().put("kind", kind.name()).put("tier", tier).put("prior", p);
  }

  public static Rejudge fromJson(JsonObject j) {
    List<Prior> p = new java.util.ArrayList<>();
    for (Object o : j.getJsonArray("prior", new io.vertx.core.json.JsonArray())) {
      JsonObject v = (JsonObject) o;
      p.add(new Prior(v.getString("model"), v.getString("tier"), v.getJsonObject("verdict", new JsonObject()),
          v.getBoolean("flagged", false), v.getString("reason", ""), v.getDouble("cost_usd", 0.0),
          v.getDouble("input_tokens", 0.0), v.getDouble("output_tokens", 0.0)));
    }
    return new Rejudge(Kind.valueOf(j.getString("kind", Kind.ESCALATION.name())), j.getString("tier"), List.copyOf(p));
  }

  /** The same verdicts with no cost or tokens: what a coalesced copy, billed nothing, carries. */
  public Rejudge unbilled() {
    return new Rejudge(kind, tier, prior.stream().map(p -> new Prior(p.model(), p.tier(), p.verdict(), p.flagged(),
        p.reason(), 0, 0, 0)).toList());
  }

  public double priorCostUsd() {
    return prior.stream().mapToDouble(Prior::costUsd).sum();
  }
}
