package com.reviewpipeline.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The {@code GET /api/stats} document of one node, read from its {@link Telemetry}. */
final class StatsDocument {

  private final Telemetry t;

  private StatsDocument(Telemetry t) {
    this.t = t;
  }

  static JsonObject of(Telemetry t) {
    return new StatsDocument(t).build();
  }

  private JsonObject build() {
    double processed = t.sum("review_events_processed_total");
    double cost = t.sum("claude_cost_usd_total");
    JsonObject totals = new JsonObject()
        .put("consumed", (long) t.sum("review_events_consumed_total"))
        .put("processed", (long) processed)
        .put("flagged", (long) t.sum("review_events_flagged_total"))
        .put("contained", (long) t.sum("review_events_contained_total"))
        .put("cached", (long) t.sum("review_verdict_cache_hits_total"))
        .put("dead_lettered", (long) t.sum("review_events_dead_lettered_total"))
        .put("batches", (long) t.sum("review_batches_flushed_total"))
        .put("in_flight", t.inFlight())
        .put("skipped_done", (long) t.sum("review_events_skipped_done_total"))
        .put("assigned_partitions", t.assignedPartitions().values().stream().mapToInt(java.util.Set::size).sum())
        .put("cost_usd", round(cost))
        .put("cost_per_1000_events_usd", processed == 0 ? 0.0 : round(cost / processed * 1000))
        .put("uptime_s", (System.currentTimeMillis() - t.startedAtMs()) / 1000);
    JsonObject stats = new JsonObject()
        .put("totals", totals)
        .put("by_pipeline", groupBy("pipeline"))
        .put("by_model", groupBy("model"))
        .put("by_tier", groupBy("tier"))
        .put("flush_triggers", groupCounter("review_batches_flushed_total", "trigger"))
        .put("buffer_waits", t.bufferWaits())
        .put("rate_limit_waits", (long) t.sum("claude_rate_limit_waits_total"))
        .put("items_resent", (long) t.sum("claude_items_resent_total"))
        .put("retries_scheduled", groupCounter("review_retries_scheduled_total", "topic"))
        .put("cascade", t.cascadeStats())
        .put("unknown_ids", (long) t.sum("claude_unknown_result_ids_total"))
        .put("alerts", groupCounter("review_alerts_total", "type"))
        .put("api_keys", t.claude().keysView())
        .put("paused", new JsonObject(new java.util.HashMap<>(t.pauseReasons().entrySet().stream()
            .filter(e -> !e.getValue().isEmpty())
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) new io.vertx.core.json.JsonArray(List.copyOf(e.getValue())))))))
        .put("verdict_cache", VerdictCacheMeters.stats(t.registry()))
        .put("simulator_answered", t.simulatorAnsweredSeen())
        .put("jvm", jvm());
    t.views().forEach((name, view) -> stats.put(name, view.get()));
    return stats;
  }

  /** Heap now and at its peak since start (sum of heap pools' peaks: an upper bound). */
  static JsonObject jvm() {
    long used = 0;
    long peak = 0;
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
        peak += pool.getPeakUsage().getUsed();
      }
    }
    long max = Runtime.getRuntime().maxMemory();
    return new JsonObject()
        .put("heap_used_mb", used / (1024 * 1024))
        .put("heap_peak_mb", peak / (1024 * 1024))
        .put("heap_max_mb", max / (1024 * 1024));
  }

  private JsonObject groupBy(String tag) {
    JsonObject out = new JsonObject();
    addGroup(out, tag, "review_events_processed_total", "processed");
    addGroup(out, tag, "review_events_flagged_total", "flagged");
    addGroup(out, tag, "review_events_contained_total", "contained");
    addGroup(out, tag, "review_verdict_cache_hits_total", "cached");
    addGroup(out, tag, "review_events_dead_lettered_total", "dead_lettered");
    addGroup(out, tag, "claude_cost_usd_total", "cost_usd");
    for (Counter c : t.registry().find("claude_tokens_total").counters()) {
      String key = c.getId().getTag(tag);
      if (key != null) {
        JsonObject g = group(out, key);
        String kind = c.getId().getTag("kind") + "_tokens";
        g.put(kind, g.getLong(kind, 0L) + (long) c.count());
      }
    }
    out.forEach(e -> {
      JsonObject g = (JsonObject) e.getValue();
      long n = g.getLong("processed", 0L);
      double usd = g.getDouble("cost_usd", 0.0);
      g.put("cost_usd", round(usd));
      g.put("cost_per_1000_events_usd", n == 0 ? 0.0 : round(usd / n * 1000));
      if (g.containsKey("input_tokens")) {
        // one rule for a node and for the sum over nodes, which recomputes it rather than adding shares
        g.put("cache_read_share", com.reviewpipeline.bus.ClusterNodes.cacheReadShare(g));
      }
      if (g.containsKey("thinking_tokens")) {
        // estimated (output_tokens minus the answer's own tokens); already inside output_tokens and the cost
        g.put("thinking_tokens_per_review", n == 0 ? 0.0 : Math.round(g.getLong("thinking_tokens") * 100.0 / n) / 100.0);
      }
    });
    return out;
  }

  private void addGroup(JsonObject out, String tag, String meter, String field) {
    for (Counter c : t.registry().find(meter).counters()) {
      String key = c.getId().getTag(tag);
      if (key != null) {
        JsonObject g = group(out, key);
        if (field.equals("cost_usd")) {
          g.put(field, g.getDouble(field, 0.0) + c.count());
        } else {
          g.put(field, g.getLong(field, 0L) + (long) c.count());
        }
      }
    }
  }

  private JsonObject groupCounter(String meter, String tag) {
    return groupCounter(t.registry(), meter, tag);
  }

  /** A counter's counts summed per value of {@code tag}. */
  static JsonObject groupCounter(io.micrometer.core.instrument.MeterRegistry registry, String meter, String tag) {
    JsonObject out = new JsonObject();
    for (Meter m : registry.find(meter).meters()) {
      if (m instanceof Counter c) {
        String key = c.getId().getTag(tag);
        out.put(key, out.getLong(key, 0L) + (long) c.count());
      }
    }
    return out;
  }

  private static JsonObject group(JsonObject out, String key) {
    JsonObject g = out.getJsonObject(key);
    if (g == null) {
      g = new JsonObject();
      out.put(key, g);
    }
    return g;
  }

  private static double round(double usd) {
    return Math.round(usd * 1_000_000.0) / 1_000_000.0;
  }

}
