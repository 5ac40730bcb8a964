package com.reviewpipeline.claude.resilience;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.claude.api.ApiError;
import com.reviewpipeline.claude.api.KeyPool;
import com.reviewpipeline.claude.api.RetryPolicy;
import com.reviewpipeline.config.ClaudeSettings;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.PipelineEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one Claude verticle instance does with a batch whose request failed, and what a success lifts: a retry after
 * the policy's delay (never before the API's {@code retry-after}), a split, a failure, a hold of every pipeline for
 * what an operator fixes (spend limit, no valid key), or a hold of the batch while its circuit decides (see
 * {@link CircuitBreakers}, {@link HeldBatches}). Used on its verticle's event loop only.
 */
public final class Recovery {

  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
  private static final String NO_KEY = "every configured Anthropic API key was rejected with 401";

  /** Hands events to the verticle's failure path. */
  public interface Failure {
    void fail(List<PipelineEvent> events, String errorType, String message, boolean retryable);
  }

  /**
   * The verticle's ways on for a batch.
   *
   * @param call sends a batch (again)
   * @param split sends each half of a batch
   * @param fail hands events to the failure path
   */
  public record Paths(HeldBatches.Sender call, Consumer<Batch> split, Failure fail) {}

  private final Vertx vertx;
  private final ClaudeSettings settings;
  private final KeyPool keys;
  private final CircuitBreakers breakers;
  private final AccountHold hold;
  private final RetryAfter retryAfter;
  private final RetryPolicy retryPolicy;
  private final TimedBatches timed;
  private final HeldBatches held;
  private final Paths paths;

  /**
   * @param modelOf the model a batch is sent to
   * @param added called when the held batches start owning one more batch (a split part of a held batch)
   */
  public Recovery(Vertx vertx, ClaudeSettings settings, KeyPool keys, CircuitBreakers breakers, AccountHold hold,
      RetryAfter retryAfter, TimedBatches timed, Function<Batch, String> modelOf, Runnable added, Paths paths) {
    this.vertx = vertx;
    this.settings = settings;
    this.keys = keys;
    this.breakers = breakers;
    this.hold = hold;
    this.retryAfter = retryAfter;
    this.timed = timed;
    this.paths = paths;
    this.retryPolicy = new RetryPolicy(settings.backoffInitialMs(), settings.backoffMaxMs());
    this.held = new HeldBatches(breakers, modelOf, settings.maxAttempts(), new HeldBatches.Actions(paths.call(),
        paths.split(), (events, type, message) -> paths.fail().fail(events, type, message, false), added));
  }

  /** Follows the circuits of every instance and probes held batches: call from the verticle's start. */
  public void start() {
    vertx.eventBus().<JsonObject>localConsumer(Addresses.CIRCUIT, m -> held.onSuccess(m.body().getString("pipeline"),
        m.body().getString("model"), m.body().getBoolean("closed")));
    vertx.setPeriodic(Math.min(1000, breakers.probeMs()), t -> tick());
  }

  /** Whether a batch for this circuit must wait: then it is held. */
  public boolean heldForCircuit(Batch batch, int attempt, String pipeline, String model) {
    if (!breakers.isOpen(pipeline, model)) {
      return false;
    }
    held.waiting(batch, attempt, System.currentTimeMillis());
    return true;
  }

  /** The batches held for a circuit, handed out at a stop: no longer held here. */
  public List<Batch> drain() {
    return held.drain();
  }

  /** No key is usable: pause all, alert, keep the batch and probe later. */
  public void noUsableKey(Batch batch, int attempt, boolean probe, String pipeline, String model) {
    if (probe) {
      breakers.probeFailed(pipeline, model);
    }
    hold(batch, attempt, "no_usable_api_key", NO_KEY, false);
  }

  /** An error answer (not 200) of the request that carried {@code batch}, sent with the key {@code keyLabel}. */
  public void onError(Batch batch, int attempt, String pipeline, String model, HttpResponse<Buffer> resp,
      String keyLabel) {
    int status = resp.statusCode();
    ApiError error = ApiError.of(resp);
    LOG.warn("claude.request.failed pipeline={} batch={} status={} type={} code={} request_id={} key={} attempt={}",
        batch.pipeline(), batch.id(), status, error.type(), error.code(), resp.getHeader("request-id"), keyLabel,
        attempt);
    switch (ErrorTriage.of(status, error.code(), keys.usableKeys(), batch.size())) {
      case HOLD_SPEND_LIMIT -> hold(batch, attempt, "spend_limit",
          "the Anthropic workspace spend limit is reached (" + error.message() + ")", true);
      case OTHER_KEY -> paths.call().send(batch, attempt, false);
      case HOLD_NO_KEY -> hold(batch, attempt, "no_usable_api_key", NO_KEY, false);
      case SPLIT -> paths.split().accept(batch);
      case FAIL_TOO_LARGE -> paths.fail().fail(batch.events(), "request_too_large", error.message(), false);
      // the reference tier failing for shadow samples is no reason to pause the pipeline: the samples are dropped
      case PIPELINE_FAILURE -> {
        if (batch.events().stream().allMatch(PipelineEvent::isShadow)) {
          paths.fail().fail(batch.events(), error.type(), error.message(), false);
        } else {
          pipelineFailure(batch, attempt, pipeline, model, status, error.message());
        }
      }
      case RETRY_RULE -> retryOrFail(batch, attempt, error.type(), error.message(),
          RetryPolicy.retryable(status, resp.getHeader("x-should-retry")), resp);
    }
  }

