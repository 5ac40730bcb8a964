package com.reviewpipeline.claude;

import com.reviewpipeline.model.Batch;
import io.vertx.core.json.JsonObject;

/**
 * A batch on its way through the Message Batches API: the request built for it and its input estimate; once the
 * Message Batch has ended, the same with the request's {@code result} object ({@code succeeded}, {@code errored},
 * {@code canceled} or {@code expired}).
 */
public record Deferred(Batch batch, String model, JsonObject params, ClaudeRequests.InputEstimate estimate,
    JsonObject result) {

  public Deferred answered(Batch withEvents, JsonObject r) {
    return new Deferred(withEvents, model, null, estimate, r);
  }
}
