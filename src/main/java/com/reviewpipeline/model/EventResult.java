package com.reviewpipeline.model;

import io.vertx.core.json.JsonObject;

/**
 * The verdict for one event, with its share of the batch's tokens and cost.
 *
 * @param verdict the tool item as the model returned it, already validated against the pipeline's schema, with its
 *     {@code id} (the review's position in the request) replaced by the event id
 * @param cachedFrom null when this verdict comes from a call now; else the event id of the judged event whose
 *     published verdict the verdict cache answered with (the same id for a redelivered or replayed event, another one
 *     for an exact copy of the text); model, tier and batch then describe that judgment, and cost and tokens are 0
 */
public record EventResult(
    PipelineEvent event,
    JsonObject verdict,
    String model,
    String tier,
    String batchId,
    int batchSize,
    double costUsd,
    double inputTokens,
    double outputTokens,
    String cachedFrom) {

  /** A verdict from a call made for this event (or for its twin, when coalesced). */
  public EventResult(PipelineEvent event, JsonObject verdict, String model, String tier, String batchId, int batchSize,
      double costUsd, double inputTokens, double outputTokens) {
    this(event, verdict, model, tier, batchId, batchSize, costUsd, inputTokens, outputTokens, null);
  }

  public boolean cached() {
    return cachedFrom != null;
  }
}
