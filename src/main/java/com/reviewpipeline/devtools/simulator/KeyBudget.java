package com.reviewpipeline.devtools.simulator;

import com.reviewpipeline.ratelimit.TokenBucket;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Per API key and model class: requests, input tokens, output tokens per minute, as the API enforces them
 * (https://platform.claude.com/docs/en/api/rate-limits), with the {@code anthropic-ratelimit-*} headers.
 */
record KeyBudget(long rpm, long itpm, long otpm, TokenBucket requests, TokenBucket input, TokenBucket output) {

  static KeyBudget of(SimulatorSettings s) {
    return new KeyBudget(s.requestsPerMinute(), s.inputTokensPerMinute(), s.outputTokensPerMinute(),
        new TokenBucket(Math.max(1, s.requestsPerMinute()), System::currentTimeMillis),
        new TokenBucket(Math.max(1, s.inputTokensPerMinute()), System::currentTimeMillis),
        new TokenBucket(Math.max(1, s.outputTokensPerMinute()), System::currentTimeMillis));
  }

  static boolean enabled(SimulatorSettings s) {
    return s.requestsPerMinute() > 0 || s.inputTokensPerMinute() > 0 || s.outputTokensPerMinute() > 0;
  }

  boolean matches(SimulatorSettings s) {
    return rpm == s.requestsPerMinute() && itpm == s.inputTokensPerMinute() && otpm == s.outputTokensPerMinute();
  }

  /** Takes one request, {@code in} input tokens and {@code maxTokens} output tokens if all three are there. */
  boolean admit(SimulatorSettings s, long in, long maxTokens) {
    boolean req = s.requestsPerMinute() <= 0 || requests.msUntil(1) == 0;
    boolean inp = s.inputTokensPerMinute() <= 0 || input.msUntil(in) == 0;
    boolean out = s.outputTokensPerMinute() <= 0 || output.msUntil(maxTokens) == 0;
    if (!(req && inp && out)) {
      return false;
    }
    if (s.requestsPerMinute() > 0) {
      requests.take(1);
    }
    if (s.inputTokensPerMinute() > 0) {
      input.take(in);
    }
    if (s.outputTokensPerMinute() > 0) {
      output.take(maxTokens);
    }
    return true;
  }

  /** Seconds until the request could be admitted, for {@code retry-after}. */
  long retryAfterSeconds(SimulatorSettings s, long in, long maxTokens) {
    long wait = Math.max(
        s.requestsPerMinute() > 0 ? requests.msUntil(1) : 0,
        Math.max(s.inputTokensPerMinute() > 0 ? input.msUntil(Math.min(in, s.inputTokensPerMinute())) : 0,
            s.outputTokensPerMinute() > 0 ? output.msUntil(Math.min(maxTokens, s.outputTokensPerMinute())) : 0));
    return Math.max(1, (wait + 999) / 1000);
  }

  void putHeaders(MultiMap h, SimulatorSettings s) {
    if (s.requestsPerMinute() > 0) {
      put(h, "requests", requests);
    }
    if (s.inputTokensPerMinute() > 0) {
      put(h, "input-tokens", input);
    }
    if (s.outputTokensPerMinute() > 0) {
      put(h, "output-tokens", output);
    }
  }

  private static void put(MultiMap h, String kind, TokenBucket bucket) {
    h.set("anthropic-ratelimit-" + kind + "-limit", String.valueOf(bucket.capacity()));
    h.set("anthropic-ratelimit-" + kind + "-remaining", String.valueOf(bucket.remaining()));
    h.set("anthropic-ratelimit-" + kind + "-reset",
        Instant.ofEpochMilli(System.currentTimeMillis() + bucket.msUntilFull()).truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
