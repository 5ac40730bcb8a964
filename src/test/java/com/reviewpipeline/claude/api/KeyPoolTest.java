package com.reviewpipeline.claude.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.RateLimits;
import com.reviewpipeline.model.Usage;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-key rate limiter and key rotation, on a fake clock. */
class KeyPoolTest {

  static final String M = "claude-sonnet-4-6";
  final AtomicLong now = new AtomicLong(1_000_000);

  /** The first key's budget for {@link #M}, as /api/stats shows it. */
  static io.vertx.core.json.JsonObject model(KeyPool p) {
    return p.describe().getJsonObject(0).getJsonObject("models").getJsonObject(M);
  }

  static double share(KeyPool p, String model) {
    return p.describe().getJsonObject(0).getJsonObject("models").getJsonObject(model).getDouble("requests_rate_share");
  }

  KeyPool pool(List<String> keys, RateLimits limits) {
    return new KeyPool(keys, limits, now::get);
  }

  static MultiMap headers(String... kv) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) {
      h.add(kv[i], kv[i + 1]);
    }
    return h;
  }

  @Test
  @DisplayName("requests per minute: the budget runs out, the wait is what refill needs, and it refills continuously")
  void requestsPerMinute() {
    KeyPool p = pool(List.of("sk-a"), new RateLimits(6, 1_000_000, 1_000_000, 100));
    for (int i = 0; i < 6; i++) {
      assertThat(p.acquire(M, 10, 10).permit()).isNotNull();
    }
    KeyPool.Acquire blocked = p.acquire(M, 10, 10);
    assertThat(blocked.permit()).isNull();
    assertThat(blocked.waitMs()).isBetween(9_000L, 10_000L); // 6/min = one per 10 s
    now.addAndGet(10_000);
    assertThat(p.acquire(M, 10, 10).permit()).isNotNull();
  }

  @Test
  @DisplayName("output tokens are charged from max_tokens up front and corrected from usage; input from the estimate, corrected too")
  void outputChargedUpFrontThenCorrected() {
    KeyPool p = pool(List.of("sk-a"), new RateLimits(1000, 100_000, 4_000, 100));
    KeyPool.Permit a = p.acquire(M, 1_000, 4_000).permit();
    assertThat(a).isNotNull();
    assertThat(p.acquire(M, 1_000, 4_000).permit()).as("max_tokens used the whole output budget").isNull();
    p.release(a, 200, new Usage(1_200, 500, 0, 0), headers());
    assertThat(p.acquire(M, 1_000, 3_000).permit()).as("3,500 output tokens refunded").isNotNull();
    assertThat(model(p).getLong("input_tokens_remaining")).isEqualTo(100_000 - 1_200 - 1_000);
  }

  @Test
  @DisplayName("anthropic-ratelimit-* headers lower the budget to what the server says is left (another process spent it)")
  void headersLowerTheBudget() {
    KeyPool p = pool(List.of("sk-a"), new RateLimits(1000, 1_000_000, 1_000_000, 100));
    KeyPool.Permit a = p.acquire(M, 100, 100).permit();
    p.release(a, 200, new Usage(100, 10, 0, 0), headers(
        "anthropic-ratelimit-requests-limit", "50",
        "anthropic-ratelimit-requests-remaining", "0",
        "anthropic-ratelimit-input-tokens-limit", "40000",
        "anthropic-ratelimit-input-tokens-remaining", "39000"));
    KeyPool.Acquire next = p.acquire(M, 100, 100);
    assertThat(next.permit()).as("the server has no requests left for this key").isNull();
    assertThat(next.waitMs()).isBetween(1_000L, 1_300L); // 50/min = one per 1.2 s
    assertThat(model(p).getLong("requests_limit")).isEqualTo(50);
    assertThat(model(p).getLong("input_tokens_limit")).isEqualTo(40_000);
  }

  @Test
  @DisplayName("a 429 blocks the key for retry-after; keys are used in turn; the other key carries on")
  void retryAfterBlocksOneKeyAndRotationUsesTheOther() {
    KeyPool p = pool(List.of("sk-aaaa", "sk-bbbb"), new RateLimits(1000, 1_000_000, 1_000_000, 100));
    KeyPool.Permit first = p.acquire(M, 10, 10).permit();
    KeyPool.Permit second = p.acquire(M, 10, 10).permit();
    assertThat(List.of(first.label(), second.label())).containsExactly("…aaaa", "…bbbb");
    p.release(first, 429, null, headers("retry-after", "7"));
    p.release(second, 200, new Usage(10, 10, 0, 0), headers());
    for (int i = 0; i < 3; i++) {
      KeyPool.Permit next = p.acquire(M, 10, 10).permit();
      assertThat(next.label()).isEqualTo("…bbbb");
      p.release(next, 200, new Usage(10, 10, 0, 0), headers());
    }
    now.addAndGet(7_000);
    assertThat(p.acquire(M, 10, 10).permit().label()).isEqualTo("…aaaa");
  }

  @Test
  @DisplayName("a key answered with 401 leaves the rotation and is reported without its secret; with none left, acquire says so")
  void unauthorizedKeyLeavesTheRotation() {
    KeyPool p = pool(List.of("sk-secret-1111", "sk-secret-2222"), new RateLimits(1000, 1_000_000, 1_000_000, 100));
    KeyPool.Permit a = p.acquire(M, 10, 10).permit();
    p.release(a, 401, null, headers());
    assertThat(p.usableKeys()).isEqualTo(1);
    assertThat(p.describe().encode()).doesNotContain("sk-secret").contains("…1111").contains("401");
    KeyPool.Permit b = p.acquire(M, 10, 10).permit();
    assertThat(b.label()).isEqualTo("…2222");
    p.release(b, 401, null, headers());
    assertThat(p.acquire(M, 10, 10).noUsableKey()).isTrue();
  }

  @Test
  @DisplayName("max concurrent requests per key")
  void concurrencyCap() {
    KeyPool p = pool(List.of("sk-a"), new RateLimits(1000, 1_000_000, 1_000_000, 2));
    KeyPool.Permit a = p.acquire(M, 1, 1).permit();
    assertThat(p.acquire(M, 1, 1).permit()).isNotNull();
    assertThat(p.acquire(M, 1, 1).permit()).isNull();
    p.release(a, 200, new Usage(1, 1, 0, 0), null);
    assertThat(p.acquire(M, 1, 1).permit()).isNotNull();
  }

  @Test
  @DisplayName("shared keys: N peers start from a 1/N share of the refill and of what the server reports left; a 429 halves the share once per episode; accepted requests win it back")
  void sharedKeyAdaptsItsShare() {
    KeyPool p = pool(List.of("sk-a"), new RateLimits(60, 1_000_000, 1_000_000, 100));
    p.peers(2);
    KeyPool.Permit a = p.acquire(M, 10, 10).permit();
    assertThat(share(p, M)).isEqualTo(0.5);
    p.release(a, 200, new Usage(10, 10, 0, 0), headers("anthropic-ratelimit-requests-limit", "60",
        "anthropic-ratelimit-requests-remaining", "20"));
    // the server says 20 are left: this process spends its half of them
    int granted = 0;
    while (p.acquire(M, 10, 10).permit() != null) {
      granted++;
    }
    assertThat(granted).isEqualTo(10);
    KeyPool.Acquire blocked = p.acquire(M, 10, 10);
    assertThat(blocked.waitMs()).as("refill at half of 1/s").isBetween(1_900L, 2_000L);

    // a burst of 429s with requests exhausted: one halving, not one per answer
    now.addAndGet(60_000);
    MultiMap refused = headers("anthropic-ratelimit-requests-limit", "60", "anthropic-ratelimit-requests-remaining", "0",
        "retry-after", "1");
    KeyPool.Permit b = p.acquire(M, 10, 10).permit();
    KeyPool.Permit c = p.acquire(M, 10, 10).permit();
    p.release(b, 429, null, refused);
    p.release(c, 429, null, refused);
    // 0.5 + 0.01 for the accepted request above, halved once
    assertThat(share(p, M)).isEqualTo(0.26);
    // accepted answers take the rate back step by step
    now.addAndGet(60_000);
    for (int i = 0; i < 10; i++) {
      KeyPool.Permit ok = p.acquire(M, 10, 10).permit();
      p.release(ok, 200, new Usage(10, 10, 0, 0), headers());
    }
    assertThat(share(p, M)).isEqualTo(0.36);
    p.peers(1);
    assertThat(share(p, M)).isEqualTo(1.0);
  }

  @Test
  @DisplayName("each model has its own budget on a key, as the API pools limits per model class: Haiku keeps going when Sonnet's requests are used up, and a 429 for Sonnet blocks and slows Sonnet only")
  void budgetsPerModel() {
    String haiku = "claude-haiku-4-5";
    KeyPool p = pool(List.of("sk-a"), new RateLimits(3, 1_000_000, 1_000_000, 100));
    for (int i = 0; i < 3; i++) {
      assertThat(p.acquire(M, 10, 10).permit()).isNotNull();
    }
    assertThat(p.acquire(M, 10, 10).permit()).as("Sonnet's 3 requests are used").isNull();
    KeyPool.Permit h = p.acquire(haiku, 10, 10).permit();
    assertThat(h).as("Haiku's budget is its own").isNotNull();
    p.release(h, 200, new Usage(10, 10, 0, 0), headers("anthropic-ratelimit-requests-limit", "100",
        "anthropic-ratelimit-requests-remaining", "99"));

    now.addAndGet(60_000);
    KeyPool.Permit s1 = p.acquire(M, 10, 10).permit();
    p.release(s1, 429, null, headers("anthropic-ratelimit-requests-limit", "3",
        "anthropic-ratelimit-requests-remaining", "0", "retry-after", "30"));
    KeyPool.Acquire sonnet = p.acquire(M, 10, 10);
    assertThat(sonnet.permit()).isNull();
    assertThat(sonnet.waitMs()).as("Sonnet waits for its retry-after").isGreaterThanOrEqualTo(29_000L);
    assertThat(p.acquire(haiku, 10, 10).permit()).as("Haiku is not blocked by Sonnet's 429").isNotNull();
    assertThat(share(p, M)).isEqualTo(0.5);
    assertThat(share(p, haiku)).isEqualTo(1.0);
    assertThat(p.describe().getJsonObject(0).getJsonObject("models").getJsonObject(haiku).getLong("requests_limit"))
        .as("Haiku adopted its own limit from its own answer's headers").isEqualTo(100);
  }

  @Test
  @DisplayName("the concurrency cap is per key, whatever the model")
  void concurrencyCapAcrossModels() {
    KeyPool p = pool(List.of("sk-a"), new RateLimits(1000, 1_000_000, 1_000_000, 2));
    assertThat(p.acquire(M, 1, 1).permit()).isNotNull();
    assertThat(p.acquire("claude-haiku-4-5", 1, 1).permit()).isNotNull();
    assertThat(p.acquire("claude-opus-4-6", 1, 1).permit()).isNull();
  }

  @Test
  @DisplayName("fair shares: while ordinary first judgements wait, suspects take at most their share of the minute's requests and shadows theirs; with nothing else waiting they take what is free")
  void fairShares() {
    // 100 requests a minute: suspects 20, shadows 10 while ordinary work waits
    KeyPool p = pool(List.of("sk-a"), new RateLimits(100, 10_000_000, 10_000_000, 1000, 0.2, 0.1));
    for (int i = 0; i < 40; i++) {
      KeyPool.Permit s = p.acquire(M, 10, 10, WorkClass.SUSPECT).permit();
      assertThat(s).as("nothing else waits: suspect %d goes", i).isNotNull();
      p.release(s, 200, null, null);
    }
    for (int i = 0; i < 60; i++) {
      p.release(p.acquire(M, 10, 10).permit(), 200, null, null);
    }
    // the minute's budget is spent: an ordinary request waits, so the caps apply
    assertThat(p.acquire(M, 10, 10).permit()).isNull();
    now.addAndGet(600); // one request refilled
    KeyPool.Acquire suspect = p.acquire(M, 10, 10, WorkClass.SUSPECT);
    assertThat(suspect.permit()).as("40 suspects this minute, over their 20").isNull();
    assertThat(suspect.waitMs()).isGreaterThanOrEqualTo(KeyPool.CAPPED_RETRY_MS);
    assertThat(p.acquire(M, 10, 10, WorkClass.ESCALATION).permit()).as("escalations are first in line").isNotNull();
    now.addAndGet(600);
    KeyPool.Permit shadow = p.acquire(M, 10, 10, WorkClass.SHADOW).permit();
    assertThat(shadow).as("no shadow this minute yet: within its 10").isNotNull();
    // a minute later the suspects' requests have left the window, and nothing else has waited for 2 s
    now.addAndGet(61_000);
    assertThat(p.acquire(M, 10, 10, WorkClass.SUSPECT).permit()).isNotNull();
  }

  @Test
  @DisplayName("fair shares of tokens: while ordinary first judgements wait, suspects' input and output tokens of the minute stay within their share though their request count is far below it")
  void fairSharesOfTokens() {
    // 1,000 requests, 100,000 input and 10,000 output tokens a minute: suspects 20% of each while ordinary work waits
    KeyPool p = pool(List.of("sk-a"), new RateLimits(1000, 100_000, 10_000, 1000, 0.2, 0.1));
    for (int i = 0; i < 4; i++) {
      p.release(p.acquire(M, 4_500, 10, WorkClass.SUSPECT).permit(), 200, null, null);
    }
    // ordinary requests spend the rest of the input budget and then wait
    while (p.acquire(M, 4_000, 10).permit() != null) {
      now.addAndGet(1);
    }
    now.addAndGet(3_000); // 5,000 input tokens refilled
    assertThat(p.acquire(M, 10_000, 10).permit()).as("an ordinary request waits").isNull();
    assertThat(p.acquire(M, 4_000, 10, WorkClass.SUSPECT).permit())
        .as("18,000 of the suspects' 20,000 input tokens used: 4,000 more would pass it").isNull();
    assertThat(p.acquire(M, 4_000, 10, WorkClass.ORDINARY).permit()).as("first in line").isNotNull();
    now.addAndGet(600);
    KeyPool.Permit small = p.acquire(M, 100, 10, WorkClass.SUSPECT).permit();
    assertThat(small).as("a small suspect request still fits the share").isNotNull();
    p.release(small, 200, null, null);
    // output: shadows 10% of 10,000; one 900-token request fits, a second does not
    now.addAndGet(600);
    KeyPool.Permit shadow = p.acquire(M, 10, 900, WorkClass.SHADOW).permit();
    assertThat(shadow).isNotNull();
    p.acquire(M, 10, 10); // ordinary waits or goes; either way it asked within the last 2 s
    now.addAndGet(600);
    p.acquire(M, 100_000, 10); // an ordinary request too large for what is left: it waits
    assertThat(p.acquire(M, 10, 900, WorkClass.SHADOW).permit()).as("1,800 output tokens over the shadows' 1,000").isNull();
  }
}
