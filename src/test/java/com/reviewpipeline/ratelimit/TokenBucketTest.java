package com.reviewpipeline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The continuously refilling per-minute budget, on a fake millisecond clock. */
class TokenBucketTest {

  final AtomicLong now = new AtomicLong(5_000_000);

  /** A bucket of {@code perMinute}; 60 per minute refills one per second. */
  TokenBucket bucket(long perMinute) {
    return new TokenBucket(perMinute, now::get);
  }

  void advance(long ms) {
    now.addAndGet(ms);
  }

  @Test
  @DisplayName("a new bucket starts full: the whole capacity is available now")
  void startsFull() {
    TokenBucket b = bucket(60);
    assertThat(b.remaining()).isEqualTo(60);
    assertThat(b.capacity()).isEqualTo(60);
    assertThat(b.msUntil(60)).isZero();
    assertThat(b.msUntilFull()).isZero();
  }

  @Test
  @DisplayName("take spends the budget; it refills continuously at capacity per minute, not all at once")
  void refillsContinuously() {
    TokenBucket b = bucket(60);
    b.take(60);
    assertThat(b.remaining()).isZero();
    advance(999);
    assertThat(b.remaining()).as("0.999 of a token is not a token yet").isZero();
    advance(1);
    assertThat(b.remaining()).isEqualTo(1);
    advance(29_000);
    assertThat(b.remaining()).isEqualTo(30);
  }

  @Test
  @DisplayName("refill stops at the capacity however long the bucket is idle")
  void refillIsCappedAtCapacity() {
    TokenBucket b = bucket(60);
    b.take(10);
    advance(3_600_000);
    assertThat(b.remaining()).isEqualTo(60);
    assertThat(b.msUntilFull()).isZero();
  }

  @Test
  @DisplayName("give refunds an over-charge, but never above the capacity")
  void giveRefundsUpToCapacity() {
    TokenBucket b = bucket(100);
    b.take(70);
    b.give(50);
    assertThat(b.remaining()).isEqualTo(80);
    b.give(1_000);
    assertThat(b.remaining()).isEqualTo(100);
  }

  @Test
  @DisplayName("take may go into debt (a charge corrected after the fact): remaining shows 0 and the wait covers the debt")
  void takeGoesIntoDebt() {
    TokenBucket b = bucket(60);
    b.take(90);
    assertThat(b.remaining()).isZero();
    // level -30: 31 tokens to refill at one per second
    assertThat(b.msUntil(1)).isEqualTo(31_000);
    advance(30_000);
    assertThat(b.remaining()).isZero();
    assertThat(b.msUntil(1)).isEqualTo(1_000);
  }

  @Test
  @DisplayName("msUntil is 0 when n is available, else exactly the refill time n needs")
  void msUntilIsTheRefillTime() {
    TokenBucket b = bucket(600); // 10 per second
    assertThat(b.msUntil(600)).isZero();
    b.take(600);
    assertThat(b.msUntil(5)).isEqualTo(500);
    assertThat(b.msUntil(600)).isEqualTo(60_000);
    advance(200);
    assertThat(b.msUntil(5)).as("2 refilled meanwhile").isEqualTo(300);
  }

  @Test
  @DisplayName("msUntil rounds up: after waiting what it said, n is really there, and not a millisecond earlier")
  void msUntilRoundsUp() {
    TokenBucket b = bucket(7); // one per 8,571.43 ms
    b.take(7);
    long wait = b.msUntil(1);
    assertThat(wait).isEqualTo(8_572);
    advance(wait - 1);
    assertThat(b.msUntil(1)).isEqualTo(1);
    advance(1);
    assertThat(b.msUntil(1)).isZero();
    assertThat(b.remaining()).isEqualTo(1);
  }

  @Test
  @DisplayName("msUntilFull is the time to refill what was spent")
  void msUntilFull() {
    TokenBucket b = bucket(60);
    b.take(30);
    assertThat(b.msUntilFull()).isEqualTo(30_000);
    advance(10_000);
    assertThat(b.msUntilFull()).isEqualTo(20_000);
  }

