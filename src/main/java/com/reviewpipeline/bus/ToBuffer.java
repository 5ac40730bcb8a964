package com.reviewpipeline.bus;

import com.reviewpipeline.model.BufferEvents;
import com.reviewpipeline.model.PipelineEvent;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The one way into a pipeline's buffer: many events per event-bus message (a whole Kafka poll from ingest), handed
 * over with {@link Handoff}, so a buffer instance that stops during a scale-down cannot swallow them (a plain send
 * to a consumer unregistering is discarded, and its events would wait in flight until a restart).
 */
public final class ToBuffer {

  private ToBuffer() {}

  /** Sends {@code events} (nothing when empty) to {@code pipeline}'s buffer. */
  public static void send(Vertx vertx, String pipeline, List<PipelineEvent> events) {
    if (!events.isEmpty()) {
      Handoff.send(vertx, Addresses.events(pipeline), new BufferEvents(pipeline, events));
    }
  }

  /** Sends one event to its pipeline's buffer. */
  public static void send(Vertx vertx, PipelineEvent event) {
    send(vertx, event.pipeline(), List.of(event));
  }
}
