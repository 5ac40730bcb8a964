package com.reviewpipeline.alert;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The state of every alert condition: each fires once when it becomes breached and resolves once when it stops
 * being so; a sustained condition (consumer lag) fires only after it stayed breached for its {@code for_ms}. Returns
 * the Slack message to send for each change, nothing for no change. Not thread-safe: one verticle owns it.
 */
final class AlertRules {

  /** One change of a condition, as the Slack message that reports it. */
  record Change(String key, boolean firing, String severity, String message) {

    JsonObject slack() {
      String text = (firing ? ":rotating_light: [" + severity.toUpperCase(java.util.Locale.ROOT) + "] "
          : ":white_check_mark: [RESOLVED] ") + key + ": " + message;
      return new JsonObject().put("text", text)
          .put("alert", new JsonObject().put("key", key).put("status", firing ? "firing" : "resolved")
              .put("severity", severity).put("message", message));
    }
  }

  private final Map<String, Boolean> firing = new HashMap<>();
  private final Map<String, Long> breachedSince = new HashMap<>();

  /** The condition {@code key} is (or is no longer) breached now. */
  Optional<Change> observe(String key, boolean breached, String severity, String message) {
    if (breached == firing.getOrDefault(key, false)) {
      return Optional.empty();
    }
    firing.put(key, breached);
    return Optional.of(new Change(key, breached, severity, message));
  }

  /**
   * A condition that fires only once breached for {@code forMs}; its resolve message says the value is back under
   * the threshold ({@code "X is N ... (over T)"} becomes {@code "X is back to N ... (threshold T)"}).
   */
  Optional<Change> observeSustained(String key, boolean breached, long forMs, long now, String severity, String message) {
    if (!breached) {
      breachedSince.remove(key);
      return observe(key, false, severity, message.replace(" is ", " is back to ").replace("(over ", "(threshold "));
    }
    long since = breachedSince.computeIfAbsent(key, k -> now);
    return now - since >= forMs
        ? observe(key, true, severity, message + " for " + (now - since) / 1000 + " s")
        : Optional.empty();
  }

  /**
   * Forgets the service-wide conditions (lag, manual-review backlog, routing drift) without resolving them: another
   * member raises them now, and taking over later starts from what is true then.
   */
  void forgetServiceConditions() {
    breachedSince.clear();
    firing.keySet().removeIf(k -> k.startsWith("lag_") || k.equals("dlq_backlog") || k.startsWith("routing_drift:"));
  }

  boolean firing(String key) {
    return firing.getOrDefault(key, false);
  }
}
