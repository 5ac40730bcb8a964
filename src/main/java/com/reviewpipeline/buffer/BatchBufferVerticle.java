package com.reviewpipeline.buffer;

import com.reviewpipeline.claude.TokenCalibration;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.claude.ClaudeRequests;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.telemetry.Telemetry;
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
 * or with other suspects ({@code containment.max_batch_size}).
 */
public final class BatchBufferVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BatchBufferVerticle.class);

  private final AppConfig app;
  private final Coalescer coalescer;
  private final TokenCalibration calibration;
  private final Map<String, SmartBuffer> buffers = new HashMap<>();
  private final Map<String, BufferConfig> tuned = new HashMap<>();
  private ClaudeRequests requests;
  private final Telemetry telemetry;
  /** Null when containment is off. */
  private InjectionDetector detector;

  /** @param calibration the process's token-estimate calibration, shared with the Claude verticles */
  /** @param coalescer the process's copies-of-one-event registry, shared with the publisher */
  public BatchBufferVerticle(AppConfig app, Telemetry telemetry, TokenCalibration calibration, Coalescer coalescer) {
    this.app = app;
    this.coalescer = coalescer;
    this.calibration = calibration;
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    requests = new ClaudeRequests(app.models(), app.anthropic(), calibration);
    detector = app.containment().enabled() ? new InjectionDetector(app.containment().rules()) : null;
    List<Future<?>> ready = new ArrayList<>();
    for (PipelineConfig pipeline : app.pipelines()) {
      MessageConsumer<PipelineEvent> c = vertx.eventBus().localConsumer(Addresses.events(pipeline.name()),
          msg -> onEvent(pipeline, msg.body()));
      ready.add(c.completion());
    }
    MessageConsumer<String> flush = vertx.eventBus().localConsumer(Addresses.BUFFER_FLUSH, msg -> flushAll(msg.body()));
    ready.add(flush.completion());
    MessageConsumer<io.vertx.core.json.JsonObject> tune = vertx.eventBus().consumer(Addresses.BUFFER_CONFIG,
        msg -> retune(msg.body()));
    ready.add(tune.completion());
    return Future.all(ready);
  }

  private void onEvent(PipelineConfig pipeline, PipelineEvent received) {
    // a shadow sample is a second look at an event already published: no copy waits for it (README "Shadow sampling")
    if (!received.isShadow() && !coalescer.admit(received)) {
      // another copy of this event is being judged: this one takes its outcome (see Coalescer)
      telemetry.coalesced(pipeline.name());
      return;
    }
    PipelineEvent event = contain(received);
    // an escalated or shadow event is judged on the tier it was sent to, whatever its routing says
    String tier = event.rejudge() != null ? event.rejudge().tier() : pipeline.tierFor(event.event());
    // shadows apart: a shadow and a re-read copy of its event must never meet as duplicates in one buffer
    String key = pipeline.name() + "/" + tier + (event.contained() ? "/contained" : "") + (event.isShadow() ? "/shadow" : "");
    SmartBuffer buffer = buffers.computeIfAbsent(key, k -> newBuffer(pipeline, tier, event.contained()));
    if (buffer.add(event, requests.itemTokens(app.modelFor(tier), event.event())) == SmartBuffer.AddResult.DUPLICATE) {
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
    BufferConfig settings = tuned.getOrDefault(pipeline.name(), pipeline.buffer());
    return new SmartBuffer(contained ? app.containment().buffer(settings) : settings,
        () -> requests.fixedTokens(app.modelFor(tier), pipeline),
        (delayMs, task) -> {
          long id = vertx.setTimer(delayMs, t -> task.run());
          return () -> vertx.cancelTimer(id);
        },
        flush -> emit(pipeline, tier, flush));
  }

  private void emit(PipelineConfig pipeline, String tier, SmartBuffer.Flush flush) {
    Batch batch = new Batch(UUID.randomUUID().toString(), pipeline.name(), tier, flush.events(), flush.trigger(),
        flush.estimatedInputTokens());
    telemetry.batchFlushed(pipeline.name(), tier, flush.trigger().label(), batch.size());
    vertx.eventBus().send(Addresses.BATCH_READY, batch);
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
    flushAll(null);
    return Future.succeededFuture();
  }
}
