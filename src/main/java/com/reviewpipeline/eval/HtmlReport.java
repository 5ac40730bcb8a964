package com.reviewpipeline.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The report as one self-contained HTML page: no script, no stylesheet or font from elsewhere. The cost-quality curve
 * ({@link CurveSvg}), the per-tier table, and each tier's confusion matrices.
 */
public final class HtmlReport {

  private HtmlReport() {}

  public static String render(JsonObject doc) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Verdict quality: ")
        .append(esc(doc.getString("pipeline"))).append("</title><style>")
        .append("body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1b2430}")
        .append("table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #d5dae1;padding:3px 8px;")
        .append("text-align:right}th{background:#f2f4f7}td.l,th.l{text-align:left}.note{background:#fff6d6;")
        .append("padding:8px 12px;border-left:4px solid #e0b000}.matrices{display:flex;flex-wrap:wrap;gap:18px}")
        .append("pre{background:#f6f8fa;padding:10px}svg text{font:12px system-ui,sans-serif}</style></head><body>");
    h.append("<h1>Verdict quality: pipeline ").append(esc(doc.getString("pipeline"))).append("</h1>");
    h.append("<p id=\"summary\">").append(doc.getInteger("reviews_judged")).append(" labelled reviews from <code>")
        .append(esc(doc.getString("input"))).append("</code>, answers from <b>").append(esc(doc.getString("answers_from")))
        .append("</b>; requests ").append(doc.getJsonObject("requests").getInteger("total")).append(" (")
        .append(doc.getJsonObject("requests").getInteger("from_cache")).append(" from the cache).</p>");
    if ("simulator".equals(doc.getString("answers_from"))) {
      h.append("<p class=\"note\" id=\"simulator-note\">Answers from the built-in simulator: these figures measure "
          + "the plumbing, not any model.</p>");
    }
    if (doc.getString("stopped") != null) {
      h.append("<p class=\"note\" id=\"stopped\">Stopped early: ").append(esc(doc.getString("stopped"))).append("</p>");
    }
    JsonObject sweep = doc.getJsonObject("sweep");
    h.append("<h2>Cost and quality</h2><div id=\"curve\">").append(CurveSvg.render(sweep)).append("</div>");
    JsonObject chosen = sweep.getJsonObject("chosen");
    if (chosen != null) {
      h.append("<p id=\"chosen\">Cheapest setting").append(sweep.getJsonArray("targets").isEmpty() ? ""
          : " meeting " + esc(String.join(", ", sweep.getJsonArray("targets").stream().map(String::valueOf).toList())))
          .append(": <b>").append(esc(chosen.getString("setting"))).append("</b>, ")
          .append(String.format(Locale.ROOT, "$%.4f", chosen.getDouble("usd_per_1000_reviews")))
          .append(" per 1,000 reviews.</p><pre>").append(esc(chosen.getString("yaml"))).append("</pre>");
    } else if (!sweep.getJsonArray("targets").isEmpty()) {
      h.append("<p id=\"chosen\">No setting meets the targets on this set.</p>");
    }
    h.append("<h2>Per tier</h2>").append(tierTable(doc));
    h.append("<h2>Confusion matrices</h2>");
    JsonObject tiers = doc.getJsonObject("tiers");
    for (String tier : tiers.fieldNames()) {
      h.append(matrices(tier + " (" + tiers.getJsonObject(tier).getString("model") + ")",
          tiers.getJsonObject(tier).getJsonObject("quality")));
    }
    JsonObject cascade = doc.getJsonObject("cascade_as_configured");
    if (cascade != null) {
      h.append(matrices("cascade as configured: " + cascade.getString("setting"), cascade.getJsonObject("quality")));
    }
    h.append("<h2>Agreement between tiers</h2><table id=\"agreement\"><tr><th class=\"l\">tiers</th>")
        .append("<th class=\"l\">field</th><th>agree</th><th>n</th><th>share</th></tr>");
    for (Object o : doc.getJsonArray("agreement")) {
      JsonObject a = (JsonObject) o;
      h.append("<tr><td class=\"l\">").append(esc(a.getString("a") + " vs " + a.getString("b")))
          .append("</td><td class=\"l\">").append(esc(a.getString("field"))).append("</td><td>")
          .append(a.getLong("agree")).append("</td><td>").append(a.getLong("n")).append("</td><td>")
          .append(TextReport.num(a.getDouble("share"))).append("</td></tr>");
    }
    h.append("</table>");
    JsonArray errors = doc.getJsonArray("input_errors");
    if (!errors.isEmpty()) {
      h.append("<h2>Input lines skipped</h2><ul id=\"input-errors\">");
      errors.forEach(e -> h.append("<li>").append(esc(String.valueOf(e))).append("</li>"));
      h.append("</ul>");
    }
    return h.append("</body></html>\n").toString();
  }

  private static String tierTable(JsonObject doc) {
    JsonObject tiers = doc.getJsonObject("tiers");
    StringBuilder t = new StringBuilder("<table id=\"tiers\"><tr><th class=\"l\">tier</th><th class=\"l\">model</th>"
        + "<th>judged</th>");
    JsonObject anyQuality = tiers.getJsonObject(tiers.fieldNames().iterator().next()).getJsonObject("quality");
    for (String f : anyQuality.getJsonObject("flags").fieldNames()) {
      t.append("<th>").append(esc(f)).append(" P / R / F1 (95% CI of F1)</th>");
    }
    t.append("<th>sentiment acc / macro-F1</th><th>$ / 1,000 reviews</th><th>tokens / review</th>")
        .append("<th>thinking / review</th><th>p50 / p99 ms</th><th>invalid</th><th>refused</th></tr>");
    for (String tier : tiers.fieldNames()) {
      JsonObject s = tiers.getJsonObject(tier);
      JsonObject q = s.getJsonObject("quality");
      JsonObject st = s.getJsonObject("statuses");
      t.append("<tr data-tier=\"").append(esc(tier)).append("\"><td class=\"l\">").append(esc(tier))
          .append("</td><td class=\"l\">").append(esc(s.getString("model"))).append("</td><td>")
          .append(q.getInteger("judged")).append("</td>");
      for (String f : q.getJsonObject("flags").fieldNames()) {
        JsonObject c = q.getJsonObject("flags").getJsonObject(f);
        JsonArray ci = c.getJsonObject("ci95").getJsonArray("f1");
        t.append("<td>").append(TextReport.num(c.getDouble("precision"))).append(" / ")
            .append(TextReport.num(c.getDouble("recall"))).append(" / ").append(TextReport.num(c.getDouble("f1")))
            .append(ci == null ? "" : " (" + TextReport.num(ci.getDouble(0)) + "–" + TextReport.num(ci.getDouble(1))
                + ")").append("</td>");
      }
      JsonObject sen = q.getJsonObject("sentiment");
      t.append("<td>").append(TextReport.num(sen.getDouble("accuracy"))).append(" / ")
          .append(TextReport.num(sen.getDouble("macro_f1"))).append("</td>")
          .append(String.format(Locale.ROOT, "<td>%.4f</td><td>%.0f</td><td>%.0f</td><td>%d / %d</td>",
              s.getDouble("usd_per_1000_reviews"),
              s.getDouble("input_tokens_per_review") + s.getDouble("output_tokens_per_review"),
              s.getDouble("thinking_tokens_per_review"), s.getJsonObject("latency_ms").getLong("p50"),
              s.getJsonObject("latency_ms").getLong("p99")))
          .append("<td>").append(st.getInteger("invalid") + st.getInteger("missing") + st.getInteger("error"))
          .append("</td><td>").append(st.getInteger("refused")).append("</td></tr>");
    }
    return t.append("</table>").toString();
  }

  private static String matrices(String title, JsonObject q) {
    StringBuilder m = new StringBuilder("<h3>").append(esc(title)).append("</h3><div class=\"matrices\">");
    JsonObject flags = q.getJsonObject("flags");
    for (String f : flags.fieldNames()) {
      JsonObject c = flags.getJsonObject(f);
      m.append("<table class=\"confusion\" data-field=\"").append(esc(f)).append("\"><tr><th class=\"l\">")
          .append(esc(f)).append("</th><th>predicted yes</th><th>predicted no</th></tr>")
          .append("<tr><th class=\"l\">labelled yes</th><td>").append(c.getLong("tp")).append("</td><td>")
          .append(c.getLong("fn")).append("</td></tr><tr><th class=\"l\">labelled no</th><td>")
          .append(c.getLong("fp")).append("</td><td>").append(c.getLong("tn")).append("</td></tr></table>");
    }
    JsonObject s = q.getJsonObject("sentiment");
    JsonArray labels = s.getJsonArray("labels");
    m.append("<table class=\"confusion\" data-field=\"sentiment\"><tr><th class=\"l\">sentiment</th>");
    labels.forEach(l -> m.append("<th>predicted ").append(esc(String.valueOf(l))).append("</th>"));
    m.append("</tr>");
    for (int i = 0; i < labels.size(); i++) {
      m.append("<tr><th class=\"l\">labelled ").append(esc(labels.getString(i))).append("</th>");
      JsonArray row = s.getJsonArray("matrix").getJsonArray(i);
      row.forEach(v -> m.append("<td>").append(v).append("</td>"));
      m.append("</tr>");
    }
    return m.append("</table></div>").toString();
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
