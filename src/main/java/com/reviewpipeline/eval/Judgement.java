package com.reviewpipeline.eval;

import io.vertx.core.json.JsonObject;

/**
 * One review judged on one tier. A request's cost and tokens are shared equally among the reviews it carried.
 *
 * @param verdict the documented verdict fields (after the compact mapping), null unless {@code OK}
 * @param problem why there is no verdict (validation message, refusal, HTTP error, budget), else null
 * @param latencyMs the latency of the request that carried it (as first measured, also when answered from the cache)
 */
public record Judgement(String reviewId, String tier, String model, Status status, JsonObject verdict, String problem,
    double usd, double inputTokens, double outputTokens, double thinkingTokens, long latencyMs, boolean cached) {

  public enum Status {
    /** a valid verdict */
    OK,
    /** an item that failed the pipeline's schema or mapping */
    INVALID,
    /** not answered because the model refused (stop_reason refusal) */
    REFUSED,
    /** not answered: cut short or left out */
    MISSING,
    /** the request failed (HTTP error after retries, unreadable answer) */
    ERROR,
    /** never sent: --max-usd reached */
    NOT_JUDGED
  }

  public boolean ok() {
    return status == Status.OK;
  }

  static Judgement none(String reviewId, String tier, String model, Status status, String problem) {
    return new Judgement(reviewId, tier, model, status, null, problem, 0, 0, 0, 0, 0, false);
  }
}