  /** A failure that may be the pipeline's: counted by its circuit, the batch held until the circuit knows. */
  private void pipelineFailure(Batch batch, int attempt, String pipeline, String model, int status, String message) {
    long now = System.currentTimeMillis();
    // retries and parts of one batch count once: a batch with several bad reviews is not "different content"
    if (breakers.failure(pipeline, model, HeldBatches.root(batch), message)) {
      LOG.error("claude.circuit.opened pipeline={} model={} error={} probe_every_ms={}", pipeline, model, message,
          breakers.probeMs());
    }
    held.failed(batch, attempt, status == 400, message, now);
  }

  private void tick() {
    for (String[] closed : breakers.closeUnprobed()) {
      LOG.warn("claude.circuit.closed_unprobed pipeline={} model={} (nothing held to probe with)", closed[0], closed[1]);
      vertx.eventBus().publish(Addresses.CIRCUIT, new JsonObject().put("pipeline", closed[0]).put("model", closed[1])
          .put("closed", true));
    }
    held.tick(System.currentTimeMillis());
  }

  /** What an operator fixes, not a retry (spend limit, no valid key): pause all, alert, keep the batch, probe later. */
  private void hold(Batch batch, int attempt, String reason, String message, boolean blockKeys) {
    long probeMs = settings.spendLimitProbeMs();
    if (blockKeys) {
      keys.blockAll(System.currentTimeMillis() + probeMs);
    }
    if (hold.hold(reason, message)) {
      LOG.error("claude.pipelines.paused reason={} message={} probe_every_ms={}", reason, message, probeMs);
    }
    timed.later(vertx, probeMs, batch, () -> paths.call().send(batch, attempt, false));
  }

  /**
   * Sends {@code batch} again after the policy's delay (the {@code retry-after} of {@code resp}, if any, holds for its
   * reviews whatever path they take) while attempts remain and the failure is {@code retryable}; else fails it.
   */
  public void retryOrFail(Batch batch, int attempt, String errorType, String message, boolean retryable,
      HttpResponse<Buffer> resp) {
    long delay = retryPolicy.delayMs(attempt,
        resp == null ? null : resp.getHeader("retry-after-ms"),
        resp == null ? null : resp.getHeader("retry-after"));
    if (resp != null && (resp.getHeader("retry-after-ms") != null || resp.getHeader("retry-after") != null)) {
      retryAfter.record(batch, delay); // whatever path these reviews take now (the ladder too), not before the API said
    }
    if (retryable && attempt < settings.maxAttempts()) {
      timed.later(vertx, Math.max(1, delay), batch, () -> paths.call().send(batch, attempt + 1, false));
      return;
    }
    LOG.warn("claude.batch.failed pipeline={} batch={} events={} type={} attempts={}",
        batch.pipeline(), batch.id(), batch.size(), errorType, attempt);
    // transient failures that outlived the in-process attempts climb the retry ladder; a request the API
    // rejects as such would be rejected again: straight to the dead-letter topic
    paths.fail().fail(batch.events(), errorType, message, retryable);
  }

  /** A success lifts what failures held: the spend-limit pause, and the batches held for this circuit. */
  public void succeeded(String pipeline, String model) {
    String lifted = hold.lift();
    if (lifted != null) {
      LOG.info("claude.pipelines.resumed reason={} the API answers again", lifted);
    }
    CircuitBreakers.Success s = breakers.success(pipeline, model);
    if (s == CircuitBreakers.Success.CLOSED) {
      LOG.info("claude.circuit.closed pipeline={} model={}", pipeline, model);
    }
    if (s != CircuitBreakers.Success.NOTHING) {
      vertx.eventBus().publish(Addresses.CIRCUIT, new JsonObject().put("pipeline", pipeline).put("model", model)
          .put("closed", s == CircuitBreakers.Success.CLOSED));
    }
  }
}
