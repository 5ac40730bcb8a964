package com.reviewpipeline.claude.resilience;

import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.PipelineEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When the API said to come back for which reviews: no request carrying them leaves before the {@code retry-after} it
 * gave, whatever path they take meanwhile (a retry timer, a batch handed to another Claude instance at a scale-down,
 * a split part, an item sent back to the buffer and batched anew, the retry ladder). Per event id, for the process.
 */
public final class RetryAfter {

  /** Events remembered at most; past that, those whose time has come are forgotten first. */
  static final int MAX_EVENTS = 100_000;

  private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public RetryAfter(LongSupplier clock) {
    this.clock = clock;
  }

  /** The API asked to wait {@code delayMs} before these events are sent again. */
  void record(Batch batch, long delayMs) {
    long now = clock.getAsLong();
    if (notBefore.size() > MAX_EVENTS) {
      notBefore.values().removeIf(until -> until <= now);
    }
    for (PipelineEvent e : batch.events()) {
      notBefore.merge(e.id(), now + delayMs, Math::max);
    }
  }

  /** How long {@code batch} must still wait for the latest retry-after of its events (0: it may go). */
  public long waitMs(Batch batch) {
    if (notBefore.isEmpty()) {
      return 0;
    }
    long now = clock.getAsLong();
    long wait = 0;
    for (PipelineEvent e : batch.events()) {
      Long until = notBefore.get(e.id());
      if (until == null) {
        continue;
      }
      if (until <= now) {
        notBefore.remove(e.id(), until);
      } else {
        wait = Math.max(wait, until - now);
      }
    }
    return wait;
  }
}
