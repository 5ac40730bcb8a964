package com.reviewpipeline.claude.api;

import com.reviewpipeline.config.RateLimits;
import com.reviewpipeline.model.Usage;
import com.reviewpipeline.ratelimit.TokenBucket;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's API keys, each with its own rate limiter per model: requests, input tokens and output tokens per
 * minute (output charged from {@code max_tokens} up front and corrected from {@code usage}); the API pools its
 * limits per model class (all Haiku models share one budget, all Sonnet models another), so a Haiku request never
 * waits for Sonnet's budget. Concurrent requests are capped per key. Starting limits come from configuration;
 * every response's {@code anthropic-ratelimit-*} headers (which describe the budget of the request's model) lower
 * them to what the server says is left, so processes sharing a key converge without talking to each other. Keys
 * are used in turn; a key answered with 401 leaves the rotation. Shared by all Claude verticles of a process:
 * thread-safe. Keys are never logged; they are shown as {@code …abcd}.
 */
public final class KeyPool {

  private static final Logger LOG = LoggerFactory.getLogger(KeyPool.class);

  /** One model's budget on one key, as the API enforces it. */
  static final class Budget {
    final TokenBucket requests;
    final TokenBucket input;
    final TokenBucket output;
    /** Until then this model's budget is not used (a 429's retry-after). */
    long blockedUntil;
    /** Per capped class, its grants of the last minute: time, input and output tokens (docs/claude-stage.md "Fair shares"). */
    final Map<WorkClass, ClassShare> granted = new java.util.EnumMap<>(WorkClass.class);
    /** When a request of a first-in-line class (ordinary, escalation) last had to wait here. */
    long firstInLineWaitedAt = Long.MIN_VALUE;

    Budget(RateLimits limits, LongSupplier clock, double share) {
      this.requests = new TokenBucket(limits.requestsPerMinute(), clock);
      this.input = new TokenBucket(limits.inputTokensPerMinute(), clock);
      this.output = new TokenBucket(limits.outputTokensPerMinute(), clock);
      if (share < 1.0) {
        resetShare(share);
      }
    }

    void resetShare(double share) {
      requests.resetShare(share);
      input.resetShare(share);
      output.resetShare(share);
    }
  }

  /** One key's state. */
  static final class ApiKey {
    final String secret;
    final String label;
    /** Per model id, created on first use. */
    final Map<String, Budget> budgets = new TreeMap<>();
    int concurrent;
    boolean disabled;
    String disabledReason;
    /** Until then no request goes out with this key (e.g. the spend limit). */
    long blockedUntil;

    ApiKey(String secret) {
      this.secret = secret;
      this.label = label(secret);
    }
  }

  /** Permission to send one request with one key; give it back through {@link #release}. */
  public record Permit(ApiKey key, Budget budget, long inputCharge, long outputCharge) {
    public String secret() {
      return key.secret;
    }

    public String label() {
      return key.label;
    }
  }

  /** Either a permit, or how long to wait before asking again; {@code noUsableKey} when every key is out. */
  public record Acquire(Permit permit, long waitMs, boolean noUsableKey) {}

  private final List<ApiKey> keys = new ArrayList<>();
  private final RateLimits limits;
  private final LongSupplier clock;
  private int cursor;

