package com.reviewpipeline.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/** Waiting, on the event loop, for a verticle's work in flight to finish before a deadline. */
public final class Drain {

  private Drain() {}

  /**
   * Completes with true once {@code done} holds, or with false when {@code deadlineMs} (wall clock) passes first;
   * {@code done} is polled every {@code pollMs} on the caller's context.
   */
  public static Future<Boolean> until(Vertx vertx, BooleanSupplier done, long deadlineMs, long pollMs) {
    Promise<Boolean> p = Promise.promise();
    poll(vertx, done, deadlineMs, pollMs, p);
    return p.future();
  }

  private static void poll(Vertx vertx, BooleanSupplier done, long deadlineMs, long pollMs, Promise<Boolean> p) {
    if (done.getAsBoolean()) {
      p.complete(true);
    } else if (System.currentTimeMillis() >= deadlineMs) {
      p.complete(false);
    } else {
      vertx.setTimer(pollMs, t -> poll(vertx, done, deadlineMs, pollMs, p));
    }
  }
}
