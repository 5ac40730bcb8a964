package com.reviewpipeline.ratelimit;

import java.util.function.LongSupplier;

/**
 * A per-minute budget that refills continuously (the way the Messages API describes its limits):
 * a capacity of N per minute refills at N/60,000 per millisecond. Thread-safe.
 */
public final class TokenBucket {

  private final LongSupplier clock;
  private double capacity;
  private double level;
  private long refilledAt;
  /** Share of the refill rate this process uses (1 = all of it); lowered when the server says no (AIMD). */
  private double share = 1.0;
  private static final double MIN_SHARE = 0.05;

  public TokenBucket(long capacityPerMinute, LongSupplier clock) {
    this.clock = clock;
    this.capacity = capacityPerMinute;
    this.level = capacityPerMinute;
    this.refilledAt = clock.getAsLong();
  }

  private void refill() {
    long now = clock.getAsLong();
    if (now > refilledAt) {
      level = Math.min(capacity, level + (now - refilledAt) * capacity * share / 60_000.0);
      refilledAt = now;
    }
  }

  /** Takes {@code n} even into debt (a charge correction after the fact). */
  public synchronized void take(long n) {
    refill();
    level -= n;
  }

  public synchronized void give(long n) {
    refill();
    level = Math.min(capacity, level + n);
  }

  /** Milliseconds until {@code n} would be available (0 if now). */
  public synchronized long msUntil(long n) {
    refill();
    if (level >= n) {
      return 0;
    }
    return (long) Math.ceil((n - level) * 60_000.0 / (capacity * share));
  }

  /** Milliseconds until the bucket is full again. */
  public synchronized long msUntilFull() {
    refill();
    return (long) Math.ceil((capacity - level) * 60_000.0 / (capacity * share));
  }

  public synchronized long remaining() {
    refill();
    return (long) Math.max(0, Math.floor(level));
  }

  /**
   * The server refused (429) although our own view had room: other processes share this budget. Halve the refill
   * rate we use (multiplicative decrease, floor 5%).
   */
  public synchronized void backOff() {
    refill();
    share = Math.max(MIN_SHARE, share / 2);
  }

  /** Starts over from a share (e.g. 1/N when N processes are known to share the budget). */
  public synchronized void resetShare(double value) {
    refill();
    share = Math.max(MIN_SHARE, Math.min(1.0, value));
    level = Math.min(level, capacity * share);
  }

  /** An accepted request: take back a little of the rate (additive increase, up to all of it). */
  public synchronized void recover(double step) {
    refill();
    share = Math.min(1.0, share + step);
  }

  public synchronized double share() {
    return share;
  }

  public synchronized long capacity() {
    return (long) capacity;
  }

  /**
   * Adopts what the server reports: its limit, and never more than its remaining budget (other
   * processes sharing the key have spent the difference). Never raises the level: our own refill
   * and charge corrections do that.
   */
  public synchronized void observe(long limit, long remaining) {
    refill();
    if (limit > 0) {
      capacity = limit;
    }
    // with a lowered share, spend only that share of what the server says is left: the others spend the rest
    level = Math.min(Math.min(capacity, level), remaining * share);
  }
}