  public KeyPool(List<String> secrets, RateLimits limits, LongSupplier clock) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no Anthropic API key configured (ANTHROPIC_API_KEY or ANTHROPIC_API_KEYS)");
    }
    this.limits = limits;
    this.clock = clock;
    for (String s : secrets) {
      keys.add(new ApiKey(s));
    }
  }

  static String label(String secret) {
    return secret.length() <= 4 ? "…" : "…" + secret.substring(secret.length() - 4);
  }

  private Budget budget(ApiKey k, String model) {
    return k.budgets.computeIfAbsent(model, m -> new Budget(limits, clock, 1.0 / peers));
  }

  /** An ordinary request's {@link #acquire(String, long, long, WorkClass)}. */
  public synchronized Acquire acquire(String model, long inputTokens, long maxTokens) {
    return acquire(model, inputTokens, maxTokens, WorkClass.ORDINARY);
  }

  /** How recently a first-in-line request must have waited for the caps of the others to apply. */
  static final long FIRST_IN_LINE_WAITING_MS = 2_000;
  /** How long a capped request waits before asking again while the first in line wait. */
  static final long CAPPED_RETRY_MS = 250;

  /**
   * How long a request of capped class {@code c} needing {@code in} input and {@code out} output tokens must wait on
   * budget {@code b} for its fair share (0: it may go): only while a first-in-line request waited there lately, and
   * only when {@code c}'s grants of the last minute would pass its share of the budget's requests, input tokens or
   * output tokens.
   */
  private long shareWait(Budget b, WorkClass c, long in, long out, long now) {
    ClassShare used = b.granted.computeIfAbsent(c, k -> new ClassShare());
    used.expire(now);
    if (b.firstInLineWaitedAt == Long.MIN_VALUE || now - b.firstInLineWaitedAt > FIRST_IN_LINE_WAITING_MS) {
      return 0;
    }
    double share = c == WorkClass.SUSPECT ? limits.suspectShare() : limits.shadowShare();
    boolean over = used.requests() + 1 > Math.max(1, (long) Math.floor(share * b.requests.capacity()))
        // a class with nothing granted this minute may always send one request, however large
        || used.requests() > 0 && (used.input + in > share * b.input.capacity()
        || used.output + out > share * b.output.capacity());
    return over ? Math.max(CAPPED_RETRY_MS, Math.min(used.oldest() + 60_000 - now, 1_000)) : 0;
  }

  /**
   * Tries the keys in turn, starting after the last one used, for a request to {@code model} carrying work of class
   * {@code c}: suspects and shadows take at most their share of a key's requests, input and output tokens per minute
   * while ordinary first judgements or escalations wait for it (docs/claude-stage.md "Fair shares").
   */
  public synchronized Acquire acquire(String model, long inputTokens, long maxTokens, WorkClass c) {
    long now = clock.getAsLong();
    long minWait = Long.MAX_VALUE;
    boolean anyEnabled = false;
    for (int i = 0; i < keys.size(); i++) {
      ApiKey k = keys.get((cursor + i) % keys.size());
      if (k.disabled) {
        continue;
      }
      anyEnabled = true;
      Budget b = budget(k, model);
      // a single request larger than a whole minute's budget must still go out once the bucket is full
      long in = Math.min(inputTokens, b.input.capacity());
      long out = Math.min(maxTokens, b.output.capacity());
      long wait = Math.max(Math.max(k.blockedUntil, b.blockedUntil) - now, 0);
      wait = Math.max(wait, b.requests.msUntil(1));
      wait = Math.max(wait, b.input.msUntil(in));
      wait = Math.max(wait, b.output.msUntil(out));
      if (c.capped()) {
        wait = Math.max(wait, shareWait(b, c, in, out, now));
      }
      if (wait == 0 && k.concurrent < limits.maxConcurrent()) {
        b.requests.take(1);
        b.input.take(in);
        b.output.take(out);
        k.concurrent++;
        cursor = (cursor + i + 1) % keys.size();
        if (c.capped()) {
          b.granted.get(c).add(now, in, out);
        }
        return new Acquire(new Permit(k, b, in, out), 0, false);
      }
      if (!c.capped()) {
        b.firstInLineWaitedAt = now;
      }
      // at the concurrency cap: ask again soon, a release will make room
      minWait = Math.min(minWait, wait == 0 ? 20 : wait);
    }
    if (!anyEnabled) {
      return new Acquire(null, 0, true);
    }
    return new Acquire(null, Math.max(1, minWait), false);
  }

  /**
   * Gives a permit back. {@code usage} (null when no answer came) corrects the up-front charges;
   * {@code headers} (null on connection errors) adopt the server's view of the key's budget.
   */
  public synchronized void release(Permit p, int status, Usage usage, MultiMap headers) {
    ApiKey k = p.key;
    Budget b = p.budget;
    k.concurrent = Math.max(0, k.concurrent - 1);
    if (usage != null) {
      b.output.give(p.outputCharge - Math.min(p.outputCharge, usage.outputTokens()));
      long actualIn = usage.inputTokens() + usage.cacheCreationInputTokens();
      if (actualIn > p.inputCharge) {
        b.input.take(actualIn - p.inputCharge);
      } else {
        b.input.give(p.inputCharge - actualIn);
      }
    } else if (status == 0 || status >= 500) {
      // not processed: the server did not count output
      b.output.give(p.outputCharge);
    }
    if (headers != null) {
      observe(b.requests, headers, "requests");
      observe(b.input, headers, "input-tokens");
      observe(b.output, headers, "output-tokens");
      if (status == 429) {
        Long delay = RetryPolicy.parseServerDelay(headers.get("retry-after-ms"), headers.get("retry-after"));
        long now = clock.getAsLong();
        // one back-off per refusal episode: the other answers of the same burst say nothing new
        boolean newEpisode = b.blockedUntil <= now;
        b.blockedUntil = Math.max(b.blockedUntil, now + (delay == null ? 1000 : delay));
        // Others spend this budget too (other nodes, other services): use a smaller share of its refill from now
        // on. Only the exhausted budgets back off; without headers saying which, all three do.
        boolean req = exhausted(headers, "requests", 1);
        boolean in = exhausted(headers, "input-tokens", p.inputCharge);
        boolean out = exhausted(headers, "output-tokens", p.outputCharge);
        boolean unknown = !req && !in && !out;
        if (newEpisode && (req || unknown)) {
          b.requests.backOff();
        }
        if (newEpisode && (in || unknown)) {
          b.input.backOff();
        }
        if (newEpisode && (out || unknown)) {
          b.output.backOff();
        }
      }
    }
    if (status >= 200 && status < 300) {
      b.requests.recover(SHARE_STEP);
      b.input.recover(SHARE_STEP);
      b.output.recover(SHARE_STEP);
    }
    if (status == 401 && !k.disabled) {
      k.disabled = true;
      k.disabledReason = "401 authentication_error";
      LOG.error("claude.key.disabled key={} reason=401 remaining_keys={}", k.label,
          keys.stream().filter(x -> !x.disabled).count());
    }
  }

  /**
   * {@code n} processes of this service share every key (cluster members): each starts from a 1/n share of each
   * key's (and model's) refill and of what the server reports left, then adjusts by the server's answers (429 halves, success
   * adds {@link #SHARE_STEP}). Called when the member count changes.
   */
  public synchronized void peers(int n) {
    if (n < 1 || n == peers) {
      return;
    }
    peers = n;
    for (ApiKey k : keys) {
      for (Budget b : k.budgets.values()) {
        b.resetShare(1.0 / n);
      }
    }
    LOG.info("claude.keys.shared peers={} share={}", n, Math.round(100.0 / n) / 100.0);
  }

  private int peers = 1;

  /** Holds every key until {@code untilMs} (e.g. the spend limit was reached). */
  public synchronized void blockAll(long untilMs) {
    for (ApiKey k : keys) {
      k.blockedUntil = Math.max(k.blockedUntil, untilMs);
    }
  }

  /** Additive increase of a key's refill share per accepted request (1%: from half back to all of it after 50 requests). */
  static final double SHARE_STEP = 0.01;

  private static boolean exhausted(MultiMap headers, String kind, long needed) {
    String remaining = headers.get("anthropic-ratelimit-" + kind + "-remaining");
    try {
      return remaining != null && Long.parseLong(remaining.trim()) < Math.max(1, needed);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void observe(TokenBucket bucket, MultiMap headers, String kind) {
    String limit = headers.get("anthropic-ratelimit-" + kind + "-limit");
    String remaining = headers.get("anthropic-ratelimit-" + kind + "-remaining");
    if (remaining == null) {
      return;
    }
    try {
      bucket.observe(limit == null ? 0 : Long.parseLong(limit.trim()), Long.parseLong(remaining.trim()));
    } catch (NumberFormatException ignored) {
      // a header we cannot read does not change our own view
    }
  }

  public synchronized int usableKeys() {
    return (int) keys.stream().filter(k -> !k.disabled).count();
  }

  /** Per key, without the secret, with each model's budget: for /api/stats. */
  public synchronized JsonArray describe() {
    JsonArray out = new JsonArray();
    long now = clock.getAsLong();
    for (ApiKey k : keys) {
      JsonObject models = new JsonObject();
      k.budgets.forEach((model, b) -> models.put(model, new JsonObject()
          .put("blocked_ms", Math.max(0, b.blockedUntil - now))
          .put("requests_remaining", b.requests.remaining())
          .put("requests_limit", b.requests.capacity())
          .put("requests_rate_share", Math.round(b.requests.share() * 100) / 100.0)
          .put("input_tokens_remaining", b.input.remaining())
          .put("input_tokens_limit", b.input.capacity())
          .put("output_tokens_remaining", b.output.remaining())
          .put("output_tokens_limit", b.output.capacity())));
      out.add(new JsonObject()
          .put("key", k.label)
          .put("usable", !k.disabled)
          .put("disabled_reason", k.disabledReason)
          .put("in_flight", k.concurrent)
          .put("blocked_ms", Math.max(0, k.blockedUntil - now))
          .put("models", models));
    }
    return out;
  }
}
