package com.reviewpipeline.claude.request;

import com.reviewpipeline.model.Usage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Messages API response checked against its batch.
 *
 * @param verdicts valid items by batch id
 * @param missing batch ids the response did not answer
 * @param unknown ids in the response that were not in the batch (ignored)
 * @param invalid batch ids whose item failed validation, with the reason
 * @param stopDetails {@code stop_details} of a refusal (category, explanation), else null
 * @param thinkingBlocks thinking and redacted_thinking blocks in the answer (their tokens are in output_tokens)
 * @param answerChars characters of the answer itself (tool input or JSON text), to tell it from thinking tokens
 */
public record ParsedResponse(
    Map<String, JsonObject> verdicts,
    List<String> missing,
    List<String> unknown,
    Map<String, String> invalid,
    String stopReason,
    JsonObject stopDetails,
    String model,
    Usage usage,
    int thinkingBlocks,
    long answerChars) {

  /** Stop reasons after which the answer is cut short: keep the complete items, split the rest. */
  static final Set<String> TRUNCATED = Set.of("max_tokens", "model_context_window_exceeded");

  public boolean truncated() {
    return TRUNCATED.contains(stopReason);
  }

  public boolean refused() {
    return "refusal".equals(stopReason);
  }
}
