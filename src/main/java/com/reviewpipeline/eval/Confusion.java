package com.reviewpipeline.eval;

/**
 * A flag's 2x2 confusion counts. Precision is NaN with nothing predicted positive, recall with no positive in the gold
 * labels, F1 with neither: undefined, never guessed as 0 or 1.
 */
public record Confusion(long tp, long fp, long fn, long tn) {

  public static final Confusion EMPTY = new Confusion(0, 0, 0, 0);

  public Confusion add(boolean gold, boolean predicted) {
    return new Confusion(tp + (gold && predicted ? 1 : 0), fp + (!gold && predicted ? 1 : 0),
        fn + (gold && !predicted ? 1 : 0), tn + (!gold && !predicted ? 1 : 0));
  }

  public double precision() {
    return ratio(tp, tp + fp);
  }

  public double recall() {
    return ratio(tp, tp + fn);
  }

  public double f1() {
    return ratio(2 * tp, 2 * tp + fp + fn);
  }

  /** Gold positives. */
  public long support() {
    return tp + fn;
  }

  public long total() {
    return tp + fp + fn + tn;
  }

  static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }
}
