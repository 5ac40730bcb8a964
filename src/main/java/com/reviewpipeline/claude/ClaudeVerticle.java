package com.reviewpipeline.claude;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Drain;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.bus.ToBuffer;
import com.reviewpipeline.claude.api.KeyPool;
import com.reviewpipeline.claude.api.MessagesClient;
import com.reviewpipeline.claude.api.WorkClass;
import com.reviewpipeline.claude.batches.Deferred;
import com.reviewpipeline.claude.batches.MessageBatchLedger;
import com.reviewpipeline.claude.cost.CostCalculator;
import com.reviewpipeline.claude.cost.SpendGuard;
import com.reviewpipeline.claude.cost.UsageAccounting;
import com.reviewpipeline.claude.request.AnswerPlan;
import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.claude.request.ParsedResponse;
import com.reviewpipeline.claude.request.ResponseFormatException;
import com.reviewpipeline.claude.request.ResponseReaders;
import com.reviewpipeline.claude.resilience.AccountHold;
import com.reviewpipeline.claude.resilience.CircuitBreakers;
import com.reviewpipeline.claude.resilience.HeldBatches;
import com.reviewpipeline.claude.resilience.Recovery;
import com.reviewpipeline.claude.resilience.RetryAfter;
import com.reviewpipeline.claude.resilience.TimedBatches;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ClaudeSettings;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.telemetry.Telemetry;
import com.reviewpipeline.tokens.TokenCalibration;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each batch as one Messages API call shaped by its model's profile, reads the answer by content-block type,
 * and emits results and failures. Transient failures are retried in process with backoff; failures of the pipeline
 * (see {@link CircuitBreakers}) hold the batches and pause the pipeline; whatever still fails goes to the failure
 * handler, never nowhere.
 */
