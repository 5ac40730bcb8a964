package com.reviewpipeline.bus;

/** The Kafka record headers of the events topic that the service reads (docs/operations.md "Failures", "Verdict cache"). */
public final class Headers {

  /** A manual-review replay names the one pipeline that is to judge it; the other pipelines mark it done. */
  public static final String REPLAY_FOR_PIPELINE = "replay-for-pipeline";

  /** {@code true}: judge the event anew whatever the verdict cache holds; the new verdict replaces the cached one. */
  public static final String REJUDGE = "rejudge";

  private Headers() {}
}
