package com.reviewpipeline.claude.cost;

import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.claude.request.ParsedResponse;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.Usage;
import com.reviewpipeline.telemetry.Telemetry;
import com.reviewpipeline.tokens.TokenCalibration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Books one answer: its cost, tokens by kind, estimated thinking tokens, the token-estimate calibration, refusals
 * and ids the request never had.
 */
public final class UsageAccounting {

  private static final Logger LOG = LoggerFactory.getLogger(UsageAccounting.class);

  private final Telemetry telemetry;
  private final TokenCalibration calibration;
  private final ClaudeRequests requests;
  private final CostCalculator costs;
  public UsageAccounting(Telemetry telemetry, TokenCalibration calibration, ClaudeRequests requests, CostCalculator costs) {
    this.telemetry = telemetry;
    this.calibration = calibration;
    this.requests = requests;
    this.costs = costs;
  }

  /**
   * Books the answer to {@code batch} and returns its cost in USD.
   *
   * @param estimate the request's input estimate, raw and as charged
   * @param batchApi answered through the Message Batches API: billed at the profile's {@code batch_discount}
   */
  public double account(Batch batch, String model, ParsedResponse parsed, ClaudeRequests.InputEstimate estimate,
      boolean batchApi) {
    double cost = batchApi ? costs.batchCost(model, parsed.usage()) : costs.cost(model, parsed.usage());
    book(batch.pipeline(), model, batch.tier(), parsed, cost, estimate);
    if (parsed.refused()) {
      LOG.info("claude.batch.refused pipeline={} batch={} events={} answered={} details={}", batch.pipeline(),
          batch.id(), batch.size(), parsed.verdicts().size(), parsed.stopDetails());
    }
    if (!parsed.unknown().isEmpty()) {
      telemetry.claude().unknownIds(batch.pipeline(), parsed.unknown().size());
      LOG.warn("claude.response.unknown_ids pipeline={} batch={} count={} (ignored)", batch.pipeline(), batch.id(),
          parsed.unknown().size());
    }
    return cost;
  }

  /**
   * @param estimate the request's input estimate, raw and as charged
   */
  void book(String pipeline, String model, String tier, ParsedResponse parsed, double cost,
      ClaudeRequests.InputEstimate estimate) {
    Usage usage = parsed.usage();
    telemetry.claude().tokens(pipeline, model, "input", usage.inputTokens());
    telemetry.claude().tokens(pipeline, model, "output", usage.outputTokens());
    telemetry.claude().tokens(pipeline, model, "cache_write", usage.cacheCreationInputTokens());
    telemetry.claude().tokens(pipeline, model, "cache_read", usage.cacheReadInputTokens());
    if (parsed.thinkingBlocks() > 0) {
      // billed inside output_tokens; the API reports no separate count, so: output minus the answer's own tokens
      telemetry.claude().tokens(pipeline, model, "thinking",
          Math.max(0, usage.outputTokens() - requests.answerTokens(model, parsed.answerChars())));
    } else if (parsed.answerChars() > 0 && !parsed.truncated()) {
      requests.recordAnswer(model, parsed.answerChars(), usage.outputTokens());
    }
    telemetry.claude().cost(pipeline, model, tier, cost);
    long actual = usage.totalInputTokens();
    if (actual > 0) {
      telemetry.claude().tokenEstimateError(model, calibration.record(model, pipeline, estimate.rawFixed(),
          estimate.rawItems(), estimate.tokens(), actual));
    }
  }
}
