package com.reviewpipeline.ratelimit;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff, the one rule every retry loop uses (Claude calls, result writes, the database sink, alert
 * deliveries): {@code initialMs × 2^(attempt-1)}, capped at {@code maxMs}, less a random share up to {@code jitter}
 * so that retries of many callers spread out.
 *
 * @param jitter 0 for none, 0.25: up to a quarter shorter
 */
public record Backoff(long initialMs, long maxMs, double jitter) {

  public Backoff {
    if (initialMs < 0 || maxMs < initialMs || jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("backoff needs 0 <= initial <= max and 0 <= jitter < 1");
    }
  }

  /** The wait before retry number {@code attempt} (1: the first retry). */
  public long delayMs(int attempt) {
    long base = Math.min(maxMs, initialMs * (1L << Math.min(20, Math.max(0, attempt - 1))));
    return jitter == 0 ? base : (long) (base * (1.0 - jitter * ThreadLocalRandom.current().nextDouble()));
  }
}
