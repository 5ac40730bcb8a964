package com.reviewpipeline.buffer;

import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.SourceRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies of one event judged once. A redelivered event (a producer retry, a re-read after a rebalance or a scale
 * change, a re-published topic) that meets its twin while the twin is still being judged in the same pipeline
 * waits for the twin's outcome instead of being judged, or billed, again; when the twin's outcome is published each
 * copy gets the same outcome under its own offset. One per process, shared by the buffer and publisher instances.
 * Copies of events already judged are judged again (at-least-once), as before.
 */
public final class Coalescer {

  private record Judging(SourceRef leader, List<PipelineEvent> copies) {}

  private final Map<String, Judging> judging = new HashMap<>();

  private static String key(PipelineEvent e) {
    return e.pipeline() + "\u0000" + e.id();
  }

  /**
   * Whether {@code event} should be judged: true for the first copy (and for that same copy coming back, a resend
   * or a retry), false for another copy, which is kept until {@link #resolve}.
   */
  public synchronized boolean admit(PipelineEvent event) {
    Judging j = judging.get(key(event));
    if (j == null) {
      judging.put(key(event), new Judging(event.source(), new ArrayList<>()));
      return true;
    }
    if (j.leader().equals(event.source())) {
      return true;
    }
    j.copies().add(event);
    return false;
  }

  /**
   * The judged copy's outcome is published: returns the other copies waiting for it (they take the same outcome)
   * and forgets the event. Nothing for an event this coalescer did not admit as judged.
   */
  public synchronized List<PipelineEvent> resolve(PipelineEvent judged) {
    Judging j = judging.get(key(judged));
    if (j == null || !j.leader().equals(judged.source())) {
      return List.of();
    }
    judging.remove(key(judged));
    return List.copyOf(j.copies());
  }

  /** Events being judged now with copies waiting (for stats). */
  public synchronized int waitingCopies() {
    return judging.values().stream().mapToInt(j -> j.copies().size()).sum();
  }
}
