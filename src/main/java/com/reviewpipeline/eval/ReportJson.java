package com.reviewpipeline.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** The report as JSON ({@code eval-report.json}), from which the terminal table and the HTML page are drawn too. */
public final class ReportJson {

  private ReportJson() {}

  public static JsonObject of(Evaluation.Report r) {
    JsonObject tiers = new JsonObject();
    r.tierModels().forEach((tier, model) -> {
      TierStats s = r.stats().get(tier);
      JsonObject statuses = new JsonObject();
      s.statuses().forEach((k, v) -> statuses.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
      tiers.put(tier, new JsonObject()
          .put("model", model)
          .put("reviews", s.reviews())
          .put("statuses", statuses)
          .put("usd", s.usd())
          .put("usd_per_1000_reviews", s.usdPer1000())
          .put("input_tokens_per_review", s.inputTokensPerReview())
          .put("output_tokens_per_review", s.outputTokensPerReview())
          .put("thinking_tokens_per_review", s.thinkingTokensPerReview())
          .put("latency_ms", new JsonObject().put("p50", s.p50Ms()).put("p99", s.p99Ms()))
          .put("quality", quality(r.tierPoints().get(tier).quality(), r.intervals().get(tier))));
    });
    JsonObject doc = new JsonObject()
        .put("input", r.options().input().toString())
        .put("pipeline", r.pipeline())
        .put("answers_from", r.options().endpoint())
        .put("reviews_read", r.reviewsRead())
        .put("reviews_judged", r.tierPoints().values().stream().findFirst().map(CascadeSim.Point::reviews).orElse(0))
        .put("input_errors", new JsonArray(r.inputErrors()))
        .put("stopped", r.stopped())
        .put("requests", new JsonObject().put("total", r.judging().requests()).put("from_cache", r.judging().cached())
            .put("sent", r.judging().sent()))
        .put("bootstrap", new JsonObject().put("resamples", Bootstrap.RESAMPLES).put("seed", Bootstrap.SEED))
        .put("tiers", tiers);
    if (r.configured() != null) {
      doc.put("cascade_as_configured", point(r.configured(), r.intervals().get("cascade"))
          .put("yaml", r.configuredYaml()));
    }
    JsonArray agreement = new JsonArray();
    for (Evaluation.Agreement a : r.agreement()) {
      agreement.add(new JsonObject().put("a", a.a()).put("b", a.b()).put("field", a.field()).put("agree", a.agree())
          .put("n", a.n()).put("share", num(a.share())));
    }
    doc.put("agreement", agreement);
    Sweep.Result sw = r.sweep();
    JsonArray points = new JsonArray();
    for (CascadeSim.Point p : sw.points()) {
      points.add(point(p, null).put("value", num(p.quality().metric(sw.curveMetric())))
          .put("front", sw.front().contains(p)));
    }
    doc.put("sweep", new JsonObject()
        .put("metric", sw.curveMetric())
        .put("targets", new JsonArray(sw.targets().stream().map(Target::toString).toList()))
        .put("points", points)
        .put("chosen", sw.chosen() == null ? null : point(sw.chosen(), null)
            .put("yaml", sw.chosen().setting().yaml(r.pipeline()))));
    return doc;
  }

  static JsonObject point(CascadeSim.Point p, Map<String, double[]> ci) {
    return new JsonObject()
        .put("setting", p.setting().label())
        .put("usd_per_1000_reviews", p.usdPer1000())
        .put("escalated_share", p.escalatedShare())
        .put("quality", quality(p.quality(), ci));
  }

  static JsonObject quality(Quality q, Map<String, double[]> ci) {
    JsonObject flags = new JsonObject();
    q.flags().forEach((f, c) -> flags.put(f, new JsonObject()
        .put("tp", c.tp()).put("fp", c.fp()).put("fn", c.fn()).put("tn", c.tn())
        .put("precision", num(c.precision())).put("recall", num(c.recall())).put("f1", num(c.f1()))
        .put("support", c.support())
        .put("ci95", intervals(ci, List.of("precision." + f, "recall." + f, "f1." + f)))));
    JsonArray matrix = new JsonArray();
    for (long[] row : q.sentiment()) {
      matrix.add(new JsonArray(java.util.Arrays.stream(row).boxed().toList()));
    }
    return new JsonObject()
        .put("judged", q.judged())
        .put("f1_mean", num(q.meanFlagF1()))
        .put("flags", flags)
        .put("sentiment", new JsonObject()
            .put("labels", new JsonArray(LabelledReview.SENTIMENTS))
            .put("matrix", matrix)
            .put("n", q.sentimentTotal())
            .put("accuracy", num(q.accuracy()))
            .put("macro_f1", num(q.macroF1()))
            .put("ci95", intervals(ci, List.of("accuracy.sentiment", "macro_f1.sentiment"))));
  }

  private static JsonObject intervals(Map<String, double[]> ci, List<String> names) {
    JsonObject o = new JsonObject();
    if (ci != null) {
      for (String n : names) {
        double[] v = ci.get(n);
        if (v != null) {
          o.put(n.substring(0, n.indexOf('.')), new JsonArray().add(v[0]).add(v[1]));
        }
      }
    }
    return o;
  }

  /** NaN (undefined) is written as null: JSON has no NaN. */
  static Double num(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }
}
