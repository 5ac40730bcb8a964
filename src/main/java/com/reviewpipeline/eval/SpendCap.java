package com.reviewpipeline.eval;

/**
 * {@code --max-usd}: as the service's SpendGuard, each request's most possible cost is reserved before it is sent
 * and settled with the answer's cost, so the run stops before it could spend more than the cap. The estimate is an
 * upper bound: every input token at the higher of the input and cache-write prices, every output token it may write.
 * Once a request cannot be covered, nothing more is sent.
 */
final class SpendCap {

  private final double maxUsd;
  private double spent;
  private double reserved;
  private String stopped;

  /** @param maxUsd 0: no cap */
  SpendCap(double maxUsd) {
    this.maxUsd = maxUsd;
  }

  synchronized boolean reserve(double usd) {
    if (stopped != null) {
      return false;
    }
    if (maxUsd > 0 && spent + reserved + usd > maxUsd) {
      stopped = String.format(java.util.Locale.ROOT, "--max-usd %.4f reached: spent $%.4f, the next request could "
          + "cost up to $%.4f; the reviews left were not sent", maxUsd, spent + reserved, usd);
      return false;
    }
    reserved += usd;
    return true;
  }

  synchronized void settle(double reservedUsd, double usd) {
    reserved -= reservedUsd;
    spent += usd;
  }

  synchronized double spent() {
    return spent;
  }

  /** Why the run stopped early, or null. */
  synchronized String stopped() {
    return stopped;
  }
}
