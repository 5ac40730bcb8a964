package com.reviewpipeline.model;

import java.util.List;

/**
 * A flushed buffer: events of one pipeline and one tier that share a single Messages API call.
 *
 * @param cutAt the {@code max_tokens} of earlier requests for these events whose answers were cut, oldest first;
 *     empty (a buffer's flush, a split part): {@code max_tokens} is computed from the pipeline. The next request
 *     asks for double the last, up to the model's output limit.
 */
public record Batch(
    String id,
    String pipeline,
    String tier,
    List<PipelineEvent> events,
    FlushTrigger trigger,
    int estimatedInputTokens,
    List<Integer> cutAt) {

  public Batch {
    cutAt = List.copyOf(cutAt);
  }

  /** A batch asked with the room its pipeline computes. */
  public Batch(String id, String pipeline, String tier, List<PipelineEvent> events, FlushTrigger trigger,
      int estimatedInputTokens) {
    this(id, pipeline, tier, events, trigger, estimatedInputTokens, List.of());
  }

  public int size() {
    return events.size();
  }
}
