package com.reviewpipeline.devtools.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** The closing table: one line per scenario that ran, its headline figure and whether its target was met. */
final class BenchReport {

  private BenchReport() {
  }

  /** Prints the table from the run's summary (each scenario's JSON under its name, {@code wall_s} for the run). */
  static void printTable(JsonObject summary, Path out) {
    System.out.printf("%n%-10s %-60s %s%n", "scenario", "figure", "target");
    JsonObject o = summary.getJsonObject("overhead");
    if (o != null) {
      System.out.printf("%-10s %-60s %s%n", "overhead", String.format("pipeline %,.0f ev/s vs raw mirror %,.0f rec/s: ratio %.3f",
          o.getDouble("pipeline_events_per_s"), o.getDouble("mirror_records_per_s"), o.getDouble("ratio")), met(o.getBoolean("target_met"), ">= 0.5"));
    }
    JsonObject a = summary.getJsonObject("api-bound");
    if (a != null) {
      System.out.printf("%-10s %-60s %s%n", "api-bound", String.format("%,.1f ev/s vs ceiling %,.1f (%s): ratio %.3f; 429s %d",
          a.getDouble("events_per_s"), a.getJsonObject("ceiling").getDouble("events_per_s"),
          a.getJsonObject("ceiling").getString("bound_by"), a.getDouble("ratio"), a.getLong("status_429")), met(a.getBoolean("target_met"), ">= 0.95"));
    }
    JsonObject l = summary.getJsonObject("latency");
    if (l != null) {
      System.out.printf("%-10s %-60s %s%n", "latency", String.format("p50 %.0f / p95 %.0f / p99 %.0f ms at %.1f ev/s",
          l.getDouble("p50_ms"), l.getDouble("p95_ms"), l.getDouble("p99_ms"), l.getDouble("rate_events_per_s")),
          met(l.getBoolean("target_met"), "p99 <= " + l.getDouble("target_p99_ms").intValue() + " ms"));
    }
    JsonObject b = summary.getJsonObject("backlog");
    if (b != null) {
      System.out.printf("%-10s %-60s %s%n", "backlog", String.format("%,d events: heap %d MB, RSS %d MB, drain %.0f s, lost %d",
          b.getInteger("events"), b.getLong("heap_peak_mb"), b.getLong("rss_peak_mb"), b.getDouble("drain_s"), b.getLong("lost")),
          met(b.getBoolean("target_met"), "heap <= 256 MB, 0 lost"));
    }
    JsonObject c = summary.getJsonObject("cost");
    if (c != null) {
      System.out.printf("%-10s %-60s %s%n", "cost", String.format("$%.4f / $%.4f / $%.4f per 1000: a/b %.3f, a/c %.3f",
          c.getJsonObject("a").getDouble("usd_per_1000"), c.getJsonObject("b").getDouble("usd_per_1000"),
          c.getJsonObject("c").getDouble("usd_per_1000"), c.getDouble("ratio_a_b"), c.getDouble("ratio_a_c")),
          met(c.getJsonObject("target_met").getBoolean("a_b"), "a/b <= 0.25") + ", " + met(c.getJsonObject("target_met").getBoolean("a_c"), "a/c <= 0.10"));
    }
    JsonObject k = summary.getJsonObject("containment");
    if (k != null) {
      System.out.printf("%-10s %-60s %s%n", "contain", String.format("standard %.2f%% contained, x%.3f; fifth injected x%.3f",
          100 * k.getJsonObject("b").getDouble("contained_share"), k.getDouble("standard_cost_ratio_b_a"),
          k.getDouble("injected_cost_ratio_e_c")), "benign flagged " + k.getJsonObject("e").getInteger("benign_flagged")
          + " (off: " + k.getJsonObject("d").getInteger("benign_flagged") + ")");
    }
    System.out.printf("total %.0f s; JSON in %s%n", summary.getDouble("wall_s"), out);
  }

  private static String met(boolean ok, String target) {
    return target + (ok ? " met" : " NOT met");
  }
}
