package com.reviewpipeline.claude;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which Messages API failures are retried and after how long. Retryable: 408, 409, 429, 5xx and
 * 529, connection errors and timeouts; {@code x-should-retry} overrides the status. The server's
 * {@code retry-after-ms}, then {@code retry-after}, win over exponential backoff with jitter.
 */
public final class RetryPolicy {

  static final Set<Integer> RETRYABLE = Set.of(408, 409, 429, 500, 502, 503, 504, 529);

  private final long initialMs;
  private final long maxMs;

  public RetryPolicy(long initialMs, long maxMs) {
    this.initialMs = initialMs;
    this.maxMs = maxMs;
  }

  public static boolean retryable(int status, String shouldRetryHeader) {
    if ("true".equalsIgnoreCase(shouldRetryHeader)) {
      return true;
    }
    if ("false".equalsIgnoreCase(shouldRetryHeader)) {
      return false;
    }
    return RETRYABLE.contains(status) || status >= 500;
  }

  /** Delay before attempt {@code attempt + 1} (attempt counts from 1). */
  public long delayMs(int attempt, String retryAfterMs, String retryAfter) {
    Long server = parseServerDelay(retryAfterMs, retryAfter);
    if (server != null && server >= 0 && server <= 60_000) {
      return server;
    }
    long base = Math.min(maxMs, initialMs * (1L << Math.min(20, attempt - 1)));
    double jitter = 1.0 - 0.25 * ThreadLocalRandom.current().nextDouble();
    return (long) (base * jitter);
  }

  static Long parseServerDelay(String retryAfterMs, String retryAfter) {
    try {
      if (retryAfterMs != null) {
        return (long) Double.parseDouble(retryAfterMs.trim());
      }
      if (retryAfter != null) {
        return (long) (Double.parseDouble(retryAfter.trim()) * 1000);
      }
    } catch (NumberFormatException ignored) {
      // an HTTP date or garbage: fall back to our own backoff
    }
    return null;
  }
}
