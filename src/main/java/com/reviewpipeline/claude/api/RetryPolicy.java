package com.reviewpipeline.claude.api;

import com.reviewpipeline.ratelimit.Backoff;
import java.util.Set;

/**
 * Which Messages API failures are retried and after how long. Retryable: 408, 409, 429, 5xx and
 * 529, connection errors and timeouts; {@code x-should-retry} overrides the status. The server's
 * {@code retry-after-ms}, then {@code retry-after}, win over exponential backoff with jitter, whatever their size: the
 * SDKs replace a delay above 60 s by their own backoff, which sends the same reviews again long before the API said
 * it would take them (issue 26).
 */
public final class RetryPolicy {

  static final Set<Integer> RETRYABLE = Set.of(408, 409, 429, 500, 502, 503, 504, 529);

  private final Backoff backoff;

  public RetryPolicy(long initialMs, long maxMs) {
    this.backoff = new Backoff(initialMs, maxMs, 0.25);
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
    if (server != null && server >= 0) {
      return server;
    }
    return backoff.delayMs(attempt);
  }

  static Long parseServerDelay(String retryAfterMs, String retryAfter) {
    Long ms = number(retryAfterMs, 1);
    return ms != null ? ms : number(retryAfter, 1000);
  }

  /** A header's number scaled to milliseconds; null for an absent header, an HTTP date or garbage. */
  private static Long number(String header, long scale) {
    if (header == null) {
      return null;
    }
    try {
      return (long) (Double.parseDouble(header.trim()) * scale);
    } catch (NumberFormatException notANumber) {
      return null;
    }
  }
}
