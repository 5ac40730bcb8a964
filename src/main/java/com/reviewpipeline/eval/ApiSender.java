package com.reviewpipeline.eval;

import com.reviewpipeline.claude.api.MessagesClient;
import com.reviewpipeline.claude.api.RetryPolicy;
import com.reviewpipeline.config.ClaudeSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends one request and waits for its answer, from a worker thread (never an event loop): the service's transport
 * ({@link MessagesClient}) and retry policy ({@link RetryPolicy}: 408/409/429/5xx, {@code retry-after} honoured, up
 * to {@code anthropic.max_attempts}), keys taken in turn, requests spaced to stay within
 * {@code rate_limits.requests_per_minute} of all keys together.
 */
final class ApiSender {

  /** A request that failed for good; the message holds the status and the API's error text, never a key. */
  static final class CallFailed extends Exception {
    CallFailed(String message) {
      super(message);
    }
  }

  private final MessagesClient client;
  private final ClaudeSettings settings;
  private final List<String> keys;
  private final RetryPolicy retry;
  private final AtomicInteger turn = new AtomicInteger();
  private final long spacingNanos;
  private long nextStart;

  ApiSender(MessagesClient client, ClaudeSettings settings) {
    this.client = client;
    this.settings = settings;
    this.keys = settings.apiKeys();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no API key: set ANTHROPIC_API_KEY, or run eval on the simulator");
    }
    this.retry = new RetryPolicy(settings.backoffInitialMs(), settings.backoffMaxMs());
    long rpm = settings.rateLimits().requestsPerMinute() * keys.size();
    this.spacingNanos = rpm <= 0 ? 0 : TimeUnit.MINUTES.toNanos(1) / rpm;
  }

  /** The concurrency the configured limits allow: {@code max_concurrent} per key. */
  int maxConcurrency() {
    return Math.max(1, settings.rateLimits().maxConcurrent() * keys.size());
  }

  AnswerCache.Entry send(JsonObject body) throws CallFailed, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      pace();
      String key = keys.get(Math.floorMod(turn.getAndIncrement(), keys.size()));
      long start = System.nanoTime();
      HttpResponse<Buffer> r;
      try {
        r = client.send(body, key).await();
      } catch (RuntimeException e) {
        if (attempt >= settings.maxAttempts()) {
          throw new CallFailed("no answer after " + attempt + " attempts: " + e.getMessage());
        }
        TimeUnit.MILLISECONDS.sleep(retry.delayMs(attempt, null, null));
        continue;
      }
      long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (r.statusCode() == 200) {
        try {
          return new AnswerCache.Entry(r.bodyAsJsonObject(), latencyMs);
        } catch (RuntimeException notJson) {
          throw new CallFailed("HTTP 200 with a body that is not JSON");
        }
      }
      if (!RetryPolicy.retryable(r.statusCode(), r.getHeader("x-should-retry")) || attempt >= settings.maxAttempts()) {
        throw new CallFailed("HTTP " + r.statusCode() + " " + errorText(r) + " (attempt " + attempt + ")");
      }
      TimeUnit.MILLISECONDS.sleep(retry.delayMs(attempt, r.getHeader("retry-after-ms"), r.getHeader("retry-after")));
    }
  }

  private void pace() throws InterruptedException {
    if (spacingNanos == 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long start = Math.max(now, nextStart);
      nextStart = start + spacingNanos;
      wait = start - now;
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static String errorText(HttpResponse<Buffer> r) {
    try {
      JsonObject e = r.bodyAsJsonObject().getJsonObject("error", new JsonObject());
      return e.getString("type", "") + ": " + e.getString("message", "");
    } catch (RuntimeException notJson) {
      return "(no JSON error body)";
    }
  }
}
