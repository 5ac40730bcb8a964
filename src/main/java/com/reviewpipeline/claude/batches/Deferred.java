package com.reviewpipeline.claude.batches;

import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.model.Batch;
import io.vertx.core.json.JsonObject;

/**
 * A batch on its way through the Message Batches API: the request built for it and its input estimate; once the
 * Message Batch has ended, the same with the request's {@code result} object ({@code succeeded}, {@code errored},
 * {@code canceled} or {@code expired}).
 */
public record Deferred(Batch batch, String model, JsonObject params, ClaudeRequests.InputEstimate estimate,
    JsonObject result) {

  /**
   * Whether a batch of a deferring pipeline may go to the Message Batches API (on its first attempt: a retry goes
   * straight to {@code /v1/messages}): first judgements and cascade
   * escalations may. Shadow samples and {@code rejudge} replays stay direct: after a restart the event read again
   * would be taken for the shadow's request and its comparison published as a verdict, and a replay asks for a
   * judgement now.
   */
  public static boolean eligible(Batch batch) {
    return batch.events().stream().allMatch(e -> !e.isShadow() && !e.forced());
  }

  public Deferred answered(Batch withEvents, JsonObject r) {
    return new Deferred(withEvents, model, null, estimate, r);
  }

  /** An {@code errored} result as the API writes it: {@code {type: errored, error: {type: error, error: {type, message}}}}. */
  static JsonObject errored(String type, String message) {
    return new JsonObject().put("type", "errored").put("error", new JsonObject().put("type", "error")
        .put("error", new JsonObject().put("type", type).put("message", message)));
  }

  public boolean succeeded() {
    return "succeeded".equals(result.getString("type"));
  }

  /** Of a result that did not succeed: the error's type, or {@code message_batch_canceled} / {@code _expired}. */
  public String errorType() {
    String type = result.getString("type", "");
    return "errored".equals(type) ? error().getString("type", "api_error") : "message_batch_" + type;
  }

  public String errorMessage() {
    String type = result.getString("type", "");
    return "errored".equals(type) ? error().getString("message", "") : "Message Batch request " + type;
  }

  private JsonObject error() {
    return result.getJsonObject("error", new JsonObject()).getJsonObject("error", new JsonObject());
  }
}
