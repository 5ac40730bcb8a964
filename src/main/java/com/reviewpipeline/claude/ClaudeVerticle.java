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
import java.util.concurrent.atomic.AtomicInteger;
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
  private static final AtomicInteger KEY_CURSOR = new AtomicInteger();

  private final AppConfig app;
  private ClaudeSettings settings;
  private WebClient client;
  private ClaudeRequests requests;
  private RetryPolicy retryPolicy;
  private CostCalculator costs;
  private Telemetry telemetry;
  private final Map<String, ToolResponseParser> parsers = new HashMap<>();

  public ClaudeVerticle(AppConfig app) {
    this.app = app;
  }

  @Override
  public Future<?> start() {
    settings = app.anthropic();
    if (settings.apiKeys().isEmpty()) {
      return Future.failedFuture("no Anthropic API key configured (ANTHROPIC_API_KEY or ANTHROPIC_API_KEYS)");
    }
    client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(10_000)
        .setKeepAlive(true)
        .setUserAgent("review-pipeline/0.1"), new PoolOptions().setHttp1MaxSize(64));
    requests = new ClaudeRequests(new TokenEstimator(settings.charsPerToken()), settings.toolUseSystemTokens(),
        settings::cacheMinTokens);
    retryPolicy = new RetryPolicy(settings.backoffInitialMs(), settings.backoffMaxMs());
    costs = new CostCalculator(app.pricing());
    telemetry = Telemetry.of(vertx);
    for (PipelineConfig p : app.pipelines()) {
      parsers.put(p.name(), new ToolResponseParser(p.toolName(), new ItemValidator(p.itemSchema())));
    }
    return vertx.eventBus().<Batch>localConsumer(Addresses.BATCH_READY, msg -> call(msg.body(), 1)).completion();
  }

  private void call(Batch batch, int attempt) {
    PipelineConfig pipeline = app.pipeline(batch.pipeline());
    String model = app.modelFor(batch.tier());
    List<ReviewEvent> events = batch.events().stream().map(PipelineEvent::event).toList();
    JsonObject body = requests.request(model, pipeline, events);
    List<String> keys = settings.apiKeys();
    String key = keys.get(Math.floorMod(KEY_CURSOR.getAndIncrement(), keys.size()));
    long started = System.currentTimeMillis();
    client.postAbs(settings.baseUrl() + "/v1/messages")
        .putHeader("x-api-key", key)
        .putHeader("anthropic-version", settings.apiVersion())
        .putHeader("content-type", "application/json")
        .timeout(settings.requestTimeoutMs())
        .sendJsonObject(body)
        .onComplete(ar -> {
          long took = System.currentTimeMillis() - started;
          if (ar.failed()) {
            telemetry.claudeRequest(model, "connection_error", took);
            retryOrFail(batch, attempt, "connection_error", ar.cause().toString(), true, null);
          } else {
            HttpResponse<Buffer> resp = ar.result();
            telemetry.claudeRequest(model, String.valueOf(resp.statusCode()), took);
            if (resp.statusCode() == 200) {
              onSuccess(batch, attempt, pipeline, model, resp);
            } else {
              onError(batch, attempt, resp);
            }
          }
        });
  }

  private void onError(Batch batch, int attempt, HttpResponse<Buffer> resp) {
    int status = resp.statusCode();
    String errorType = "http_" + status;
    String message = "HTTP " + status;
    try {
      JsonObject error = resp.bodyAsJsonObject().getJsonObject("error");
      if (error != null) {
        errorType = error.getString("type", errorType);
        message = status + " " + errorType + ": " + error.getString("message", "");
      }
    } catch (RuntimeException notJson) {
      // body was not the documented error JSON; keep the status
    }
    String requestId = resp.getHeader("request-id");
    LOG.warn("claude.request.failed pipeline={} batch={} status={} type={} request_id={} attempt={}",
        batch.pipeline(), batch.id(), status, errorType, requestId, attempt);
    boolean retryable = RetryPolicy.retryable(status, resp.getHeader("x-should-retry"));
    retryOrFail(batch, attempt, errorType, message, retryable, resp);
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
    vertx.eventBus().send(Addresses.FAILURES, new FailedEvents(batch.events(), errorType, message, true));
  }

  private void onSuccess(Batch batch, int attempt, PipelineConfig pipeline, String model, HttpResponse<Buffer> resp) {
    ParsedResponse parsed;
    try {
      parsed = parsers.get(pipeline.name()).parse(resp.bodyAsJsonObject(),
          batch.events().stream().map(PipelineEvent::id).toList());
    } catch (DecodeException | ResponseFormatException | ClassCastException e) {
      LOG.warn("claude.response.invalid pipeline={} batch={} request_id={} problem={}",
          batch.pipeline(), batch.id(), resp.getHeader("request-id"), e.getMessage());
      retryOrFail(batch, attempt, "invalid_response", "invalid response: " + e.getMessage(), true, null);
      return;
    }
    Usage usage = parsed.usage();
    double cost = costs.cost(model, usage);
    account(batch, model, usage, cost);

    if ("refusal".equals(parsed.stopReason()) && parsed.verdicts().isEmpty()) {
      vertx.eventBus().send(Addresses.FAILURES,
          new FailedEvents(batch.events(), "refusal", "the model refused to judge this batch", false));
      return;
    }
    int n = batch.size();
    List<EventResult> results = new ArrayList<>();
    List<PipelineEvent> redo = new ArrayList<>();
    Set<String> retry = new java.util.HashSet<>(parsed.missing());
    retry.addAll(parsed.invalid().keySet());
    for (PipelineEvent e : batch.events()) {
      JsonObject verdict = parsed.verdicts().get(e.id());
      if (verdict != null) {
        results.add(new EventResult(e, verdict, model, batch.tier(), batch.id(), n, cost / n,
            (double) usage.totalInputTokens() / n, (double) usage.outputTokens() / n));
        telemetry.processed(pipeline.name(), model, batch.tier(), isFlagged(pipeline, verdict));
      } else if (retry.contains(e.id())) {
        redo.add(e);
      }
    }
    if (!parsed.unknown().isEmpty()) {
      telemetry.unknownIds(pipeline.name(), parsed.unknown().size());
    }
    if (!results.isEmpty()) {
      vertx.eventBus().send(Addresses.RESULTS, new BatchResults(batch.id(), pipeline.name(), results));
    }
    if (!redo.isEmpty()) {
      resend(batch, attempt, parsed, redo);
    }
  }

  private void resend(Batch batch, int attempt, ParsedResponse parsed, List<PipelineEvent> redo) {
    boolean truncated = "max_tokens".equals(parsed.stopReason());
    if (truncated && redo.size() > 1) {
      int half = redo.size() / 2;
      LOG.info("claude.batch.split pipeline={} batch={} remaining={}", batch.pipeline(), batch.id(), redo.size());
      call(subBatch(batch, redo.subList(0, half)), 1);
      call(subBatch(batch, redo.subList(half, redo.size())), 1);
      return;
    }
    String detail = truncated ? "truncated at max_tokens"
        : "missing " + parsed.missing().size() + ", invalid " + parsed.invalid().size() + ": "
            + parsed.invalid().values().stream().limit(3).collect(Collectors.joining("; "));
    retryOrFail(subBatch(batch, redo), attempt, truncated ? "truncated" : "incomplete_response", detail, true, null);
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
  public Future<?> stop() {
    if (client != null) {
      client.close();
    }
    return Future.succeededFuture();
  }
}
