package com.reviewpipeline.claude.resilience;

/**
 * A pause of every pipeline for a reason of the whole API account (the workspace spend limit, no API key accepted):
 * one per process, shared by the Claude verticle instances, so that the first instance to meet the condition pauses
 * the pipelines and raises the alert and the first success anywhere lifts both, once.
 */
public final class AccountHold {

  private final PauseSignals signals;
  private String reason;

  public AccountHold(PauseSignals signals) {
    this.signals = signals;
  }

  /** Pauses every pipeline for {@code reason}; true only for the call that paused them. */
  public synchronized boolean hold(String reason, String message) {
    if (this.reason != null) {
      return false;
    }
    this.reason = reason;
    signals.allHeld(reason, message);
    return true;
  }

  /** Resumes the pipelines; returns the lifted reason to the one call that lifted it, else null. */
  public synchronized String lift() {
    String lifted = reason;
    reason = null;
    if (lifted != null) {
      signals.allResumed(lifted);
    }
    return lifted;
  }

  public synchronized String reason() {
    return reason;
  }
}
