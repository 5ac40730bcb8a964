package com.reviewpipeline.model;

import java.util.List;

/**
 * Events handed to one pipeline's buffer in one event-bus message: what one Kafka poll read (ingest), or what one
 * answer, retry or Message Batch sends to be judged (again). See {@code bus.ToBuffer}.
 */
public record BufferEvents(String pipeline, List<PipelineEvent> events) {

  public BufferEvents {
    events = List.copyOf(events);
  }
}
