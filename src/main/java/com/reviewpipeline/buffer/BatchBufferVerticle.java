package com.reviewpipeline.buffer;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Drain;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.bus.MessageBatchWaits;
import com.reviewpipeline.cache.VerdictCache;
import com.reviewpipeline.cache.VerdictKeys;
import com.reviewpipeline.cache.VerdictLookup;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.BufferEvents;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.telemetry.Telemetry;
import com.reviewpipeline.telemetry.VerdictCacheMeters;
import com.reviewpipeline.tokens.TokenCalibration;
import com.reviewpipeline.tokens.TokenEstimates;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers each pipeline's events per model tier and emits batches on {@link Addresses#BATCH_READY}.
 * One {@link SmartBuffer} per (pipeline, tier, contained), driven by Vert.x timers on this verticle's loop: a review
 * the {@link InjectionDetector} suspects of instructing the model is never batched with ordinary reviews, only alone
 * or with other suspects ({@code containment.max_batch_size}). Before any of that, an event the verdict cache has a
 * verdict for (a redelivery, a replay, an exact copy of a judged review) goes straight to the publisher as a cached
 * result: no call, no cost, and its offset is done once that result is written, like any other.
 */
public final class BatchBufferVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BatchBufferVerticle.class);

  private final AppConfig app;
  private final Coalescer coalescer;
  /** Null when the verdict cache is off. */
  private final VerdictLookup verdicts;
  /** Events waiting for the cluster's answer: stop() lets them land in a buffer before the last flush. */
  private int lookupsInFlight;
  private final TokenCalibration calibration;
  private final Map<String, SmartBuffer> buffers = new HashMap<>();
  private final List<MessageConsumer<BufferEvents>> eventConsumers = new ArrayList<>();
  /** Read by /api/stats from other threads too. */
  private final Map<String, BufferConfig> tuned = new java.util.concurrent.ConcurrentHashMap<>();
  private TokenEstimates estimates;
  private final Telemetry telemetry;
  private final VerdictCacheMeters cacheMeters;
  private final MessageBatchWaits ledger;
  /** Null when containment is off. */
  private InjectionDetector detector;

  /** A buffer without a verdict cache (tools and tests that judge every event). */
  public BatchBufferVerticle(AppConfig app, Telemetry telemetry, TokenCalibration calibration, Coalescer coalescer) {
    this(app, telemetry, calibration, coalescer, null, null);
  }

  /**
   * @param calibration the process's token-estimate calibration, shared with the Claude verticles
   * @param coalescer the process's copies-of-one-event registry, shared with the publisher
   * @param verdicts the process's verdict cache, filled by the publisher; null: off
   * @param ledger the process's submitted Message Batches, whose events read again wait for them; null: none
   */
  public BatchBufferVerticle(AppConfig app, Telemetry telemetry, TokenCalibration calibration, Coalescer coalescer,
      VerdictLookup verdicts, MessageBatchWaits ledger) {
    this.ledger = ledger;
    this.app = app;
    this.coalescer = coalescer;
    this.calibration = calibration;
    this.telemetry = telemetry;
    this.cacheMeters = new VerdictCacheMeters(telemetry.registry());
    this.verdicts = verdicts;
  }

  /** pipeline → tier while its budget's cheaper_tier action holds (kept by the budget verticle). */
  private io.vertx.core.shareddata.LocalMap<String, String> budgetTiers;

  @Override
  public Future<?> start() {
    estimates = new TokenEstimates(app.models(), app.anthropic(), calibration);
    budgetTiers = vertx.sharedData().getLocalMap(Addresses.BUDGET_TIERS);
    detector = app.containment().enabled() ? new InjectionDetector(app.containment().rules()) : null;
    List<Future<?>> ready = new ArrayList<>();
    for (PipelineConfig pipeline : app.pipelines()) {
      for (String tier : app.tiers().keySet()) {
        telemetry.registerBufferWait(pipeline.name(), tier, () -> waitOf(pipeline, tier, settingsOf(pipeline)).toJson());
      }
      MessageConsumer<BufferEvents> c = vertx.eventBus().localConsumer(Addresses.events(pipeline.name()),
          Handoff.receiver(in -> in.events().forEach(e -> onEvent(pipeline, e))));
      eventConsumers.add(c);
      ready.add(c.completion());
    }
    MessageConsumer<String> flush = vertx.eventBus().localConsumer(Addresses.BUFFER_FLUSH, msg -> flushAll(msg.body()));
    ready.add(flush.completion());
    MessageConsumer<io.vertx.core.json.JsonObject> tune = vertx.eventBus().consumer(Addresses.BUFFER_CONFIG,
        msg -> retune(msg.body()));
    ready.add(tune.completion());
    return Future.all(ready);
  }

  /**
   * The verdict cache first, unless the operator asked for a new judgment or the event is a resend (it missed on its
   * way in). This node's cache answers at once; only on its miss, and only in a cluster, the members' shared map.
   */
  private void onEvent(PipelineConfig pipeline, PipelineEvent received) {
    // an escalation or a shadow is a further look at an event just judged: never answered from the cache
    if (verdicts == null || received.forced() || received.resends() > 0 || received.rejudge() != null) {
      judge(pipeline, received);
      return;
    }
    VerdictKeys.Keys keys = VerdictKeys.of(pipeline.name(), received.event());
    VerdictCache.Hit hit = verdicts.local(keys);
    if (hit != null) {
      answer(pipeline, received, hit, "node");
    } else if (!verdicts.clustered()) {
      cacheMeters.miss(pipeline.name());
      judge(pipeline, received);
    } else {
      lookupsInFlight++;
      verdicts.shared(keys).onComplete(ar -> {
        lookupsInFlight--;
        if (ar.succeeded() && ar.result() != null) {
          answer(pipeline, received, ar.result(), "cluster");
        } else {
          cacheMeters.miss(pipeline.name());
          judge(pipeline, received);
        }
      });
    }
  }

  /** A cached verdict as this event's result, through the publisher (written, stored, then the offset is done). */
  private void answer(PipelineConfig pipeline, PipelineEvent event, VerdictCache.Hit hit, String scope) {
    EventResult result = hit.verdict().answer(event);
    cacheMeters.hit(pipeline.name(), hit.key().kind().label(), scope);
    // a verdict out like any other (model and tier of the judgment it copies); its cost, 0, is not counted
    telemetry.processed(pipeline.name(), result.model(), result.tier(), pipeline.flags(result.verdict()),
        result.event().contained());
    LOG.debug("buffer.cached pipeline={} event={} key={} scope={} cached_from={}", pipeline.name(), event.id(),
        hit.key().kind().label(), scope, result.cachedFrom());
    Handoff.send(vertx, Addresses.RESULTS, new BatchResults("cached", pipeline.name(), List.of(result)));
  }

  private void judge(PipelineConfig pipeline, PipelineEvent received) {
    // a shadow sample is a second look at an event already published: no copy waits for it (docs/claude-stage.md
    // "Shadow sampling")
    if (!received.isShadow() && !coalescer.admit(received)) {
      // another copy of this event is being judged: this one takes its outcome (see Coalescer)
      telemetry.coalesced(pipeline.name());
      return;
    }
    PipelineEvent event = contain(received);
    if (ledger != null && ledger.park(event)) {
      // read again after a restart while a Message Batch holding it runs: it waits for that batch's result
      LOG.debug("buffer.parked pipeline={} event={} (in a submitted Message Batch)", pipeline.name(), event.id());
      return;
    }
    // an escalated or shadow event is judged on the tier it was sent to, whatever its routing says; otherwise a
    // pipeline whose budget's cheaper_tier action holds goes to the cheapest tier (docs/claude-stage.md "Budget
    // guardrails")
    String tier = event.rejudge() != null ? event.rejudge().tier()
        : budgetTiers.getOrDefault(pipeline.name(), pipeline.tierFor(event.event()));
    // shadows apart: a shadow and a re-read copy of its event must never meet as duplicates in one buffer
    String key = pipeline.name() + "/" + tier + (event.contained() ? "/contained" : "") + (event.isShadow() ? "/shadow" : "");
    SmartBuffer buffer = buffers.computeIfAbsent(key, k -> newBuffer(pipeline, tier, event.contained()));
    if (buffer.add(event, estimates.itemTokens(app.modelFor(tier), event.event())) == SmartBuffer.AddResult.DUPLICATE) {
      // the coalescer admits only one copy of an event, so this is that same record again: it is buffered already
      LOG.warn("buffer.duplicate pipeline={} event={} source={} (already buffered)", pipeline.name(), event.id(),
          event.source());
    }
  }

  /** The event marked contained when a rule suspects it (an event resent to its buffer keeps its mark). */
  private PipelineEvent contain(PipelineEvent event) {
    if (detector == null || event.contained()) {
      return event;
    }
    Optional<String> rule = detector.rule(event.event().reviewText());
    if (rule.isEmpty()) {
      return event;
    }
    LOG.debug("buffer.contained pipeline={} event={} rule={}", event.pipeline(), event.id(), rule.get());
    return event.asContained();
  }

  private SmartBuffer newBuffer(PipelineConfig pipeline, String tier, boolean contained) {
    BufferConfig settings = settingsOf(pipeline);
    BufferConfig own = contained ? app.containment().buffer(settings) : settings;
    return new SmartBuffer(own,
        () -> estimates.fixedTokens(app.modelFor(tier), pipeline),
        () -> waitOf(pipeline, tier, own),
        new SmartBuffer.Scheduler() {
          @Override
          public Runnable schedule(long delayMs, Runnable task) {
            long id = vertx.setTimer(delayMs, t -> task.run());
            return () -> vertx.cancelTimer(id);
          }

          @Override
          public long nowMs() {
            return System.currentTimeMillis();
          }
        },
        flush -> emit(pipeline, tier, flush));
  }

  private BufferConfig settingsOf(PipelineConfig pipeline) {
    return tuned.getOrDefault(pipeline.name(), pipeline.buffer());
  }

  /** The time trigger of {@code tier}'s buffer now: its settings and the API latency the Claude stage measured. */
  private LatencyObjective.Wait waitOf(PipelineConfig pipeline, String tier, BufferConfig settings) {
    return LatencyObjective.of(settings, pipeline.cascade(), tier,
        t -> telemetry.apiLatency().percentileMs(app.modelFor(t)));
  }

  private void emit(PipelineConfig pipeline, String tier, SmartBuffer.Flush flush) {
    Batch batch = new Batch(UUID.randomUUID().toString(), pipeline.name(), tier, flush.events(), flush.trigger(),
        flush.estimatedInputTokens());
    telemetry.batchFlushed(pipeline.name(), tier, flush.trigger().label(), batch.size());
    // acknowledged: a Claude instance stopping during a scale-down must not swallow it
    Handoff.send(vertx, Addresses.BATCH_READY, batch);
  }

  /** New buffer settings at run time: current buffers of the pipeline flush now, new ones use the settings. */
  private void retune(io.vertx.core.json.JsonObject change) {
    String pipeline = change.getString("pipeline");
    tuned.put(pipeline, BufferConfig.fromJson(change.getJsonObject("buffer")));
    flushAll(pipeline);
    buffers.keySet().removeIf(key -> key.startsWith(pipeline + "/"));
  }

  private void flushAll(String pipeline) {
    buffers.forEach((key, buffer) -> {
      if (pipeline == null || pipeline.isEmpty() || key.startsWith(pipeline + "/")) {
        buffer.flush(FlushTrigger.MANUAL);
      }
    });
  }

  @Override
  public Future<?> stop() {
    // no new events first: events taken after the last flush would sit in a buffer whose timers die with this
    // instance; events arriving now are discarded by Vert.x and sent to another instance (bus/ToBuffer). A cluster
    // lookup answers (or times out) within a fraction of a second; its event must reach a buffer before the flush.
    return Future.all(eventConsumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> Drain.until(vertx, () -> lookupsInFlight == 0, System.currentTimeMillis() + 2_000, 20))
        .onComplete(drained -> flushAll(null));
  }
}
