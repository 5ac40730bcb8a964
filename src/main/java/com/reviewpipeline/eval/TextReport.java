package com.reviewpipeline.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The terminal table of a report: one row per tier and the cascade, then agreement, then the sweep's answer. */
public final class TextReport {

  private TextReport() {}

  public static String render(JsonObject doc) {
    StringBuilder t = new StringBuilder();
    JsonObject tiers = doc.getJsonObject("tiers");
    List<String> flags = new ArrayList<>();
    if (!tiers.isEmpty()) {
      flags.addAll(tiers.getJsonObject(tiers.fieldNames().iterator().next()).getJsonObject("quality")
          .getJsonObject("flags").fieldNames());
    }
    t.append(String.format(Locale.ROOT, "%nVerdict quality: %s, pipeline %s, answers from %s (%d reviews judged)%n",
        doc.getString("input"), doc.getString("pipeline"), doc.getString("answers_from"),
        doc.getInteger("reviews_judged")));
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-10s %-20s %7s", "tier", "model", "judged"));
    for (String f : flags) {
      head.append(String.format(Locale.ROOT, " %-17s", f + " P/R/F1"));
    }
    head.append(String.format(Locale.ROOT, " %-10s %9s %8s %6s %7s %7s %8s%n", "sent acc/mF1", "$/1k rev",
        "tok/rev", "think", "p50 ms", "p99 ms", "inv/ref"));
    t.append(head);
    for (String tier : tiers.fieldNames()) {
      JsonObject s = tiers.getJsonObject(tier);
      JsonObject st = s.getJsonObject("statuses");
      t.append(row(tier, s.getString("model"), s.getJsonObject("quality"), flags, s.getDouble("usd_per_1000_reviews"),
          String.format(Locale.ROOT, "%8.0f %6.0f %7d %7d %8s",
              s.getDouble("input_tokens_per_review") + s.getDouble("output_tokens_per_review"),
              s.getDouble("thinking_tokens_per_review"), s.getJsonObject("latency_ms").getLong("p50"),
              s.getJsonObject("latency_ms").getLong("p99"),
              (st.getInteger("invalid") + st.getInteger("missing") + st.getInteger("error")) + "/"
                  + st.getInteger("refused"))));
    }
    JsonObject cascade = doc.getJsonObject("cascade_as_configured");
    if (cascade != null) {
      t.append(row("cascade", cascade.getString("setting"), cascade.getJsonObject("quality"), flags,
          cascade.getDouble("usd_per_1000_reviews"), String.format(Locale.ROOT, "escalated %.0f%%",
              cascade.getDouble("escalated_share") * 100)));
    }
    t.append("\nAgreement between tiers (share of reviews both answered with the same value):\n");
    for (Object o : doc.getJsonArray("agreement")) {
      JsonObject a = (JsonObject) o;
      t.append(String.format(Locale.ROOT, "  %s vs %s  %-11s %s (%d/%d)%n", a.getString("a"), a.getString("b"),
          a.getString("field"), pct(a.getDouble("share")), a.getLong("agree"), a.getLong("n")));
    }
    JsonObject sweep = doc.getJsonObject("sweep");
    JsonArray targets = sweep.getJsonArray("targets");
    t.append(String.format(Locale.ROOT, "%nCost-quality sweep: %d settings replayed offline, curve metric %s%s%n",
        sweep.getJsonArray("points").size(), sweep.getString("metric"),
        targets.isEmpty() ? "" : ", targets " + targets.encode()));
    for (Object o : sweep.getJsonArray("points")) {
      JsonObject p = (JsonObject) o;
      if (p.getBoolean("front")) {
        t.append(String.format(Locale.ROOT, "  front: %-45s $%.4f/1k  %s %s%n", p.getString("setting"),
            p.getDouble("usd_per_1000_reviews"), sweep.getString("metric"), num(p.getDouble("value"))));
      }
    }
    JsonObject chosen = sweep.getJsonObject("chosen");
    if (chosen == null) {
      t.append(targets.isEmpty() ? "" : "No setting meets the targets on this set.\n");
    } else {
      t.append(String.format(Locale.ROOT, "%nCheapest setting%s: %s, $%.4f per 1,000 reviews. Paste:%n%s",
          targets.isEmpty() ? " (no --target given: any)" : " meeting the targets", chosen.getString("setting"),
          chosen.getDouble("usd_per_1000_reviews"), chosen.getString("yaml")));
    }
    if (doc.getString("stopped") != null) {
      t.append("\nSTOPPED EARLY: ").append(doc.getString("stopped")).append('\n');
    }
    if ("simulator".equals(doc.getString("answers_from"))) {
      t.append("\nThese answers come from the built-in simulator: the figures measure the plumbing, not any model.\n");
    }
    return t.toString();
  }

  private static String row(String name, String model, JsonObject q, List<String> flags, double usdPer1k,
      String tail) {
    StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "%-10s %-20s %7d", name, clip(model, 20),
        q.getInteger("judged")));
    for (String f : flags) {
      JsonObject c = q.getJsonObject("flags").getJsonObject(f);
      r.append(String.format(Locale.ROOT, " %-17s", num(c.getDouble("precision")) + "/" + num(c.getDouble("recall"))
          + "/" + num(c.getDouble("f1"))));
    }
    JsonObject s = q.getJsonObject("sentiment");
    r.append(String.format(Locale.ROOT, " %-12s %9.4f %s%n", num(s.getDouble("accuracy")) + "/"
        + num(s.getDouble("macro_f1")), usdPer1k, tail));
    return r.toString();
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  static String num(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String pct(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%5.1f%%", v * 100);
  }
}
