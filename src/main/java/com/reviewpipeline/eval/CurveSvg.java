package com.reviewpipeline.eval;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cost-quality curve as inline SVG: every setting of the sweep a dot ($ per 1,000 reviews across, the curve's
 * metric up), the Pareto front joined by a line, the single-tier settings labelled, the chosen setting ringed. Each
 * dot's title names its setting.
 */
final class CurveSvg {

  private static final int W = 900;
  private static final int H = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 20;
  private static final int BOTTOM = 50;

  private CurveSvg() {}

  static String render(JsonObject sweep) {
    List<JsonObject> points = new ArrayList<>();
    sweep.getJsonArray("points").forEach(o -> {
      if (((JsonObject) o).getDouble("value") != null) {
        points.add((JsonObject) o);
      }
    });
    double maxX = points.stream().mapToDouble(p -> p.getDouble("usd_per_1000_reviews")).max().orElse(1);
    double minY = points.stream().mapToDouble(p -> p.getDouble("value")).min().orElse(0);
    maxX = maxX <= 0 ? 1 : maxX * 1.05;
    minY = Math.max(0, Math.floor(minY * 10) / 10 - 0.05);
    double maxY = 1.0;
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
            + "aria-label=\"cost-quality curve\">", W, H, W, H));
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fbfcfd\" "
        + "stroke=\"#c9d0d9\"/>", LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
    for (int i = 0; i <= 5; i++) {
      double xv = maxX * i / 5;
      double yv = minY + (maxY - minY) * i / 5;
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">$%.3f</text>",
          x(xv, maxX), H - BOTTOM + 18, xv));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>"
          + "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eef1f4\"/>", LEFT - 6, y(yv, minY, maxY) + 4, yv,
          LEFT, W - RIGHT, y(yv, minY, maxY), y(yv, minY, maxY)));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">$ per 1,000 reviews</text>",
        (LEFT + W - RIGHT) / 2, H - 10));
    s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)"
        + "\">%s</text>", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, HtmlReport.esc(sweep.getString("metric"))));
    StringBuilder front = new StringBuilder();
    for (JsonObject p : points) {
      if (p.getBoolean("front")) {
        front.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p.getDouble("usd_per_1000_reviews"), maxX),
            y(p.getDouble("value"), minY, maxY)));
      }
    }
    s.append("<polyline class=\"front\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"2\" points=\"")
        .append(front.toString().trim()).append("\"/>");
    JsonObject chosen = sweep.getJsonObject("chosen");
    for (JsonObject p : points) {
      double px = x(p.getDouble("usd_per_1000_reviews"), maxX);
      double py = y(p.getDouble("value"), minY, maxY);
      boolean onFront = p.getBoolean("front");
      s.append(String.format(Locale.ROOT, "<circle class=\"point%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\" "
              + "fill-opacity=\"0.7\"><title>%s: $%.4f per 1,000, %s %.3f</title></circle>", onFront ? " on-front" : "",
          px, py, onFront ? 5 : 3, onFront ? "#1f6feb" : "#9aa5b1", HtmlReport.esc(p.getString("setting")),
          p.getDouble("usd_per_1000_reviews"), HtmlReport.esc(sweep.getString("metric")), p.getDouble("value")));
      if (p.getString("setting").endsWith(", no cascade")) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", px + 7, py - 7,
            HtmlReport.esc(p.getString("setting"))));
      }
      if (chosen != null && chosen.getString("setting").equals(p.getString("setting"))) {
        s.append(String.format(Locale.ROOT, "<circle id=\"chosen-point\" cx=\"%.1f\" cy=\"%.1f\" r=\"10\" "
            + "fill=\"none\" stroke=\"#d1242f\" stroke-width=\"2.5\"><title>chosen: %s</title></circle>", px, py,
            HtmlReport.esc(p.getString("setting"))));
      }
    }
    return s.append("</svg>").toString();
  }

  private static double x(double v, double maxX) {
    return LEFT + v / maxX * (W - LEFT - RIGHT);
  }

  private static double y(double v, double minY, double maxY) {
    return H - BOTTOM - (v - minY) / (maxY - minY) * (H - TOP - BOTTOM);
  }
}
