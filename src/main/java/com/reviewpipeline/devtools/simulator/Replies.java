package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The API's response bodies: the error envelope and the message. */
final class Replies {

  private Replies() {}

  /**
   * {@code {"type":"error","error":{"type","message"[,"details"]},"request_id"}} with the same id in the
   * {@code request-id} header (https://platform.claude.com/docs/en/api/errors); {@code details} only where the
   * API sends it (the tier spend cap).
   */
  static void error(RoutingContext ctx, SimStats stats, ApiError e, JsonObject details) {
    stats.status(e.status());
    String id = requestId();
    JsonObject error = new JsonObject().put("type", e.type()).put("message", e.message());
    if (details != null) {
      error.put("details", details);
    }
    ctx.response()
        .setStatusCode(e.status())
        .putHeader("content-type", "application/json")
        .putHeader("request-id", id)
        .end(new JsonObject().put("type", "error").put("error", error).put("request_id", id).encode());
  }

  static JsonObject message(String model, Answers.Answer answer, long input, PromptCache.Use cached) {
    return new JsonObject()
        .put("id", "msg_sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", model)
        .put("content", answer.content())
        .put("stop_reason", answer.stopReason())
        .put("stop_sequence", null)
        // "stop_details is null for all stop reasons other than refusal", and the field is always there
        // (https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons)
        .put("stop_details", answer.stopDetails())
        .put("usage", new JsonObject()
            // thinking is in output_tokens: the API documents no separate thinking field
            .put("input_tokens", input)
            .put("output_tokens", answer.outputTokens())
            .put("cache_creation_input_tokens", cached.write())
            .put("cache_read_input_tokens", cached.read())
            .put("cache_creation", new JsonObject()
                .put("ephemeral_5m_input_tokens", cached.write())
                .put("ephemeral_1h_input_tokens", 0))
            .put("service_tier", "standard"));
  }

  static String requestId() {
    return "req_sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }
}
