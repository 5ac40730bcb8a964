package com.reviewpipeline.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;

/**
 * This process's cumulative judged totals, read from its meters, for the {@link MixMonitor} to difference over
 * intervals and sum over the cluster: {@code events} and {@code cost_usd} by {@code pipeline|tier|model},
 * {@code flagged} and {@code dead_lettered} by pipeline.
 */
final class JudgedTotals {

  private JudgedTotals() {}

  static JsonObject of(MeterRegistry registry) {
    JsonObject events = new JsonObject();
    JsonObject cost = new JsonObject();
    for (Counter c : registry.find("review_events_processed_total").counters()) {
      String key = key(c);
      events.put(key, events.getLong(key, 0L) + (long) c.count());
    }
    for (Counter c : registry.find("claude_cost_usd_total").counters()) {
      String key = key(c);
      cost.put(key, cost.getDouble(key, 0.0) + c.count());
    }
    return new JsonObject().put("events", events).put("cost_usd", cost)
        .put("flagged", byPipeline(registry, "review_events_flagged_total"))
        .put("dead_lettered", byPipeline(registry, "review_events_dead_lettered_total"));
  }

  private static String key(Counter c) {
    return c.getId().getTag("pipeline") + "|" + c.getId().getTag("tier") + "|" + c.getId().getTag("model");
  }

  private static JsonObject byPipeline(MeterRegistry registry, String meter) {
    JsonObject out = new JsonObject();
    for (Counter c : registry.find(meter).counters()) {
      String pipeline = c.getId().getTag("pipeline");
      out.put(pipeline, out.getLong(pipeline, 0L) + (long) c.count());
    }
    return out;
  }
}
