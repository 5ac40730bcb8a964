package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Agreement-gated escalation of a pipeline's cascade (docs/claude-stage.md "Agreement-gated escalation"): a
 * confident first verdict
 * that flags a review is judged again only while the first tier's agreement with the shadow reference tier on that
 * flag is unproven, that is with fewer than {@code minSamples} comparisons in the window, or a Wilson 95% lower bound
 * of agreement below {@code target}. Low-confidence verdicts and escalation rules are not gated.
 *
 * @param enabled false: every flagged first verdict escalates, as without the gate
 * @param minSamples comparisons of a field before its agreement can count as proven
 * @param target the lower bound of agreement a field must reach
 * @param window the most recent comparisons per field the agreement is measured over (drift shows within it)
 * @param hysteresis a proven field becomes unproven again only below {@code target - hysteresis}, so a bound hovering
 *     at the target does not flip escalation (and its alert) on every comparison
 * @param pins per flag field, {@code always} or {@code never}: escalation fixed by the operator, whatever is measured
 */
public record AgreementPolicy(boolean enabled, int minSamples, double target, int window, double hysteresis,
    Map<String, Pin> pins) {

  /** An operator's fixed answer for a field. */
  public enum Pin { ALWAYS, NEVER }

  /** No gate: every confident flag escalates. */
  public static final AgreementPolicy OFF = new AgreementPolicy(false, 200, 0.95, 1000, 0.01, Map.of());

  public AgreementPolicy {
    pins = Map.copyOf(pins);
  }

  /** The operator's pin of {@code field}, or null when measured. */
  public Pin pin(String field) {
    return pins.get(field);
  }

  public AgreementPolicy withPins(Map<String, Pin> p) {
    return new AgreementPolicy(enabled, minSamples, target, window, hysteresis, p);
  }

  static AgreementPolicy fromJson(JsonObject j, List<String> flagFields, String pipeline) {
    String where = "pipeline " + pipeline + ": cascade.agreement.";
    int min = j.getInteger("min_samples");
    double target = j.getDouble("target");
    int window = j.getInteger("window");
    double hysteresis = j.getDouble("hysteresis");
    if (min < 1) {
      throw new IllegalArgumentException(where + "min_samples must be at least 1: " + min);
    }
    if (!(target > 0 && target < 1)) {
      throw new IllegalArgumentException(where + "target must be within (0, 1): " + target);
    }
    if (window < min) {
      throw new IllegalArgumentException(where + "window (" + window + ") must be at least min_samples (" + min + ")");
    }
    if (hysteresis < 0 || hysteresis >= target) {
      throw new IllegalArgumentException(where + "hysteresis must be within [0, target): " + hysteresis);
    }
    Map<String, Pin> pins = new TreeMap<>();
    JsonObject given = j.getJsonObject("pin", new JsonObject());
    for (String field : given.fieldNames()) {
      if (!flagFields.contains(field)) {
        throw new IllegalArgumentException(where + "pin: '" + field + "' is not one of the flag fields " + flagFields);
      }
      String value = String.valueOf(given.getValue(field));
      pins.put(field, switch (value) {
        case "always" -> Pin.ALWAYS;
        case "never" -> Pin.NEVER;
        default -> throw new IllegalArgumentException(where + "pin." + field + " must be always or never: " + value);
      });
    }
    return new AgreementPolicy(j.getBoolean("enabled"), min, target, window, hysteresis, pins);
  }

  public JsonObject toJson() {
    JsonObject pin = new JsonObject();
    pins.forEach((f, p) -> pin.put(f, p.name().toLowerCase(java.util.Locale.ROOT)));
    return new JsonObject().put("enabled", enabled).put("min_samples", minSamples).put("target", target)
        .put("window", window).put("hysteresis", hysteresis).put("pin", pin);
  }
}