public final class ClaudeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClaudeVerticle.class);

  private final AppConfig app;
  private final KeyPool keys;
  private final CircuitBreakers breakers;
  private final TokenCalibration calibration;
  private final AccountHold hold;
  private ResponseReaders readers;
  private ClaudeSettings settings;
  private MessagesClient client;
  private ClaudeRequests requests;
  private final Telemetry telemetry;
  /** Batches this instance holds that have not reached results or the failure path (incl. waiting on timers). */
  private int owned;
  private final TimedBatches timed = new TimedBatches();
  /** Pipelines whose batches go to the Message Batches API now, and the batches waiting there. */
  private io.vertx.core.shareddata.LocalMap<String, String> deferring;
  private final MessageBatchLedger ledger;
  private MessageConsumer<Batch> batches;
  private Recovery recovery;
  private UsageAccounting accounting;
  private ResultSender results;
  private SpendGuard spend;
  private volatile boolean stopping;
  private final com.reviewpipeline.agreement.AgreementGate gate;
  private final RetryAfter retryAfter;

  /** What one request was sent with, to account for its answer. */
  private record Sent(Batch batch, int attempt, boolean probe, PipelineConfig pipeline, String model,
      ClaudeRequests.InputEstimate estimate, int maxTokens) {}

  /** @param shared what every Claude verticle instance of the process shares (keys, circuits, calibration, hold) */
  public ClaudeVerticle(AppConfig app, Telemetry telemetry, ClaudeShared shared) {
    this.app = app;
    this.keys = shared.keys();
    this.breakers = shared.breakers();
    this.calibration = shared.calibration();
    this.hold = shared.hold();
    this.ledger = shared.ledger();
    this.gate = shared.agreement();
    this.retryAfter = shared.retryAfter();
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    settings = app.anthropic();
    client = new MessagesClient(vertx, settings);
    requests = new ClaudeRequests(app.models(), settings, calibration);
    results = new ResultSender(vertx, telemetry, gate);
    telemetry.claude().registerKeys(keys::describe);
    telemetry.registerView("circuit_breakers", breakers::describe);
    telemetry.registerView("token_estimate_error", calibration::describe);
    readers = new ResponseReaders(app);
    accounting = new UsageAccounting(telemetry, calibration, requests, new CostCalculator(app.models()));
    spend = new SpendGuard(vertx, app.models());
    recovery = new Recovery(vertx, settings, keys, breakers, hold, retryAfter, timed, b -> app.modelFor(b.tier()),
        () -> owned++, new Recovery.Paths(this::call, b -> split(b, b.events()), this::fail));
    recovery.start();
    deferring = vertx.sharedData().getLocalMap(Addresses.MESSAGE_BATCH_PIPELINES);
    // acknowledged on receipt; a copy sent again after a lost acknowledgement is dropped (bus/Handoff)
    vertx.eventBus().<Deferred>localConsumer(Addresses.DEFERRED_ANSWER, Handoff.receiver(this::deferredAnswer));
    batches = vertx.eventBus().<Batch>localConsumer(Addresses.BATCH_READY, Handoff.receiver(batch -> {
      owned++;
      call(batch, 1, false);
    }));
    return batches.completion();
  }

  /** One request's result from an ended Message Batch: answered as a direct answer would be, at the batch price. */
  private void deferredAnswer(Deferred d) {
    owned++;
    ledger.waiting(d.batch().events(), -1);
    Batch batch = d.batch();
    if (d.succeeded()) {
      ParsedResponse parsed;
      try {
        parsed = readers.read(batch, d.model(), d.result().getJsonObject("message"));
      } catch (ResponseFormatException | ClassCastException e) {
        LOG.warn("claude.response.invalid pipeline={} batch={} (Message Batch) problem={}", batch.pipeline(),
            batch.id(), e.getMessage());
        recovery.retryOrFail(batch, 1, "invalid_response", "invalid response: " + e.getMessage(), true, null);
        return;
      }
      // an answered Deferred carries no request (answered() drops it): the room is computed as when it was built
      int maxTokens = d.params() != null ? d.params().getInteger("max_tokens") : requests.maxTokens(d.model(),
          app.pipeline(batch.pipeline()), batch.size(), batch.cutAt());
      answered(batch, d.model(), d.estimate(), maxTokens, parsed, true);
      return;
    }
    LOG.warn("claude.message_batch.not_succeeded pipeline={} batch={} events={} type={} message={}", batch.pipeline(),
        batch.id(), batch.size(), d.errorType(), d.errorMessage());
    // errored with invalid_request: the request must be fixed (dead-lettered); anything else is retried, directly
    recovery.retryOrFail(batch, 1, d.errorType(), d.errorMessage(), !"invalid_request_error".equals(d.errorType()), null);
  }

  /** Waits for a key with budget (rate limiter), then sends; a batch of an open circuit is held instead. */
  private void call(Batch batch, int attempt, boolean probe) {
    PipelineConfig pipeline = app.pipeline(batch.pipeline());
    String model = app.modelFor(batch.tier());
    if (!probe && recovery.heldForCircuit(batch, attempt, pipeline.name(), model)) {
      return;
    }
    long notYet = retryAfter.waitMs(batch);
    if (notYet > 0) {
      timed.later(vertx, notYet, batch, () -> call(batch, attempt, probe));
      return;
    }
    List<ReviewEvent> events = batch.events().stream().map(PipelineEvent::event).toList();
    JsonObject body = requests.request(model, pipeline, events,
        requests.maxTokens(model, pipeline, events.size(), batch.cutAt()));
    ClaudeRequests.InputEstimate estimate = requests.inputEstimate(model, pipeline, events);
    if (attempt == 1 && !probe && deferring.containsKey(batch.pipeline()) && Deferred.eligible(batch)) {
      ledger.waiting(batch.events(), 1);
      vertx.eventBus().send(Addresses.DEFER, new Deferred(batch, model, body, estimate, null));
      owned--;
      return;
    }
    if (!spend.holds(batch) && spend.needed()) {
      // the day's budgets are charged before the request leaves, not after (docs/claude-stage.md "Budget guardrails")
      spend.reserve(batch, model, estimate.tokens(), body.getInteger("max_tokens")).onSuccess(send -> {
        if (stopping) {
          // stopped while asking: an instance that stays sends it (the reservation is the process's)
          Handoff.send(vertx, Addresses.BATCH_READY, batch);
          owned--;
        } else if (send) {
          call(batch, attempt, probe);
        } else {
          LOG.info("claude.budget.held pipeline={} batch={} events={}", batch.pipeline(), batch.id(), batch.size());
          timed.later(vertx, app.budget().checkIntervalMs(), batch, () -> call(batch, attempt, probe));
        }
      });
      return;
    }
    WorkClass work = WorkClass.of(batch);
    KeyPool.Acquire a = keys.acquire(model, estimate.tokens(), body.getInteger("max_tokens"), work);
    if (a.noUsableKey()) {
      recovery.noUsableKey(batch, attempt, probe, pipeline.name(), model);
      return;
    }
    if (a.permit() == null) {
      telemetry.claude().rateLimitWait(model, work.label(), a.waitMs());
      timed.later(vertx, a.waitMs(), batch, () -> call(batch, attempt, probe));
      return;
    }
    telemetry.claude().requestSent(model, work.label());
    send(new Sent(batch, attempt, probe, pipeline, model, estimate, body.getInteger("max_tokens")), body, a.permit());
  }

  private void send(Sent s, JsonObject body, KeyPool.Permit permit) {
    long started = System.currentTimeMillis();
    client.send(body, permit.secret()).onComplete(ar -> {
          long took = System.currentTimeMillis() - started;
          if (ar.failed()) {
            keys.release(permit, 0, null, null);
            spend.release(s.batch());
            telemetry.claude().request(s.model(), "connection_error", took);
            probeDone(s, false);
            recovery.retryOrFail(s.batch(), s.attempt(), "connection_error", ar.cause().toString(), true, null);
          } else {
            HttpResponse<Buffer> resp = ar.result();
            telemetry.claude().request(s.model(), String.valueOf(resp.statusCode()), took);
            if (resp.statusCode() == 200) {
              telemetry.apiLatency().record(s.model(), took);
              onSuccess(s, resp, permit);
            } else {
              keys.release(permit, resp.statusCode(), null, resp.headers());
              spend.release(s.batch());
              probeDone(s, false);
              recovery.onError(s.batch(), s.attempt(), s.pipeline().name(), s.model(), resp, permit.label());
            }
          }
        });
  }

  private void probeDone(Sent s, boolean ok) {
    if (s.probe() && !ok) {
      breakers.probeFailed(s.pipeline().name(), s.model());
    }
  }

  /** Shadow samples that fail are counted and dropped: they hold no offset and their verdict is never published. */
  private void fail(List<PipelineEvent> events, String errorType, String message, boolean retryable) {
    List<PipelineEvent> real = events.stream().filter(e -> !e.isShadow()).toList();
    events.stream().filter(PipelineEvent::isShadow).forEach(e -> telemetry.shadowFailed(e.pipeline(), errorType));
    if (!real.isEmpty()) {
      Handoff.send(vertx, Addresses.FAILURES, new FailedEvents(real, errorType, message, retryable));
    }
    owned--;
  }

  private void onSuccess(Sent s, HttpResponse<Buffer> resp, KeyPool.Permit permit) {
    Batch batch = s.batch();
    ParsedResponse parsed;
    try {
      parsed = readers.read(batch, s.model(), resp.bodyAsJsonObject());
    } catch (DecodeException | ResponseFormatException | ClassCastException e) {
      keys.release(permit, 200, null, resp.headers());
      spend.keep(batch);
      probeDone(s, false);
      LOG.warn("claude.response.invalid pipeline={} batch={} request_id={} problem={}",
          batch.pipeline(), batch.id(), resp.getHeader("request-id"), e.getMessage());
      recovery.retryOrFail(batch, s.attempt(), "invalid_response", "invalid response: " + e.getMessage(), true, null);
      return;
    }
    keys.release(permit, 200, parsed.usage(), resp.headers());
    if (resp.getHeader(Telemetry.SIMULATOR_HEADER) != null) {
      telemetry.simulatorAnswered();
    }
    answered(batch, s.model(), s.estimate(), s.maxTokens(), parsed, false);
  }

  /** A parsed answer: accounted (batch price if {@code batchApi}), published, the rest split, resent or failed. */
  private void answered(Batch batch, String model, ClaudeRequests.InputEstimate estimate, int maxTokens,
      ParsedResponse parsed, boolean batchApi) {
    PipelineConfig pipeline = app.pipeline(batch.pipeline());
    recovery.succeeded(pipeline.name(), model);
    double cost = accounting.account(batch, model, parsed, estimate, batchApi);
    spend.settle(batch, cost);
    AnswerPlan plan = AnswerPlan.of(batch.events(), parsed, batch.tier(), pipeline.refusalFallbackTier(),
        settings.maxItemResends(), new AnswerPlan.Room(batch.cutAt(), maxTokens, app.models().of(model).maxOutputTokens()));
    results.send(batch, pipeline, model, plan.results(batch, model, parsed.usage(), cost));
    for (List<PipelineEvent> part : plan.splits()) {
      LOG.info("claude.batch.split pipeline={} batch={} events={} part={}", batch.pipeline(), batch.id(), batch.size(), part.size());
      owned++;
      call(HeldBatches.sub(batch, part), 1, false);
    }
    if (plan.moreRoom() != null) {
      Batch roomier = HeldBatches.roomier(batch, List.of(plan.moreRoom()), maxTokens);
      LOG.info("claude.truncated.more_room pipeline={} batch={} event={} max_tokens={} next_max_tokens={}",
          batch.pipeline(), batch.id(), plan.moreRoom().id(), maxTokens,
          requests.maxTokens(model, pipeline, 1, roomier.cutAt()));
      owned++;
      call(roomier, 1, false);
    }
    if (plan.fallback() != null && plan.fallback().isShadow()) {
      telemetry.shadowFailed(pipeline.name(), "refusal");
    } else if (plan.fallback() != null) {
      LOG.info("claude.refusal.fallback pipeline={} event={} tier={}", batch.pipeline(), plan.fallback().id(),
          pipeline.refusalFallbackTier());
      owned++;
      call(HeldBatches.sub(batch, pipeline.refusalFallbackTier(), List.of(plan.fallback())), 1, false);
    }
    for (AnswerPlan.Failure f : plan.failures()) {
      owned++;
      fail(List.of(f.event()), f.errorType(), f.message(), f.retryable());
    }
    plan.resend().forEach(e -> telemetry.claude().resent(pipeline.name()));
    ToBuffer.send(vertx, pipeline.name(), plan.resend().stream().map(PipelineEvent::resent).toList());
    owned--;
  }

  private void split(Batch batch, List<PipelineEvent> events) {
    int half = events.size() / 2;
    owned += 2;
    call(HeldBatches.sub(batch, events.subList(0, half)), 1, false);
    call(HeldBatches.sub(batch, events.subList(half, events.size())), 1, false);
    owned--;
  }

  /**
   * Graceful stop (scale-down, shutdown): takes no new batches and finishes the ones it holds,
   * including those waiting for a retry, the rate limiter or a circuit, up to {@code shutdown.timeout_ms}.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    long deadline = System.currentTimeMillis() + app.shutdownTimeoutMs();
    Future<Void> unregistered = batches == null ? Future.succeededFuture() : batches.unregister();
    return unregistered.transform(v -> {
      // batches held for a circuit cannot finish here: the instances that stay take them (on a scale-down), or,
      // when the process stops, they stay uncommitted and are read again
      List<Batch> handedOn = recovery == null ? List.of() : recovery.drain();
      handedOn.forEach(b -> Handoff.send(vertx, Addresses.BATCH_READY, b));
      owned -= handedOn.size();
      return Drain.until(vertx, () -> owned <= 0, deadline, 20);
    }).onComplete(v -> {
      // batches still waiting on a timer would die with this instance: the instances that stay take them
      owned -= timed.handOn(vertx);
      if (owned > 0) {
        LOG.warn("claude.stopped batches_abandoned={} (their events stay uncommitted and are read again)", owned);
        telemetry.uncleanStop("claude: " + owned + " batches still owned at the drain deadline");
      }
      if (client != null) {
        client.close();
      }
    });
  }
}
