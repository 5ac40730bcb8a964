package com.reviewpipeline.config;

import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * A pipeline's cascade (docs/claude-stage.md "Cascade"): events that routing sends to {@code firstTier} are judged
 * there first, and
 * a first verdict that is flagged, below {@code confidenceBelow}, or matched by a rule is judged again on a higher
 * tier; only the last verdict is published. Events routed to another tier are judged there directly.
 *
 * @param escalateTo the tier an escalation goes to unless its rule names another
 * @param whenFlagged escalate a first verdict that flags the review (one of the tool file's {@code flag_fields})
 * @param confidenceBelow escalate a first verdict whose {@code confidence} is below this (0: never)
 * @param rules further escalations, first match wins
 * @param agreement which confident flags escalate: those whose agreement with the reference tier is unproven
 */
public record CascadeConfig(
    boolean enabled,
    String firstTier,
    String escalateTo,
    boolean whenFlagged,
    double confidenceBelow,
    List<EscalationRule> rules,
    AgreementPolicy agreement) {

  /** No cascade: every event is judged once, on its routed tier. */
  public static final CascadeConfig OFF = new CascadeConfig(false, "", "", false, 0, List.of());

  /** A cascade without the agreement gate: every flagged first verdict escalates. */
  public CascadeConfig(boolean enabled, String firstTier, String escalateTo, boolean whenFlagged,
      double confidenceBelow, List<EscalationRule> rules) {
    this(enabled, firstTier, escalateTo, whenFlagged, confidenceBelow, rules, AgreementPolicy.OFF);
  }

  public CascadeConfig withAgreement(AgreementPolicy a) {
    return new CascadeConfig(enabled, firstTier, escalateTo, whenFlagged, confidenceBelow, rules, a);
  }

  /** Why a first verdict was escalated, and where to. */
  public record Escalation(String tier, String reason) {}

  /**
   * One escalation rule: the event conditions of a routing rule and, under {@code verdict}, values of the first
   * verdict's documented fields (a value or a list of values), all of which must hold.
   */
  public record EscalationRule(String tier, RouteRule event, JsonObject verdict) {

    boolean matches(ReviewEvent e, JsonObject firstVerdict) {
      if (!event.matches(e)) {
        return false;
      }
      for (String field : verdict.fieldNames()) {
        Object want = verdict.getValue(field);
        Object got = firstVerdict.getValue(field);
        boolean ok = want instanceof JsonArray values ? values.contains(got) : want.equals(got);
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }

  /** Whether an event judged on {@code tier} is judged there first, its verdict checked for escalation. */
  public boolean judgesFirst(String tier) {
    return enabled && firstTier.equals(tier);
  }

  /**
   * Where a first verdict goes next: null when it stands (cascade off, judged on another tier than the first, or no
   * condition holds). Reasons: {@code flagged}, {@code low_confidence}, {@code rule_<n>} (1-based).
   *
   * @param flagged whether the pipeline's flag fields flag the verdict
   */
  public Escalation escalation(String tier, ReviewEvent event, JsonObject verdict, boolean flagged) {
    return escalation(tier, event, verdict, flagged ? List.of("") : List.of(), field -> true);
  }

  /**
   * The same with the agreement gate: a flag escalates only when {@code escalatesFlag} says so for one of the
   * verdict's flagged fields (docs/claude-stage.md "Agreement-gated escalation"); low confidence and the rules are
   * not gated.
   *
   * @param flaggedFields the pipeline's flag fields the verdict sets
   */
  public Escalation escalation(String tier, ReviewEvent event, JsonObject verdict, List<String> flaggedFields,
      java.util.function.Predicate<String> escalatesFlag) {
    if (!judgesFirst(tier)) {
      return null;
    }
    if (whenFlagged && flaggedFields.stream().anyMatch(escalatesFlag)) {
      return new Escalation(escalateTo, "flagged");
    }
    if (verdict.getValue("confidence") instanceof Number c && c.doubleValue() < confidenceBelow) {
      return new Escalation(escalateTo, "low_confidence");
    }
    for (int i = 0; i < rules.size(); i++) {
      EscalationRule r = rules.get(i);
      if (r.matches(event, verdict)) {
        return new Escalation(r.tier().isEmpty() ? escalateTo : r.tier(), "rule_" + (i + 1));
      }
    }
    return null;
  }

  static CascadeConfig fromJson(JsonObject j, Set<String> tiers, List<String> fields, List<String> flagFields,
      String pipeline) {
    String where = "pipeline " + pipeline + ": cascade.";
    boolean enabled = j.getBoolean("enabled");
    String first = j.getString("first_tier");
    String to = j.getString("escalate_to");
    JsonObject when = j.getJsonObject("escalate_when");
    if (!enabled) {
      return OFF;
    }
    requireTier(tiers, first, where + "first_tier");
    requireTier(tiers, to, where + "escalate_to");
    if (first.equals(to)) {
      throw new IllegalArgumentException(where + "escalate_to must differ from first_tier ('" + first + "')");
    }
    JsonArray given = when.getJsonArray("rules");
    List<EscalationRule> rules = given.stream()
        .map(o -> rule((JsonObject) o, first, to, tiers, fields, where + "escalate_when.rules: ", pipeline))
        .toList();
    return new CascadeConfig(true, first, to, when.getBoolean("flagged"), when.getDouble("confidence_below"), rules,
        AgreementPolicy.fromJson(j.getJsonObject("agreement"), flagFields, pipeline));
  }

  private static EscalationRule rule(JsonObject r, String first, String to, Set<String> tiers, List<String> fields,
      String where, String pipeline) {
    for (String key : r.fieldNames()) {
      if (!key.equals("tier") && !key.equals("when")) {
        throw new IllegalArgumentException(where + "unknown key '" + key + "'; a rule has tier and when");
      }
    }
    String tier = r.getString("tier", "");
    if (!tier.isEmpty()) {
      requireTier(tiers, tier, where + "tier");
      if (tier.equals(first)) {
        throw new IllegalArgumentException(where + "a rule escalates to the first tier '" + first + "'");
      }
    }
    JsonObject when = r.getJsonObject("when", new JsonObject()).copy();
    JsonObject verdict = (JsonObject) when.remove("verdict");
    verdict = verdict == null ? new JsonObject() : verdict;
    for (String field : verdict.fieldNames()) {
      if (!fields.contains(field)) {
        throw new IllegalArgumentException(where + "verdict field '" + field + "' is not one of " + fields);
      }
    }
    RouteRule event = RouteRule.fromJson(new JsonObject().put("tier", tier.isEmpty() ? to : tier).put("when", when),
        tiers, pipeline);
    return new EscalationRule(tier, event, verdict);
  }

  static void requireTier(Set<String> tiers, String tier, String what) {
    if (!tiers.contains(tier)) {
      throw new IllegalArgumentException(what + " '" + tier + "' is not one of " + tiers);
    }
  }
}
