package com.reviewpipeline.alert;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The article's two monitoring figures from cumulative judged totals (see {@link JudgedTotals}, summed
 * over the cluster): per pipeline, what an interval cost and how it split over tiers and models (the summary), and
 * each tier's share of the events over a rolling window (routing drift). Plain: the caller records snapshots with
 * their time. Totals that go down (a node restarted or left) count as zero, never negative.
 */
final class MixMonitor {

  /**
   * One (pipeline, tier) against its bound over the window; {@code measured} when the pipeline judged enough events in
   * it for its share to say anything.
   */
  record Drift(String pipeline, String tier, double share, long tierEvents, long events, double bound, boolean measured) {

    /** The share, or NaN for a window too quiet to judge: then the alert neither fires nor resolves. */
    double level() {
      return measured ? share : Double.NaN;
    }

    /** The Slack message, naming the window as it is ({@code 45 s}, {@code 60 min}). */
    String message(long windowMs, boolean firing) {
      return String.format(Locale.ROOT, "%s: tier %s judged %.1f%% of %,d events over the last %s (bound %.0f%%)%s",
          pipeline, tier, share * 100, events, AlertRules.span(windowMs), bound * 100, firing
              ? "; the routing thresholds may need recalibration, or the event data has shifted" : "");
    }
  }

  private record Snapshot(long at, JsonObject totals) {}

  private final long windowMs;
  private final Deque<Snapshot> window = new ArrayDeque<>();
  private Snapshot lastSummary;
  private JsonObject previousInterval;

  MixMonitor(long windowMs) {
    this.windowMs = windowMs;
  }

  void record(long now, JsonObject totals) {
    Snapshot s = new Snapshot(now, totals.copy());
    window.addLast(s);
    // keep one snapshot at or before the window's start as its baseline
    while (window.size() >= 2 && secondAt() <= now - windowMs) {
      window.removeFirst();
    }
    if (lastSummary == null) {
      lastSummary = s;
    }
  }

  private long secondAt() {
    var it = window.iterator();
    it.next();
    return it.next().at();
  }