  @Test
  @DisplayName("a clock that steps back neither drains nor refills the bucket")
  void clockSteppingBackIsHarmless() {
    TokenBucket b = bucket(60);
    b.take(30);
    advance(-10_000);
    assertThat(b.remaining()).isEqualTo(30);
    advance(10_000);
    assertThat(b.remaining()).as("no refill for time already counted").isEqualTo(30);
    advance(1_000);
    assertThat(b.remaining()).isEqualTo(31);
  }

  @Test
  @DisplayName("backOff halves the refill rate this process uses; time before it still refilled at the old rate")
  void backOffHalvesTheRate() {
    TokenBucket b = bucket(60);
    b.take(60);
    advance(1_000);
    b.backOff();
    assertThat(b.share()).isEqualTo(0.5);
    assertThat(b.remaining()).as("the second before the back-off refilled at full rate").isEqualTo(1);
    assertThat(b.msUntil(2)).as("one more token now takes 2 s").isEqualTo(2_000);
    advance(2_000);
    assertThat(b.remaining()).isEqualTo(2);
  }

  @Test
  @DisplayName("repeated backOff never drops the share below 5%")
  void backOffFloor() {
    TokenBucket b = bucket(60);
    for (int i = 0; i < 10; i++) {
      b.backOff();
    }
    assertThat(b.share()).isEqualTo(0.05);
    b.take(60);
    assertThat(b.msUntil(1)).as("one token per 20 s at 5%").isEqualTo(20_000);
  }

  @Test
  @DisplayName("recover adds the step back to the share (additive increase), up to the whole rate")
  void recoverIsAdditiveUpToOne() {
    TokenBucket b = bucket(60);
    b.backOff();
    b.backOff();
    b.recover(0.01);
    assertThat(b.share()).isCloseTo(0.26, within(1e-9));
    for (int i = 0; i < 100; i++) {
      b.recover(0.01);
    }
    assertThat(b.share()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("resetShare sets the share (clamped to 5%..100%) and trims the level to that share of the capacity")
  void resetShare() {
    TokenBucket b = bucket(100);
    b.resetShare(0.25);
    assertThat(b.share()).isEqualTo(0.25);
    assertThat(b.remaining()).isEqualTo(25);
    b.take(25);
    assertThat(b.msUntil(1)).as("a quarter of 100/min: one per 2.4 s").isEqualTo(2_400);
    b.resetShare(7);
    assertThat(b.share()).isEqualTo(1.0);
    b.resetShare(0);
    assertThat(b.share()).isEqualTo(0.05);
  }

  @Test
  @DisplayName("observe adopts a lower server limit: capacity and refill rate follow it")
  void observeLowersTheLimit() {
    TokenBucket b = bucket(1_000);
    b.observe(60, 60);
    assertThat(b.capacity()).isEqualTo(60);
    assertThat(b.remaining()).as("level trimmed to the new capacity").isEqualTo(60);
    b.take(60);
    assertThat(b.msUntil(1)).as("60/min: one per second").isEqualTo(1_000);
  }

  @Test
  @DisplayName("observe never lets the level exceed what the server says is left (other processes spent it)")
  void observeLowersTheLevelToServerRemaining() {
    TokenBucket b = bucket(100);
    b.observe(100, 12);
    assertThat(b.remaining()).isEqualTo(12);
    assertThat(b.capacity()).isEqualTo(100);
  }

  @Test
  @DisplayName("observe never raises the level, even when the server reports more left or a higher limit")
  void observeNeverRaisesTheLevel() {
    TokenBucket b = bucket(100);
    b.take(90);
    b.observe(200, 150);
    assertThat(b.remaining()).isEqualTo(10);
    assertThat(b.capacity()).as("a higher server limit is adopted").isEqualTo(200);
    advance(3_000);
    assertThat(b.remaining()).as("refilling at 200/min from now").isEqualTo(20);
  }

  @Test
  @DisplayName("observe with no limit header (0) keeps the capacity and still adopts the remaining budget")
  void observeWithoutLimitKeepsCapacity() {
    TokenBucket b = bucket(100);
    b.observe(0, 40);
    assertThat(b.capacity()).isEqualTo(100);
    assertThat(b.remaining()).isEqualTo(40);
  }

  @Test
  @DisplayName("with a lowered share, observe keeps only that share of the server's remaining budget")
  void observeScalesRemainingByShare() {
    TokenBucket b = bucket(100);
    b.backOff();
    b.observe(100, 40);
    assertThat(b.remaining()).isEqualTo(20);
  }
}
