package com.reviewpipeline.claude;

import com.reviewpipeline.model.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * A Messages API response checked against its batch.
 *
 * @param verdicts valid items by event id
 * @param missing batch ids the response did not answer
 * @param unknown ids in the response that were not in the batch (ignored)
 * @param invalid batch ids whose item failed validation, with the reason
 */
public record ParsedResponse(
    Map<String, JsonObject> verdicts,
    List<String> missing,
    List<String> unknown,
    Map<String, String> invalid,
    String stopReason,
    String model,
    Usage usage) {}
