package com.reviewpipeline.model;

/** Why a buffer was flushed; exported as a metric label. */
public enum FlushTrigger {
  COUNT, TOKENS, TIME, MANUAL;

  public String label() {
    return name().toLowerCase();
  }
}
