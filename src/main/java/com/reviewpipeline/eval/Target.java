package com.reviewpipeline.eval;

import java.util.List;
import java.util.Locale;

/** A quality the user requires, {@code --target recall.is_abusive=0.95}: the metric at or above the value. */
public record Target(String metric, double value) {

  public static Target parse(String spec, List<String> flagFields) {
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--target '" + spec + "': expected METRIC=VALUE, e.g. recall.is_abusive=0.95");
    }
    String metric = spec.substring(0, eq).trim();
    List<String> known = Quality.metricNames(flagFields);
    if (!known.contains(metric)) {
      throw new IllegalArgumentException("--target: unknown metric '" + metric + "'; metrics: " + known);
    }
    double v;
    try {
      v = Double.parseDouble(spec.substring(eq + 1).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--target '" + spec + "': the value is not a number");
    }
    if (v < 0 || v > 1) {
      throw new IllegalArgumentException("--target '" + spec + "': the value must be within 0 and 1");
    }
    return new Target(metric, v);
  }

  public boolean met(Quality q) {
    double m = q.metric(metric);
    return !Double.isNaN(m) && m >= value;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s>=%s", metric, CascadeSetting.trim(value));
  }
}
