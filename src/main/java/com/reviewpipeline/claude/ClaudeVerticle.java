package com.reviewpipeline.claude;

import com.reviewpipeline.buffer.TokenEstimator;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ClaudeSettings;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.Usage;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each batch as one Messages API call with a forced tool, validates the answer against the
 * batch and the pipeline's schema, and emits results and failures. Retries transient failures in
 * process with backoff; whatever still fails goes to the failure handler, never nowhere.
 */
public final class ClaudeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClaudeVerticle.class);
  private static final String SPEND_LIMIT = "enforced_spend_limit_reached";

  private final AppConfig app;
  private final KeyPool keys;
  private ClaudeSettings settings;
  private WebClient client;
  private ClaudeRequests requests;
  private RetryPolicy retryPolicy;
  private CostCalculator costs;
  private Telemetry telemetry;
  private final Map<String, ToolResponseParser> parsers = new HashMap<>();
  /** Batches this instance holds that have not reached results or the failure path (incl. waiting on timers). */
  private int owned;
  private io.vertx.core.eventbus.MessageConsumer<Batch> batches;

  /** @param keys the process's API keys and their rate limiters, shared by every Claude verticle instance */
  public ClaudeVerticle(AppConfig app, KeyPool keys) {
    this.app = app;
    this.keys = keys;
  }

  @Override
  public Future<?> start() {
    settings = app.anthropic();
    client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(10_000)
        .setKeepAlive(true)
        .setUserAgent("review-pipeline/0.1"), new PoolOptions().setHttp1MaxSize(64));
    requests = new ClaudeRequests(new TokenEstimator(settings.charsPerToken()), settings.toolUseSystemTokens(),
        settings::cacheMinTokens);
    retryPolicy = new RetryPolicy(settings.backoffInitialMs(), settings.backoffMaxMs());
    costs = new CostCalculator(app.pricing());
    telemetry = Telemetry.of(vertx);
    telemetry.registerKeys(keys::describe);
    for (PipelineConfig p : app.pipelines()) {
      parsers.put(p.name(), new ToolResponseParser(p.toolName(), new ItemValidator(p.itemSchema())));
    }
    batches = vertx.eventBus().<Batch>localConsumer(Addresses.BATCH_READY, msg -> {
      owned++;
      call(msg.body(), 1);
    });
    return batches.completion();
  }

  /** Waits for a key with budget (rate limiter), then sends. */
  private void call(Batch batch, int attempt) {
    PipelineConfig pipeline = app.pipeline(batch.pipeline());
    String model = app.modelFor(batch.tier());
    List<ReviewEvent> events = batch.events().stream().map(PipelineEvent::event).toList();
    JsonObject body = requests.request(model, pipeline, events);
    KeyPool.Acquire a = keys.acquire(model, batch.estimatedInputTokens(), body.getInteger("max_tokens"));
    if (a.noUsableKey()) {
      hold(batch, attempt, "no_usable_api_key", "every configured Anthropic API key was rejected with 401", false);
      return;
    }
    if (a.permit() == null) {
      telemetry.rateLimitWait(model, a.waitMs());
      vertx.setTimer(a.waitMs(), t -> call(batch, attempt));
      return;
    }
    send(batch, attempt, pipeline, model, body, a.permit());
  }

  private void send(Batch batch, int attempt, PipelineConfig pipeline, String model, JsonObject body, KeyPool.Permit permit) {
    long started = System.currentTimeMillis();
    client.postAbs(settings.baseUrl() + "/v1/messages")
        .putHeader("x-api-key", permit.secret())
        .putHeader("anthropic-version", settings.apiVersion())
        .putHeader("content-type", "application/json")
        .timeout(settings.requestTimeoutMs())
        .sendJsonObject(body)
        .onComplete(ar -> {
          long took = System.currentTimeMillis() - started;
          if (ar.failed()) {
            keys.release(permit, 0, null, null);
            telemetry.claudeRequest(model, "connection_error", took);
            retryOrFail(batch, attempt, "connection_error", ar.cause().toString(), true, null);
          } else {
            HttpResponse<Buffer> resp = ar.result();
            telemetry.claudeRequest(model, String.valueOf(resp.statusCode()), took);
            if (resp.statusCode() == 200) {
              onSuccess(batch, attempt, pipeline, model, resp, permit);
            } else {
              keys.release(permit, resp.statusCode(), null, resp.headers());
              onError(batch, attempt, resp, permit);
            }
          }
        });
  }

  private void onError(Batch batch, int attempt, HttpResponse<Buffer> resp, KeyPool.Permit permit) {
    int status = resp.statusCode();
    String errorType = "http_" + status;
    String message = "HTTP " + status;
    String errorCode = null;
    try {
      JsonObject error = resp.bodyAsJsonObject().getJsonObject("error");
      if (error != null) {
        errorType = error.getString("type", errorType);
        message = status + " " + errorType + ": " + error.getString("message", "");
        JsonObject details = error.getJsonObject("details");
        errorCode = details == null ? null : details.getString("error_code");
      }
    } catch (RuntimeException notJson) {
      // body was not the documented error JSON; keep the status
    }
    String requestId = resp.getHeader("request-id");
    LOG.warn("claude.request.failed pipeline={} batch={} status={} type={} code={} request_id={} key={} attempt={}",
        batch.pipeline(), batch.id(), status, errorType, errorCode, requestId, permit.label(), attempt);
    if (status == 429 && SPEND_LIMIT.equals(errorCode)) {
      hold(batch, attempt, "spend_limit", "the Anthropic workspace spend limit is reached (" + message + ")", true);
      return;
    }
    if (status == 401) {
      if (keys.usableKeys() > 0) {
        call(batch, attempt);
      } else {
        hold(batch, attempt, "no_usable_api_key", "every configured Anthropic API key was rejected with 401", false);
      }
      return;
    }
    boolean retryable = RetryPolicy.retryable(status, resp.getHeader("x-should-retry"));
    retryOrFail(batch, attempt, errorType, message, retryable, resp);
  }

  /**
   * A condition no retry fixes but an operator does (spend limit, no valid key): pause every
   * pipeline, raise an alert, keep the batch and probe again later. Nothing is dead-lettered.
   */
  private void hold(Batch batch, int attempt, String reason, String message, boolean blockKeys) {
    long probeMs = settings.spendLimitProbeMs();
    if (blockKeys) {
      keys.blockAll(System.currentTimeMillis() + probeMs);
    }
    if (keys.markHeld(reason)) {
      LOG.error("claude.pipelines.paused reason={} message={} probe_every_ms={}", reason, message, probeMs);
      vertx.eventBus().publish(Addresses.CONTROL, new JsonObject().put("action", "pause").put("pipeline", "*")
          .put("reason", reason));
      vertx.eventBus().publish(Addresses.ALERTS, new JsonObject().put("type", reason).put("severity", "critical")
          .put("message", message + "; pipelines paused, nothing is dead-lettered").put("at", java.time.Instant.now().toString()));
      telemetry.alert(reason);
    }
    vertx.setTimer(probeMs, t -> call(batch, attempt));
  }

  private void retryOrFail(Batch batch, int attempt, String errorType, String message, boolean retryable,
      HttpResponse<Buffer> resp) {
    if (retryable && attempt < settings.maxAttempts()) {
      long delay = retryPolicy.delayMs(attempt,
          resp == null ? null : resp.getHeader("retry-after-ms"),
          resp == null ? null : resp.getHeader("retry-after"));
      vertx.setTimer(Math.max(1, delay), t -> call(batch, attempt + 1));
      return;
    }
    LOG.warn("claude.batch.failed pipeline={} batch={} events={} type={} attempts={}",
        batch.pipeline(), batch.id(), batch.size(), errorType, attempt);
    // transient failures that outlived the in-process attempts climb the retry ladder; a request the API
    // rejects as such (400, 403, 404, 413, ...) would be rejected again: straight to the dead-letter topic
    vertx.eventBus().send(Addresses.FAILURES, new FailedEvents(batch.events(), errorType, message, retryable));
    owned--;
  }

  private void onSuccess(Batch batch, int attempt, PipelineConfig pipeline, String model, HttpResponse<Buffer> resp,
      KeyPool.Permit permit) {
    // the request named each review by its position in the batch
    List<String> ids = ClaudeRequests.batchIds(batch.size());
    ParsedResponse parsed;
    try {
      parsed = parsers.get(pipeline.name()).parse(resp.bodyAsJsonObject(), ids);
    } catch (DecodeException | ResponseFormatException | ClassCastException e) {
      keys.release(permit, 200, null, resp.headers());
      LOG.warn("claude.response.invalid pipeline={} batch={} request_id={} problem={}",
          batch.pipeline(), batch.id(), resp.getHeader("request-id"), e.getMessage());
      retryOrFail(batch, attempt, "invalid_response", "invalid response: " + e.getMessage(), true, null);
      return;
    }
    Usage usage = parsed.usage();
    keys.release(permit, 200, usage, resp.headers());
    if (resp.getHeader(com.reviewpipeline.simulator.ClaudeSimulator.SIMULATOR_HEADER) != null) {
      telemetry.simulatorAnswered();
    }
    String lifted = keys.clearHeld();
    if (lifted != null) {
      LOG.info("claude.pipelines.resumed reason={} the API answers again", lifted);
      vertx.eventBus().publish(Addresses.CONTROL, new JsonObject().put("action", "resume").put("pipeline", "*")
          .put("reason", lifted));
    }
    double cost = costs.cost(model, usage);
    account(batch, model, usage, cost);

    if ("refusal".equals(parsed.stopReason()) && parsed.verdicts().isEmpty()) {
      vertx.eventBus().send(Addresses.FAILURES,
          new FailedEvents(batch.events(), "refusal", "the model refused to judge this batch", false));
      owned--;
      return;
    }
    int n = batch.size();
    List<EventResult> results = new ArrayList<>();
    List<PipelineEvent> missing = new ArrayList<>();
    List<PipelineEvent> invalid = new ArrayList<>();
    Set<String> missingIds = Set.copyOf(parsed.missing());
    Map<PipelineEvent, String> invalidWhy = new java.util.IdentityHashMap<>();
    for (int i = 0; i < n; i++) {
      PipelineEvent e = batch.events().get(i);
      String id = ids.get(i);
      JsonObject verdict = parsed.verdicts().get(id);
      if (verdict != null) {
        verdict.put("id", e.id());
        results.add(new EventResult(e, verdict, model, batch.tier(), batch.id(), n, cost / n,
            (double) usage.totalInputTokens() / n, (double) usage.outputTokens() / n));
        telemetry.processed(pipeline.name(), model, batch.tier(), isFlagged(pipeline, verdict));
      } else if (parsed.invalid().containsKey(id)) {
        invalid.add(e);
        invalidWhy.put(e, parsed.invalid().get(id));
      } else if (missingIds.contains(id)) {
        missing.add(e);
      }
    }
    if (!parsed.unknown().isEmpty()) {
      telemetry.unknownIds(pipeline.name(), parsed.unknown().size());
      LOG.warn("claude.response.unknown_ids pipeline={} batch={} count={} (ignored)", batch.pipeline(), batch.id(),
          parsed.unknown().size());
    }
    if (!results.isEmpty()) {
      vertx.eventBus().send(Addresses.RESULTS, new BatchResults(batch.id(), pipeline.name(), results));
    }
    if ("max_tokens".equals(parsed.stopReason()) && missing.size() + invalid.size() > 0) {
      List<PipelineEvent> rest = new ArrayList<>(missing);
      rest.addAll(invalid);
      if (rest.size() > 1) {
        int half = rest.size() / 2;
        LOG.info("claude.batch.split pipeline={} batch={} remaining={}", batch.pipeline(), batch.id(), rest.size());
        owned += 2;
        call(subBatch(batch, rest.subList(0, half)), 1);
        call(subBatch(batch, rest.subList(half, rest.size())), 1);
      } else {
        vertx.eventBus().send(Addresses.FAILURES, new FailedEvents(rest, "truncated",
            "one review's answer does not fit max_tokens " + ClaudeRequests.maxTokens(pipeline, 1), false));
      }
      owned--;
      return;
    }
    for (PipelineEvent e : invalid) {
      // an item with invalid fields fails alone; the rest of the batch stands
      vertx.eventBus().send(Addresses.FAILURES, new FailedEvents(List.of(e), "invalid_item",
          "invalid item in the model's answer: " + invalidWhy.get(e), true));
    }
    for (PipelineEvent e : missing) {
      if (e.resends() < settings.maxItemResends()) {
        telemetry.resent(pipeline.name());
        vertx.eventBus().send(Addresses.events(pipeline.name()), e.resent());
      } else {
        vertx.eventBus().send(Addresses.FAILURES, new FailedEvents(List.of(e), "missing_from_response",
            "left out of the model's answer " + (e.resends() + 1) + " times", true));
      }
    }
    owned--;
  }

  private static Batch subBatch(Batch batch, List<PipelineEvent> events) {
    return new Batch(UUID.randomUUID().toString(), batch.pipeline(), batch.tier(), List.copyOf(events),
        FlushTrigger.MANUAL, batch.estimatedInputTokens());
  }

  private void account(Batch batch, String model, Usage usage, double cost) {
    telemetry.tokens(batch.pipeline(), model, "input", usage.inputTokens());
    telemetry.tokens(batch.pipeline(), model, "output", usage.outputTokens());
    telemetry.tokens(batch.pipeline(), model, "cache_write", usage.cacheCreationInputTokens());
    telemetry.tokens(batch.pipeline(), model, "cache_read", usage.cacheReadInputTokens());
    telemetry.cost(batch.pipeline(), model, batch.tier(), cost);
    long actual = usage.totalInputTokens();
    if (actual > 0) {
      telemetry.tokenEstimateError(model, (batch.estimatedInputTokens() - actual) / (double) actual);
    }
  }

  static boolean isFlagged(PipelineConfig pipeline, JsonObject verdict) {
    return pipeline.flagFields().stream().anyMatch(f -> Boolean.TRUE.equals(verdict.getValue(f)));
  }

  @Override
  /**
   * Graceful stop (scale-down, shutdown): takes no new batches and finishes the ones it holds,
   * including those waiting for a retry or the rate limiter, up to {@code shutdown.timeout_ms}.
   */
  public Future<?> stop() {
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + app.shutdownTimeoutMs();
    Future<Void> unregistered = batches == null ? Future.succeededFuture() : batches.unregister();
    unregistered.onComplete(v -> waitForOwned(drained, deadline));
    return drained.future().onComplete(v -> {
      if (owned > 0) {
        LOG.warn("claude.stopped batches_abandoned={} (their events stay uncommitted and are read again)", owned);
      }
      if (client != null) {
        client.close();
      }
    });
  }

  private void waitForOwned(io.vertx.core.Promise<Void> drained, long deadline) {
    if (owned <= 0 || System.currentTimeMillis() >= deadline) {
      drained.tryComplete();
      return;
    }
    vertx.setTimer(20, t -> waitForOwned(drained, deadline));
  }
}
