package com.reviewpipeline.kafka;

import java.util.Set;
import java.util.TreeSet;

/**
 * When a consumer's partitions should be paused: while more records are in flight (read, not done) than the high
 * watermark allows (backpressure, lifted at the low watermark), while any pause reason is set (admin, spend limit,
 * a circuit; lifted when the last reason is), and once stopping. Each method answers what the consumer must do now;
 * the decisions are made here, the pausing by the caller. Not thread-safe: one verticle owns it.
 */
public final class FlowControl {

  /** What the consumer should do with its assigned partitions. */
  public enum Action { PAUSE, RESUME, NOTHING }

  private final int highWatermark;
  private final int lowWatermark;
  private final Set<String> reasons = new TreeSet<>();
  private boolean backpressure;
  private boolean stopping;

  public FlowControl(int highWatermark, int lowWatermark) {
    if (lowWatermark >= highWatermark || lowWatermark < 0) {
      throw new IllegalArgumentException("need 0 <= low watermark < high watermark");
    }
    this.highWatermark = highWatermark;
    this.lowWatermark = lowWatermark;
  }

  /** After a record was read: PAUSE when {@code inFlight} reaches the high watermark (once per episode). */
  public Action afterRead(long inFlight) {
    if (!backpressure && inFlight >= highWatermark) {
      backpressure = true;
      return Action.PAUSE;
    }
    return Action.NOTHING;
  }

  /** After a record was done: RESUME when backpressure ends at the low watermark and nothing else holds the consumer. */
  public Action afterDone(long inFlight) {
    if (backpressure && !stopping && inFlight <= lowWatermark) {
      backpressure = false;
      return paused() ? Action.NOTHING : Action.RESUME;
    }
    return Action.NOTHING;
  }

  /** A pause requested for {@code reason}: PAUSE when it is the first reason (and nothing paused already). */
  public Action pause(String reason) {
    boolean was = paused();
    return reasons.add(reason) && !was ? Action.PAUSE : Action.NOTHING;
  }

  /** A pause reason lifted: RESUME when it was the last thing holding the consumer. */
  public Action resume(String reason) {
    return reasons.remove(reason) && !paused() ? Action.RESUME : Action.NOTHING;
  }

  /** From now on nothing resumes the consumer. */
  public void stopping() {
    stopping = true;
  }

  /** Whether the consumer must be paused now (newly assigned partitions too). */
  public boolean paused() {
    return backpressure || stopping || !reasons.isEmpty();
  }

  public boolean backpressure() {
    return backpressure;
  }

  /** The pause reasons set now (without backpressure). */
  public Set<String> reasons() {
    return Set.copyOf(reasons);
  }

  public int highWatermark() {
    return highWatermark;
  }

  public int lowWatermark() {
    return lowWatermark;
  }
}
