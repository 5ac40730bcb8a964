package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The simulator's knobs, changed at run time through {@code POST /_sim/config}. Every field has a
 * harmless default; unknown keys are rejected so a typo in a test fails loudly.
 *
 * @param failStatus answer every matching request with this HTTP status and its documented error type (0: never)
 * @param failCount how many requests to fail (-1: all)
 * @param failSystemContains fail only requests whose system prompt contains this text (empty: any)
 * @param failModels fail only requests for these model ids (empty: any)
 * @param dropEvery answer without every n-th item (0: never)
 * @param truncateAbove stop with max_tokens after this many items when a batch has more (0: never)
 * @param contextWindowExceededAbove the same with stop_reason model_context_window_exceeded (0: never)
 * @param textInsteadOfTool under tool_choice auto, answer prose instead of calling the tool
 * @param malformedBody answer 200 with a body that is not JSON
 * @param refuse refuse every request: empty content, stop_reason refusal
 * @param longThinkingMarker a request that thinks up front (adaptive or enabled) and carries a review whose text
 *     contains this thinks {@code longThinkingTokens} more before answering (thinking counts toward {@code max_tokens},
 *     so a lone review's answer is cut below that room) (empty: off)
 * @param longThinkingTokens see {@code longThinkingMarker}
 * @param refuseMarker refuse at the first review whose text contains this, keeping the items before it (empty: off)
 * @param rejectMarker answer 400 to a request with a review whose text contains this (empty: off)
 * @param hold keep every request waiting until hold is switched off (a stalled API)
 * @param requestsPerMinute enforced per API key and model class with 429 and {@code anthropic-ratelimit-*} headers
 *     (0: unlimited)
 * @param inputTokensPerMinute per key and model class (0: unlimited)
 * @param outputTokensPerMinute per key and model class, charged from {@code max_tokens} at admission (0: unlimited)
 * @param spendLimit answer 429 with {@code error.details.error_code = enforced_spend_limit_reached} (tier cap)
 * @param workspaceSpendLimit answer 400 as a user-set workspace spend limit does
 * @param unknownIds add an item with an id that was not asked for to every answer
 * @param invalidKeys API keys answered with 401
 * @param retiredModels model ids answered 404 as retired
 * @param cacheMinTokens per model, overrides the model table's minimum prefix a {@code cache_control} marker caches
 * @param invalidEvery give every n-th item a value outside its schema (0: never)
 * @param batchProcessingMs how long a Message Batch stays {@code in_progress} before it ends with its results
 * @param batchExpire Message Batches that end now end with every request {@code expired} (as after 24 h)
 * @param batchCreateDelayMs a Message Batch is created at once but the answer to its create call leaves this much
 *     later (a slow network or a client that dies before reading it)
 * @param obeyInjections behave as a model that falls for prompt injection: when a review of a request tells the model
 *     how to judge the reviews of the batch, every verdict of that request follows it ({@link Obedience})
 * @param liteMisses per flag field, the share of the reviews the full judge flags there that the lite judge (the
 *     small models) calls unflagged, chosen by a hash of the text: a cheap tier that disagrees with the reference on
 *     that field (e.g. {@code {"is_fake": 0.3}}); empty: the lite judge as it is
 */
public record SimulatorSettings(
    long latencyMs,
    long jitterMs,
    int failStatus,
    int failCount,
    String failSystemContains,
    JsonArray failModels,
    int dropEvery,
    int truncateAbove,
    int contextWindowExceededAbove,
    boolean textInsteadOfTool,
    boolean malformedBody,
    boolean refuse,
    String refuseMarker,
    String longThinkingMarker,
    long longThinkingTokens,
    String rejectMarker,
    boolean hold,
    long requestsPerMinute,
    long inputTokensPerMinute,
    long outputTokensPerMinute,
    boolean spendLimit,
    boolean workspaceSpendLimit,
    boolean unknownIds,
    JsonArray invalidKeys,
    JsonArray retiredModels,
    JsonObject cacheMinTokens,
    int invalidEvery,
    boolean obeyInjections,
    long batchProcessingMs,
    boolean batchExpire,
    JsonObject liteMisses,
    long batchCreateDelayMs) {

  public static final Set<String> KEYS = Set.of("latency_ms", "jitter_ms", "fail_status", "fail_count",
      "fail_system_contains", "fail_models", "drop_every", "truncate_above", "context_window_exceeded_above", "text_instead_of_tool",
      "malformed_body", "refuse", "refuse_marker", "long_thinking_marker", "long_thinking_tokens",
      "reject_marker", "hold", "requests_per_minute",
      "input_tokens_per_minute", "output_tokens_per_minute", "spend_limit", "workspace_spend_limit", "unknown_ids",
      "invalid_keys", "retired_models", "cache_min_tokens", "invalid_every", "obey_injections", "batch_processing_ms",
      "batch_expire", "lite_misses", "batch_create_delay_ms");

  /** The statuses {@code fail_status} accepts: those with a documented error type (https://platform.claude.com/docs/en/api/errors). */
  public static final Set<Integer> FAIL_STATUSES = Set.of(0, 400, 401, 402, 403, 404, 409, 413, 429, 500, 504, 529);

  public static SimulatorSettings defaults(long latencyMs, long jitterMs) {
    return new SimulatorSettings(latencyMs, jitterMs, 0, -1, "", new JsonArray(), 0, 0, 0, false, false, false, "", "", 0, "", false,
        0, 0, 0, false, false, false, new JsonArray(), new JsonArray(), new JsonObject(), 0, false, 2000, false,
        new JsonObject(), 0);
  }

  public SimulatorSettings merge(JsonObject j) {
    for (String key : j.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown simulator setting '" + key + "'; known: " + KEYS);
      }
    }
    int status = j.getInteger("fail_status", failStatus);
    if (!FAIL_STATUSES.contains(status)) {
      throw new IllegalArgumentException("fail_status " + status + " has no documented error type; use one of " + FAIL_STATUSES);
    }
    return new SimulatorSettings(
        j.getLong("latency_ms", latencyMs),
        j.getLong("jitter_ms", jitterMs),
        status,
        j.getInteger("fail_count", failCount),
        j.getString("fail_system_contains", failSystemContains),
        j.getJsonArray("fail_models", failModels),
        j.getInteger("drop_every", dropEvery),
        j.getInteger("truncate_above", truncateAbove),
        j.getInteger("context_window_exceeded_above", contextWindowExceededAbove),
        j.getBoolean("text_instead_of_tool", textInsteadOfTool),
        j.getBoolean("malformed_body", malformedBody),
        j.getBoolean("refuse", refuse),
        j.getString("refuse_marker", refuseMarker),
        j.getString("long_thinking_marker", longThinkingMarker),
        j.getLong("long_thinking_tokens", longThinkingTokens),
        j.getString("reject_marker", rejectMarker),
        j.getBoolean("hold", hold),
        j.getLong("requests_per_minute", requestsPerMinute),
        j.getLong("input_tokens_per_minute", inputTokensPerMinute),
        j.getLong("output_tokens_per_minute", outputTokensPerMinute),
        j.getBoolean("spend_limit", spendLimit),
        j.getBoolean("workspace_spend_limit", workspaceSpendLimit),
        j.getBoolean("unknown_ids", unknownIds),
        j.getJsonArray("invalid_keys", invalidKeys),
        j.getJsonArray("retired_models", retiredModels),
        j.getJsonObject("cache_min_tokens", cacheMinTokens),
        j.getInteger("invalid_every", invalidEvery),
        j.getBoolean("obey_injections", obeyInjections),
        j.getLong("batch_processing_ms", batchProcessingMs),
        j.getBoolean("batch_expire", batchExpire),
        j.getJsonObject("lite_misses", liteMisses),
        j.getLong("batch_create_delay_ms", batchCreateDelayMs));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("latency_ms", latencyMs)
        .put("jitter_ms", jitterMs)
        .put("fail_status", failStatus)
        .put("fail_count", failCount)
        .put("fail_system_contains", failSystemContains)
        .put("fail_models", failModels)
        .put("drop_every", dropEvery)
        .put("truncate_above", truncateAbove)
        .put("context_window_exceeded_above", contextWindowExceededAbove)
        .put("text_instead_of_tool", textInsteadOfTool)
        .put("malformed_body", malformedBody)
        .put("refuse", refuse)
        .put("refuse_marker", refuseMarker)
        .put("long_thinking_marker", longThinkingMarker)
        .put("long_thinking_tokens", longThinkingTokens)
        .put("reject_marker", rejectMarker)
        .put("hold", hold)
        .put("requests_per_minute", requestsPerMinute)
        .put("input_tokens_per_minute", inputTokensPerMinute)
        .put("output_tokens_per_minute", outputTokensPerMinute)
        .put("spend_limit", spendLimit)
        .put("workspace_spend_limit", workspaceSpendLimit)
        .put("unknown_ids", unknownIds)
        .put("invalid_keys", invalidKeys.copy())
        .put("retired_models", retiredModels.copy())
        .put("cache_min_tokens", cacheMinTokens.copy())
        .put("invalid_every", invalidEvery)
        .put("obey_injections", obeyInjections)
        .put("batch_processing_ms", batchProcessingMs)
        .put("batch_expire", batchExpire)
        .put("lite_misses", liteMisses.copy())
        .put("batch_create_delay_ms", batchCreateDelayMs);
  }
}
