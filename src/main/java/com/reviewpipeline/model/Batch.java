package com.reviewpipeline.model;

import java.util.List;

/** A flushed buffer: events of one pipeline and one tier that share a single Messages API call. */
public record Batch(
    String id,
    String pipeline,
    String tier,
    List<PipelineEvent> events,
    FlushTrigger trigger,
    int estimatedInputTokens) {

  public int size() {
    return events.size();
  }
}
