package com.reviewpipeline.claude.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/**
 * The documented error body {@code {"type":"error","error":{"type","message","details"?},"request_id"}}; a body
 * that is not that JSON keeps the HTTP status as its type.
 *
 * @param code {@code error.details.error_code} when present (e.g. {@code enforced_spend_limit_reached})
 */
public record ApiError(String type, String message, String code) {

  public static ApiError of(HttpResponse<Buffer> resp) {
    int status = resp.statusCode();
    try {
      JsonObject error = resp.bodyAsJsonObject().getJsonObject("error");
      if (error != null) {
        String type = error.getString("type", "http_" + status);
        JsonObject details = error.getJsonObject("details");
        return new ApiError(type, status + " " + type + ": " + error.getString("message", ""),
            details == null ? null : details.getString("error_code"));
      }
    } catch (RuntimeException notJson) {
      // body was not the documented error JSON; keep the status
    }
    return new ApiError("http_" + status, "HTTP " + status, null);
  }
}
