package com.reviewpipeline.buffer;

import com.reviewpipeline.claude.TokenCalibration;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.claude.ClaudeRequests;
import com.reviewpipeline.config.AppConfig;
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
import java.util.UUID;

/**
 * Buffers each pipeline's events per model tier and emits batches on {@link Addresses#BATCH_READY}.
 * One {@link SmartBuffer} per (pipeline, tier), driven by Vert.x timers on this verticle's loop.
 */
public final class BatchBufferVerticle extends VerticleBase {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchBufferVerticle.class);

  private final AppConfig app;
  private final Coalescer coalescer;
  private final TokenCalibration calibration;
  private final Map<String, SmartBuffer> buffers = new HashMap<>();
  private final Map<String, com.reviewpipeline.config.BufferConfig> tuned = new HashMap<>();
  private ClaudeRequests requests;
  private final Telemetry telemetry;

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

  private void onEvent(PipelineConfig pipeline, PipelineEvent event) {
    if (!coalescer.admit(event)) {
      // another copy of this event is being judged: this one takes its outcome (see Coalescer)
      telemetry.coalesced(pipeline.name());
      return;
    }
    String tier = pipeline.tierFor(event.event());
    SmartBuffer buffer = buffers.computeIfAbsent(pipeline.name() + "/" + tier, k -> newBuffer(pipeline, tier));
    if (buffer.add(event, requests.itemTokens(app.modelFor(tier), event.event())) == SmartBuffer.AddResult.DUPLICATE) {
      // the coalescer admits only one copy of an event, so this is that same record again: it is buffered already
      LOG.warn("buffer.duplicate pipeline={} event={} source={} (already buffered)", pipeline.name(), event.id(),
          event.source());
    }
  }

  private SmartBuffer newBuffer(PipelineConfig pipeline, String tier) {
    return new SmartBuffer(tuned.getOrDefault(pipeline.name(), pipeline.buffer()),
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
    tuned.put(pipeline, com.reviewpipeline.config.BufferConfig.fromJson(change.getJsonObject("buffer")));
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