  /** Events per pipeline and tier over the window (up to the latest snapshot). */
  Map<String, Map<String, Long>> windowEvents() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    if (window.size() < 2) {
      return out;
    }
    JsonObject delta = minus(window.getLast().totals(), window.getFirst().totals());
    delta.getJsonObject("events", new JsonObject()).forEach(e -> {
      String[] ptm = e.getKey().split("\\|", 3);
      out.computeIfAbsent(ptm[0], k -> new TreeMap<>()).merge(ptm[1], ((Number) e.getValue()).longValue(), Long::sum);
    });
    return out;
  }

  /** Each configured bound against the window: measured when the pipeline judged at least {@code minEvents}. */
  List<Drift> drift(Map<String, Map<String, Double>> bounds, long minEvents) {
    Map<String, Map<String, Long>> events = windowEvents();
    List<Drift> out = new ArrayList<>();
    bounds.forEach((pipeline, tiers) -> tiers.forEach((tier, bound) -> {
      Map<String, Long> byTier = events.getOrDefault(pipeline, Map.of());
      long total = byTier.values().stream().mapToLong(Long::longValue).sum();
      long onTier = byTier.getOrDefault(tier, 0L);
      double share = total == 0 ? 0 : (double) onTier / total;
      out.add(new Drift(pipeline, tier, share, onTier, total, bound, total >= minEvents));
    }));
    return out;
  }

  /**
   * The interval since the last summary (or since the first snapshot), per pipeline: events, cost, cost per 1,000,
   * per tier and model, flagged and dead-lettered, and the change against the interval before. Starts the next one.
   */
  JsonObject summary(long now, long intervalMs) {
    Snapshot latest = window.getLast();
    JsonObject delta = minus(latest.totals(), lastSummary.totals());
    JsonObject out = new JsonObject();
    Map<String, JsonObject> pipelines = new TreeMap<>();
    delta.getJsonObject("events", new JsonObject()).forEach(e -> {
      String[] ptm = e.getKey().split("\\|", 3);
      long n = ((Number) e.getValue()).longValue();
      double usd = delta.getJsonObject("cost_usd", new JsonObject()).getDouble(e.getKey(), 0.0);
      JsonObject p = pipelines.computeIfAbsent(ptm[0], k -> new JsonObject().put("pipeline", k).put("events", 0L)
          .put("cost_usd", 0.0).put("tiers", new JsonObject()));
      p.put("events", p.getLong("events") + n).put("cost_usd", p.getDouble("cost_usd") + usd);
      if (n == 0 && usd == 0) {
        return; // a tier idle in this interval
      }
      JsonObject tier = p.getJsonObject("tiers").getJsonObject(ptm[1]);
      if (tier == null) {
        tier = new JsonObject().put("events", 0L).put("cost_usd", 0.0).put("models", new JsonObject());
        p.getJsonObject("tiers").put(ptm[1], tier);
      }
      tier.put("events", tier.getLong("events") + n).put("cost_usd", tier.getDouble("cost_usd") + usd);
      tier.getJsonObject("models").put(ptm[2], new JsonObject().put("events", n).put("cost_usd", round(usd)));
    });
    pipelines.forEach((name, p) -> {
      long n = p.getLong("events");
      double usd = p.getDouble("cost_usd");
      long flagged = delta.getJsonObject("flagged", new JsonObject()).getLong(name, 0L);
      p.put("cost_usd", round(usd)).put("cost_per_1000_events_usd", per1000(usd, n))
          .put("flagged", flagged).put("flagged_share", share(flagged, n))
          .put("dead_lettered", delta.getJsonObject("dead_lettered", new JsonObject()).getLong(name, 0L))
          .put("interval_ms", intervalMs);
      p.getJsonObject("tiers").forEach(t -> {
        JsonObject tier = (JsonObject) t.getValue();
        tier.put("share", share(tier.getLong("events"), n)).put("cost_usd", round(tier.getDouble("cost_usd")));
      });
      JsonObject before = previousInterval == null ? null : previousInterval.getJsonObject(name);
      if (before != null) {
        p.put("previous", new JsonObject().put("events", before.getLong("events"))
            .put("cost_usd", before.getDouble("cost_usd"))
            .put("cost_per_1000_events_usd", before.getDouble("cost_per_1000_events_usd")));
      }
      out.put(name, p);
    });
    lastSummary = latest;
    previousInterval = out.copy();
    return out;
  }

  /** The summary of one pipeline as one Slack line. */
  static String text(JsonObject p) {
    String interval = AlertRules.span(p.getLong("interval_ms"));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, ":bar_chart: %s, last %s: %,d events judged, $%.4f ($%.4f per 1,000",
        p.getString("pipeline"), interval, p.getLong("events"), p.getDouble("cost_usd"),
        p.getDouble("cost_per_1000_events_usd")));
    JsonObject before = p.getJsonObject("previous");
    if (before != null && before.getDouble("cost_per_1000_events_usd") > 0) {
      double change = p.getDouble("cost_per_1000_events_usd") / before.getDouble("cost_per_1000_events_usd") - 1;
      sb.append(String.format(Locale.ROOT, "; previous interval $%.4f per 1,000 on %,d events, %+.0f%%",
          before.getDouble("cost_per_1000_events_usd"), before.getLong("events"), change * 100));
    }
    sb.append("). Tiers:");
    p.getJsonObject("tiers").fieldNames().stream().sorted().forEach(name -> {
      JsonObject t = p.getJsonObject("tiers").getJsonObject(name);
      sb.append(String.format(Locale.ROOT, " %s %.1f%% (%,d, $%.4f, %s)", name, t.getDouble("share") * 100,
          t.getLong("events"), t.getDouble("cost_usd"), String.join("/", t.getJsonObject("models").fieldNames())));
    });
    sb.append(String.format(Locale.ROOT, ". Flagged %.1f%%, dead-lettered %,d.", p.getDouble("flagged_share") * 100,
        p.getLong("dead_lettered")));
    return sb.toString();
  }

  /** {@code a - b} field by field, recursively; a total that went down counts as zero. */
  static JsonObject minus(JsonObject a, JsonObject b) {
    JsonObject out = new JsonObject();
    a.forEach(e -> {
      Object av = e.getValue();
      Object bv = b.getValue(e.getKey());
      if (av instanceof JsonObject ao) {
        out.put(e.getKey(), minus(ao, bv instanceof JsonObject bo ? bo : new JsonObject()));
      } else if (av instanceof Number an) {
        double bn = bv instanceof Number n ? n.doubleValue() : 0;
        boolean integral = !(an instanceof Double || an instanceof Float || bv instanceof Double || bv instanceof Float);
        double d = Math.max(0, an.doubleValue() - bn);
        out.put(e.getKey(), integral ? (Object) (long) d : (Object) d);
      }
    });
    return out;
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : Math.round((double) part / whole * 10_000) / 10_000.0;
  }

  private static double per1000(double usd, long n) {
    return n == 0 ? 0 : round(usd / n * 1000);
  }

  private static double round(double usd) {
    return Math.round(usd * 1_000_000) / 1_000_000.0;
  }
}
