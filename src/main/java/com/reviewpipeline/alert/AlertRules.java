package com.reviewpipeline.alert;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The state of every alert condition: each fires once and resolves once. A condition reported over the bus
 * ({@link #observe}) changes when its sender says so: the sender (circuit breaker, budget, agreement ledger) already
 * decides with its own hysteresis. A level checked periodically ({@link #observeLevel}: backlog, lag, routing drift)
 * has hysteresis here, so a value moving around its bound fires once and resolves once. Returns the Slack message to
 * send for each change, nothing for no change. Not thread-safe: one verticle owns it.
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

  /** The message of a level's change: firing or resolved, after it held for {@code heldMs}. */
  interface Message {
    String of(boolean firing, long heldMs);
  }

  /** Since when a level has been heading for a change; -1: it is not. */
  private static final class Pending {
    long since = -1;
  }

  private final Map<String, Boolean> firing = new HashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();

  /** The condition {@code key} is (or is no longer) breached now. */
  Optional<Change> observe(String key, boolean breached, String severity, String message) {
    if (breached == firing.getOrDefault(key, false)) {
      return Optional.empty();
    }
    firing.put(key, breached);
    return Optional.of(new Change(key, breached, severity, message));
  }

  /**
   * A level against its bound, with hysteresis. It fires when over {@code bound} now and since it first went over
   * {@code forMs} ago; only a fall to at most {@code margin × bound} cancels that, because a value that keeps crossing
   * its bound without falling clearly below it is the breach the alert reports. Once firing, it resolves when it has
   * stayed at or below {@code margin × bound} for {@code forMs}; any value above that restarts the wait, because the
   * resolved message promises the condition is over. In between the two it keeps its state. A NaN (nothing to
   * measure, e.g. too few events) is in between: it neither fires nor resolves.
   */
  Optional<Change> observeLevel(String key, double value, double bound, double margin, long forMs, long now,
      String severity, Message message) {
    Pending p = pending.computeIfAbsent(key, k -> new Pending());
    boolean over = value > bound;
    boolean clear = value <= bound * margin;
    boolean wasFiring = firing(key);
    boolean heading = wasFiring ? clear : over;
    boolean cancels = wasFiring ? !clear : clear;
    if (cancels) {
      p.since = -1;
      return Optional.empty();
    }
    if (!heading) {
      return Optional.empty();
    }
    if (p.since < 0) {
      p.since = now;
    }
    long held = now - p.since;
    if (held < forMs) {
      return Optional.empty();
    }
    p.since = -1;
    return observe(key, !wasFiring, severity, message.of(!wasFiring, held));
  }

  /**
   * Forgets the service-wide conditions (lag, manual-review backlog, routing drift) without resolving them: another
   * member raises them now, and taking over later starts from what is true then.
   */
  void forgetServiceConditions() {
    firing.keySet().removeIf(AlertRules::serviceCondition);
    pending.keySet().removeIf(AlertRules::serviceCondition);
  }

  private static boolean serviceCondition(String key) {
    return key.startsWith("lag_") || key.equals("dlq_backlog") || key.startsWith("routing_drift:");
  }

  boolean firing(String key) {
    return firing.getOrDefault(key, false);
  }

  /** A window or interval as a reader says it: {@code 45 s}, {@code 60 min}; {@code 90 s}, not a rounded minute. */
  static String span(long ms) {
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms % 60_000 == 0 ? ms / 60_000 + " min" : Math.round(ms / 1000.0) + " s";
  }
}
