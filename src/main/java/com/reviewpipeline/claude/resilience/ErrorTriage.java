package com.reviewpipeline.claude.resilience;

import com.reviewpipeline.claude.api.RetryPolicy;
import java.util.Set;

/**
 * What an error answer of the Messages API means for the batch that got it. The order matters: the account's
 * conditions first (spend limit, rejected keys), then the batch's own size, then failures no single event causes,
 * then the retry rule.
 */
public final class ErrorTriage {

  /** The workspace's spend limit: a 429 no backoff fixes. */
  static final String SPEND_LIMIT = "enforced_spend_limit_reached";
  /** Statuses no single event causes; 400 also counts, but only once it repeats for batches of different content. */
  static final Set<Integer> PIPELINE_LEVEL = Set.of(400, 402, 403, 404);

  /** What to do with the batch. */
  public enum Action {
    /** pause every pipeline, hold the batch and probe: the account's spend limit is reached */
    HOLD_SPEND_LIMIT,
    /** send again now: the key was rejected, another one is still usable */
    OTHER_KEY,
    /** pause every pipeline, hold the batch and probe: no key is accepted */
    HOLD_NO_KEY,
    /** the request is too large: send each half */
    SPLIT,
    /** one review alone is too large: it fails, not retryable */
    FAIL_TOO_LARGE,
    /** maybe the pipeline's failure: count it towards the circuit and hold the batch */
    PIPELINE_FAILURE,
    /** the retry rule decides ({@link RetryPolicy#retryable}) */
    RETRY_RULE
  }

  private ErrorTriage() {}

  /**
   * @param errorCode the error body's code, if any
   * @param usableKeys keys not disabled after this answer was taken into account
   */
  public static Action of(int status, String errorCode, int usableKeys, int batchSize) {
    if (status == 429 && SPEND_LIMIT.equals(errorCode)) {
      return Action.HOLD_SPEND_LIMIT;
    }
    if (status == 401) {
      return usableKeys > 0 ? Action.OTHER_KEY : Action.HOLD_NO_KEY;
    }
    if (status == 413) {
      return batchSize > 1 ? Action.SPLIT : Action.FAIL_TOO_LARGE;
    }
    return PIPELINE_LEVEL.contains(status) ? Action.PIPELINE_FAILURE : Action.RETRY_RULE;
  }
}
