package com.reviewpipeline.telemetry;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The Claude stage's meters ({@code claude_*}): requests and their latency, tokens and cost, the estimate's error, the
 * limiter's waits per work class, items resent, Message Batches. Thread-safe.
 */
public final class ClaudeMeters {

  private final MeterRegistry registry;
  private volatile Supplier<JsonArray> keys = JsonArray::new;

  ClaudeMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  public void request(String model, String status, long durationMs) {
    Timer.builder("claude_request_duration_seconds")
        .tags("model", model, "status", status)
        .register(registry)
        .record(Duration.ofMillis(durationMs));
  }

  public void tokens(String pipeline, String model, String kind, long tokens) {
    registry.counter("claude_tokens_total", "pipeline", pipeline, "model", model, "kind", kind).increment(tokens);
  }

  public void cost(String pipeline, String model, String tier, double usd) {
    registry.counter("claude_cost_usd_total", "pipeline", pipeline, "model", model, "tier", tier).increment(usd);
  }

  public void tokenEstimateError(String model, double relativeError) {
    DistributionSummary.builder("claude_token_estimate_relative_error")
        .tags("model", model)
        .register(registry)
        .record(Math.abs(relativeError));
  }

  /** A request of class {@code work} (ordinary, escalation, suspect, shadow) held back by the limiter or its share. */
  public void rateLimitWait(String model, String work, long waitMs) {
    registry.counter("claude_rate_limit_waits_total", "model", model, "class", work).increment();
    DistributionSummary.builder("claude_rate_limit_wait_ms").tags("model", model, "class", work).register(registry)
        .record(waitMs);
  }

  /** A request of class {@code work} let through by the limiter: each class's use of a key's budget. */
  public void requestSent(String model, String work) {
    registry.counter("claude_requests_by_class_total", "model", model, "class", work).increment();
  }

  /** Message Batches submitted (docs/claude-stage.md "Message Batches"): {@code claude_message_batches_total} and their requests. */
  public void messageBatch(String status, int requests) {
    registry.counter("claude_message_batches_total", "status", status).increment();
    registry.counter("claude_message_batch_requests_total", "status", status).increment(requests);
  }

  /** One request's result in an ended Message Batch: succeeded, errored, canceled or expired. */
  public void messageBatchResult(String type) {
    registry.counter("claude_message_batch_results_total", "result", type).increment();
  }

  public void resent(String pipeline) {
    registry.counter("claude_items_resent_total", "pipeline", pipeline).increment();
  }

  public void unknownIds(String pipeline, int count) {
    registry.counter("claude_unknown_result_ids_total", "pipeline", pipeline).increment(count);
  }

  /** The API keys' limiter state (without secrets), shown in {@link Telemetry#stats()}. */
  public void registerKeys(Supplier<JsonArray> describe) {
    keys = describe;
  }

  JsonArray keysView() {
    return keys.get();
  }
}
