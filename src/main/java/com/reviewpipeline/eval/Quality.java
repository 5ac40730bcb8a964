package com.reviewpipeline.eval;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verdict quality against gold labels, over the reviews that have a verdict: per flag field the confusion counts,
 * and the 3x3 sentiment confusion matrix (rows gold, columns predicted, in {@link LabelledReview#SENTIMENTS} order).
 * A review counts for a field only when the file labels it.
 */
public record Quality(int judged, Map<String, Confusion> flags, long[][] sentiment) {

  /** A review with the verdict one tier (or the cascade) gave it. */
  public record Pair(LabelledReview gold, JsonObject verdict) {}

  public static Quality of(List<Pair> pairs, List<String> flagFields) {
    Map<String, Confusion> flags = new LinkedHashMap<>();
    flagFields.forEach(f -> flags.put(f, Confusion.EMPTY));
    long[][] sentiment = new long[3][3];
    for (Pair p : pairs) {
      for (String f : flagFields) {
        Boolean gold = p.gold().flags().get(f);
        if (gold != null) {
          flags.put(f, flags.get(f).add(gold, Boolean.TRUE.equals(p.verdict().getValue(f))));
        }
      }
      int g = index(p.gold().sentiment());
      int v = index(p.verdict().getValue("sentiment"));
      if (g >= 0 && v >= 0) {
        sentiment[g][v]++;
      }
    }
    return new Quality(pairs.size(), flags, sentiment);
  }

  private static int index(Object sentiment) {
    return sentiment == null ? -1 : LabelledReview.SENTIMENTS.indexOf(sentiment);
  }

  public long sentimentTotal() {
    long n = 0;
    for (long[] row : sentiment) {
      for (long c : row) {
        n += c;
      }
    }
    return n;
  }

  public double accuracy() {
    long right = 0;
    for (int i = 0; i < 3; i++) {
      right += sentiment[i][i];
    }
    return Confusion.ratio(right, sentimentTotal());
  }

  /** The mean of the per-class F1 over the classes that occur in the gold labels or the verdicts. */
  public double macroF1() {
    double sum = 0;
    int classes = 0;
    for (int c = 0; c < 3; c++) {
      long tp = sentiment[c][c];
      long gold = 0;
      long predicted = 0;
      for (int k = 0; k < 3; k++) {
        gold += sentiment[c][k];
        predicted += sentiment[k][c];
      }
      if (gold + predicted == 0) {
        continue;
      }
      sum += 2.0 * tp / (gold + predicted);
      classes++;
    }
    return classes == 0 ? Double.NaN : sum / classes;
  }

  /** The mean F1 over the flag fields whose F1 is defined. */
  public double meanFlagF1() {
    double sum = 0;
    int n = 0;
    for (Confusion c : flags.values()) {
      if (!Double.isNaN(c.f1())) {
        sum += c.f1();
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The metric names {@link #metric} knows for these flag fields, e.g. {@code recall.is_abusive}. */
  public static List<String> metricNames(List<String> flagFields) {
    List<String> names = new ArrayList<>();
    for (String f : flagFields) {
      names.add("precision." + f);
      names.add("recall." + f);
      names.add("f1." + f);
    }
    names.add("f1.mean");
    names.add("accuracy.sentiment");
    names.add("macro_f1.sentiment");
    return names;
  }

  public double metric(String name) {
    int dot = name.indexOf('.');
    String kind = dot < 0 ? name : name.substring(0, dot);
    String field = dot < 0 ? "" : name.substring(dot + 1);
    if (name.equals("f1.mean")) {
      return meanFlagF1();
    }
    if (field.equals("sentiment")) {
      return switch (kind) {
        case "accuracy" -> accuracy();
        case "macro_f1" -> macroF1();
        default -> throw new IllegalArgumentException("unknown metric '" + name + "'");
      };
    }
    Confusion c = flags.get(field);
    if (c == null) {
      throw new IllegalArgumentException("unknown metric '" + name + "'; flag fields: " + flags.keySet());
    }
    return switch (kind) {
      case "precision" -> c.precision();
      case "recall" -> c.recall();
      case "f1" -> c.f1();
      default -> throw new IllegalArgumentException("unknown metric '" + name + "'");
    };
  }
}
