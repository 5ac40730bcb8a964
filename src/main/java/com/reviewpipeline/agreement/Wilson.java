package com.reviewpipeline.agreement;

/**
 * The Wilson score interval's lower bound: how low a share measured on {@code n} samples may really be, at 95%
 * confidence. With 200 samples and no disagreement it is 0.981; with 5 disagreements 0.943 (design, "Escalation is
 * earned"). The raw share would call 3 agreements of 3 perfect.
 */
public final class Wilson {

  /** The normal quantile of a two-sided 95% interval. */
  static final double Z = 1.96;

  private Wilson() {}

  /** The lower bound of the share {@code agree / n}; 0 without samples. */
  public static double lowerBound(long agree, long n) {
    if (n <= 0) {
      return 0;
    }
    double p = (double) agree / n;
    double z2 = Z * Z;
    double centre = p + z2 / (2.0 * n);
    double margin = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return (centre - margin) / (1 + z2 / n);
  }
}
