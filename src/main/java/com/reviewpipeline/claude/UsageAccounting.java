package com.reviewpipeline.claude;

import com.reviewpipeline.claude.TokenCalibration;
import com.reviewpipeline.model.Usage;
import com.reviewpipeline.telemetry.Telemetry;

/** Books one answer's usage: tokens by kind, estimated thinking tokens, cost, and the token-estimate calibration. */
final class UsageAccounting {

  private final Telemetry telemetry;
  private final TokenCalibration calibration;
  private final ClaudeRequests requests;

  UsageAccounting(Telemetry telemetry, TokenCalibration calibration, ClaudeRequests requests) {
    this.telemetry = telemetry;
    this.calibration = calibration;
    this.requests = requests;
  }

  /**
   * @param rawEstimate the request's uncalibrated input estimate
   * @param estimate the estimate the request was charged and sized with
   */
  void book(String pipeline, String model, String tier, ParsedResponse parsed, double cost, int rawEstimate,
      int estimate) {
    Usage usage = parsed.usage();
    telemetry.tokens(pipeline, model, "input", usage.inputTokens());
    telemetry.tokens(pipeline, model, "output", usage.outputTokens());
    telemetry.tokens(pipeline, model, "cache_write", usage.cacheCreationInputTokens());
    telemetry.tokens(pipeline, model, "cache_read", usage.cacheReadInputTokens());
    if (parsed.thinkingBlocks() > 0) {
      // billed inside output_tokens; the API reports no separate count, so: output minus the answer's own tokens
      telemetry.tokens(pipeline, model, "thinking",
          Math.max(0, usage.outputTokens() - requests.answerTokens(model, parsed.answerChars())));
    } else if (parsed.answerChars() > 0 && !parsed.truncated()) {
      requests.recordAnswer(model, parsed.answerChars(), usage.outputTokens());
    }
    telemetry.cost(pipeline, model, tier, cost);
    long actual = usage.totalInputTokens();
    if (actual > 0) {
      telemetry.tokenEstimateError(model, calibration.record(model, rawEstimate, estimate, actual));
    }
  }
}
