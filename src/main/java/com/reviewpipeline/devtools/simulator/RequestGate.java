package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What both endpoints check before any model rule: credential, {@code anthropic-version}, a JSON body with its
 * required fields, a key that is not revoked, a model that exists. A failed check is answered here.
 */
final class RequestGate {

  /** A request that passed the gate. */
  record Admitted(JsonObject body, ApiModel model, String apiKey) {}

  private RequestGate() {}

  /**
   * The caller's credential: {@code x-api-key} as documented, or {@code Authorization: Bearer}
   * as the official Java SDK 3.x sends it.
   */
  static String apiKey(RoutingContext ctx) {
    String key = ctx.request().getHeader("x-api-key");
    if (key != null && !key.isBlank()) {
      return key;
    }
    String auth = ctx.request().getHeader("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
      return auth.substring(7).trim();
    }
    return null;
  }

  /** The admitted request, or null once the error has been answered. */
  static Admitted admit(RoutingContext ctx, SimStats stats, SimulatorSettings s, ApiModels models, boolean needsMaxTokens) {
    String key = apiKey(ctx);
    if (key == null || key.isBlank()) {
      return fail(ctx, stats, new ApiError(401, "authentication_error", "x-api-key header is required"));
    }
    if (ctx.request().getHeader("anthropic-version") == null) {
      return fail(ctx, stats, ApiError.invalidRequest("anthropic-version: header is required"));
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return fail(ctx, stats, ApiError.invalidRequest("request body is not valid JSON"));
    }
    if (body == null) {
      return fail(ctx, stats, ApiError.invalidRequest("request body must be a JSON object"));
    }
    String model = body.getValue("model") instanceof String m ? m : null;
    boolean maxTokens = body.getValue("max_tokens") instanceof Integer i && i >= 1;
    boolean conversation = body.getValue("messages") instanceof JsonArray a && !a.isEmpty();
    // count_tokens takes no max_tokens
    if (model == null || (needsMaxTokens && !maxTokens) || !conversation) {
      return fail(ctx, stats, ApiError.invalidRequest("model, max_tokens (positive integer) and messages are required"));
    }
    if (s.invalidKeys().contains(key)) {
      return fail(ctx, stats, new ApiError(401, "authentication_error", "invalid x-api-key"));
    }
    ApiModel known = s.retiredModels().contains(model) ? null : models.find(model).orElse(null);
    if (known == null) {
      // "Requests to a retired model fail" (Haiku 5.5 migration guide): answered like an id that never existed
      return fail(ctx, stats, ApiError.notFound("model: " + model));
    }
    return new Admitted(body, known, key);
  }

  /**
   * The body checks of {@link #admit} without the HTTP ones, for a Message Batch request's {@code params}: null when
   * they pass.
   */
  static ApiError checkParams(JsonObject body, SimulatorSettings s, ApiModels models) {
    String model = body.getValue("model") instanceof String m ? m : null;
    boolean maxTokens = body.getValue("max_tokens") instanceof Integer i && i >= 1;
    boolean conversation = body.getValue("messages") instanceof JsonArray a && !a.isEmpty();
    if (model == null || !maxTokens || !conversation) {
      return ApiError.invalidRequest("model, max_tokens (positive integer) and messages are required");
    }
    if (s.retiredModels().contains(model) || models.find(model).isEmpty()) {
      return ApiError.notFound("model: " + model);
    }
    return null;
  }

  private static Admitted fail(RoutingContext ctx, SimStats stats, ApiError e) {
    Replies.error(ctx, stats, e, null);
    return null;
  }
}
