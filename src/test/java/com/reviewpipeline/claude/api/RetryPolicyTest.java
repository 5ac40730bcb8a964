package com.reviewpipeline.claude.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.claude.ClaudeVerticle;
import java.util.LongSummaryStatistics;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which Messages API answers are retried, and the delay before the next attempt. (Connection errors, timeouts and
 * the {@code max_attempts} limit are decided in {@link ClaudeVerticle}, see ClaudeVerticleTest.)
 */
class RetryPolicyTest {

  static final long INITIAL = 500;
  static final long MAX = 30_000;
  static final int SAMPLES = 2_000;

  final RetryPolicy policy = new RetryPolicy(INITIAL, MAX);

  /** Many computed delays (no server header) for one attempt: the jitter is random. */
  LongSummaryStatistics backoff(RetryPolicy p, int attempt) {
    return IntStream.range(0, SAMPLES).mapToLong(i -> p.delayMs(attempt, null, null)).summaryStatistics();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {408, 409, 429, 500, 502, 503, 504, 529})
  @DisplayName("the documented transient statuses are retried: 408, 409, 429, 500, 502, 503, 504 and 529 (overloaded)")
  void documentedTransientStatusesAreRetried(int status) {
    assertThat(RetryPolicy.retryable(status, null)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {501, 505, 520, 599})
  @DisplayName("any other 5xx is retried too: the server failed, not the request")
  void everyOther5xxIsRetried(int status) {
    assertThat(RetryPolicy.retryable(status, null)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {400, 401, 402, 403, 404, 405, 413, 422, 499})
  @DisplayName("4xx statuses other than 408, 409 and 429 are not retried: the same request would be refused again")
  void otherClientErrorsAreNotRetried(int status) {
    assertThat(RetryPolicy.retryable(status, null)).isFalse();
  }

  @Test
  @DisplayName("x-should-retry: true makes a status retryable that otherwise is not")
  void shouldRetryTrueOverridesTheStatus() {
    assertThat(RetryPolicy.retryable(400, null)).isFalse();
    assertThat(RetryPolicy.retryable(400, "true")).isTrue();
    assertThat(RetryPolicy.retryable(422, "TRUE")).as("header value is case-insensitive").isTrue();
  }

  @Test
  @DisplayName("x-should-retry: false stops the retry of a status that otherwise is retried (429, 529, 503)")
  void shouldRetryFalseOverridesTheStatus() {
    assertThat(RetryPolicy.retryable(429, "false")).isFalse();
    assertThat(RetryPolicy.retryable(529, "False")).isFalse();
    assertThat(RetryPolicy.retryable(503, "FALSE")).isFalse();
  }

  @Test
  @DisplayName("an x-should-retry value other than true/false is ignored: the status decides")
  void unknownShouldRetryValueFallsBackToTheStatus() {
    assertThat(RetryPolicy.retryable(529, "maybe")).isTrue();
    assertThat(RetryPolicy.retryable(400, "yes")).isFalse();
    assertThat(RetryPolicy.retryable(400, "")).isFalse();
  }

  @Test
  @DisplayName("the server's retry-after-ms is the delay, whatever the attempt")
  void retryAfterMsIsTheDelay() {
    assertThat(policy.delayMs(1, "1234", null)).isEqualTo(1234);
    assertThat(policy.delayMs(7, "250.9", null)).as("fractions are cut to whole ms").isEqualTo(250);
    assertThat(policy.delayMs(3, " 40 ", null)).as("surrounding blanks are trimmed").isEqualTo(40);
  }

  @Test
  @DisplayName("the server's retry-after (seconds, fractions allowed) is the delay when retry-after-ms is absent")
  void retryAfterSecondsIsTheDelay() {
    assertThat(policy.delayMs(1, null, "7")).isEqualTo(7_000);
    assertThat(policy.delayMs(5, null, "1.5")).isEqualTo(1_500);
  }

  @Test
  @DisplayName("retry-after-ms wins over retry-after when the server sends both")
  void retryAfterMsWinsOverRetryAfter() {
    assertThat(policy.delayMs(1, "300", "20")).isEqualTo(300);
  }

  @Test
  @DisplayName("a server delay of 0 means 'now' and is kept (the caller waits at least 1 ms)")
  void zeroServerDelayIsKept() {
    assertThat(policy.delayMs(4, "0", null)).isZero();
    assertThat(policy.delayMs(4, null, "0")).isZero();
  }

  @Test
  @DisplayName("a server delay is honoured whatever its size (no request for the same reviews leaves before it); a negative one is ignored for our own backoff")
  void serverDelayIsNeverShortened() {
    assertThat(policy.delayMs(1, "60000", null)).isEqualTo(60_000);
    assertThat(policy.delayMs(1, null, "60")).isEqualTo(60_000);
    assertThat(policy.delayMs(1, "60001", null)).as("not our 500 ms backoff").isEqualTo(60_001);
    assertThat(policy.delayMs(1, null, "3600")).isEqualTo(3_600_000);
    // attempt 1: backoff is 500 ms less up to 25% jitter
    assertThat(policy.delayMs(1, "-5", null)).isBetween(375L, 500L);
  }

  @Test
  @DisplayName("an HTTP-date or garbage retry-after falls back to our own backoff instead of failing")
  void unparsableRetryAfterFallsBackToBackoff() {
    assertThat(RetryPolicy.parseServerDelay(null, "Wed, 21 Oct 2026 07:28:00 GMT")).isNull();
    assertThat(RetryPolicy.parseServerDelay("soon", null)).isNull();
    assertThat(RetryPolicy.parseServerDelay(null, null)).isNull();
    assertThat(policy.delayMs(2, null, "Wed, 21 Oct 2026 07:28:00 GMT")).isBetween(750L, 1_000L);
  }

  @Test
  @DisplayName("an unparsable retry-after-ms falls through to a valid retry-after")
  void unparsableRetryAfterMsFallsThroughToRetryAfter() {
    assertThat(RetryPolicy.parseServerDelay("soon", "3")).isEqualTo(3_000L);
    assertThat(policy.delayMs(1, "soon", "3")).isEqualTo(3_000);
  }

  @Test
  @DisplayName("without a server delay, the backoff doubles per attempt from the initial delay: 500, 1000, 2000, 4000 ms")
  void backoffDoublesPerAttempt() {
    long previousMax = 0;
    for (int attempt = 1; attempt <= 4; attempt++) {
      long base = INITIAL << (attempt - 1);
      LongSummaryStatistics s = backoff(policy, attempt);
      assertThat(s.getMax()).as("attempt %d at most its base", attempt).isLessThanOrEqualTo(base);
      assertThat(s.getMin()).as("attempt %d at least 75%% of its base", attempt).isGreaterThanOrEqualTo(base * 3 / 4);
      assertThat(s.getMin()).as("attempt %d waits longer than any of attempt %d", attempt, attempt - 1)
          .isGreaterThan(previousMax);
      previousMax = s.getMax();
    }
  }

  @Test
  @DisplayName("jitter takes up to 25% off the base delay, never adds to it, and really varies")
  void jitterIsDownwardUpToAQuarter() {
    RetryPolicy p = new RetryPolicy(10_000, 60_000);
    LongSummaryStatistics s = backoff(p, 1);
    assertThat(s.getMax()).isLessThanOrEqualTo(10_000);
    assertThat(s.getMin()).isGreaterThanOrEqualTo(7_500);
    // 2,000 uniform draws: the chance that none falls in the lowest or highest fifth of the range is ~0.8^2000
    assertThat(s.getMin()).as("some delays near 75%").isLessThan(8_000);
    assertThat(s.getMax()).as("some delays near 100%").isGreaterThan(9_500);
  }

  @Test
  @DisplayName("the backoff is capped at the maximum delay (less jitter) from the attempt where doubling passes it")
  void backoffIsCappedAtMax() {
    // 500 * 2^6 = 32,000 > 30,000: attempt 7 is the first at the cap
    LongSummaryStatistics attempt6 = backoff(policy, 6);
    assertThat(attempt6.getMax()).isLessThanOrEqualTo(16_000);
    for (int attempt : new int[] {7, 8, 15}) {
      LongSummaryStatistics s = backoff(policy, attempt);
      assertThat(s.getMax()).as("attempt %d", attempt).isLessThanOrEqualTo(MAX);
      assertThat(s.getMin()).as("attempt %d", attempt).isGreaterThanOrEqualTo(MAX * 3 / 4);
    }
  }

  @Test
  @DisplayName("a huge attempt number neither overflows nor goes negative: it stays at the cap")
  void hugeAttemptStaysAtTheCap() {
    for (int attempt : new int[] {21, 64, 1_000, Integer.MAX_VALUE}) {
      assertThat(policy.delayMs(attempt, null, null)).as("attempt %d", attempt).isBetween(MAX * 3 / 4, MAX);
    }
  }
}
