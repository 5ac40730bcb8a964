package com.reviewpipeline.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap 95% intervals: the reviews resampled with replacement {@code resamples} times from a fixed
 * seed, so the same answers always give the same intervals. Resamples where a metric is undefined are left out of
 * its interval.
 */
public final class Bootstrap {

  public static final int RESAMPLES = 1000;
  public static final long SEED = 27;

  private Bootstrap() {}

  /** Per metric name, {low, high}; absent when fewer than half the resamples define it. */
  public static Map<String, double[]> intervals(List<Quality.Pair> pairs, List<String> flagFields,
      List<String> metrics, int resamples, long seed) {
    Map<String, double[]> values = new LinkedHashMap<>();
    metrics.forEach(m -> values.put(m, new double[resamples]));
    int n = pairs.size();
    Map<String, double[]> out = new LinkedHashMap<>();
    if (n == 0) {
      return out;
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Quality.Pair> sample = new ArrayList<>(n);
    for (int b = 0; b < resamples; b++) {
      sample.clear();
      for (int i = 0; i < n; i++) {
        sample.add(pairs.get(random.nextInt(n)));
      }
      Quality q = Quality.of(sample, flagFields);
      for (String m : metrics) {
        values.get(m)[b] = q.metric(m);
      }
    }
    values.forEach((m, v) -> {
      double[] defined = Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray();
      if (defined.length >= resamples / 2 && defined.length > 0) {
        out.put(m, new double[] {percentile(defined, 0.025), percentile(defined, 0.975)});
      }
    });
    return out;
  }

  /** The value at rank {@code ceil(p * n)} (1-based) of sorted values: the nearest-rank percentile. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
