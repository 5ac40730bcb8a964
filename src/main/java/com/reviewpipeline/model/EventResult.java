package com.reviewpipeline.model;

import io.vertx.core.json.JsonObject;

/**
 * The verdict for one event, with its share of the batch's tokens and cost.
 *
 * @param verdict the tool item as the model returned it, already validated against the pipeline's schema, with its
 *     {@code id} (the review's position in the request) replaced by the event id
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
    double outputTokens) {}
