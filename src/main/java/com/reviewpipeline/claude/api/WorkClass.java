package com.reviewpipeline.claude.api;

import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.PipelineEvent;

/**
 * What a request carries, for the fair shares of a key's budget (docs/claude-stage.md "Fair shares"): first
 * judgements of ordinary
 * reviews and escalations go first; suspected prompt injections (judged apart, one request for a few reviews) and
 * shadow samples (never published) are capped while those wait.
 */
public enum WorkClass {
  ORDINARY, ESCALATION, SUSPECT, SHADOW;

  public static WorkClass of(Batch batch) {
    if (batch.events().stream().allMatch(PipelineEvent::isShadow)) {
      return SHADOW;
    }
    if (batch.events().stream().anyMatch(PipelineEvent::contained)) {
      return SUSPECT;
    }
    return batch.events().stream().anyMatch(PipelineEvent::isEscalated) ? ESCALATION : ORDINARY;
  }

  /** Whether this class's requests are capped while a first-in-line class waits. */
  boolean capped() {
    return this == SUSPECT || this == SHADOW;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
