package com.reviewpipeline.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A point-to-point hand-over that is acknowledged: the receiver replies on receipt, and the sender sends again when
 * no acknowledgement comes. A plain send can be lost in process: the event bus picks a consumer, and if that
 * consumer unregisters before the message reaches it (an instance stopping during a scale-down), Vert.x discards the
 * message with a warning and the events it carries would wait forever.
 */
public final class Handoff {

  private static final Logger LOG = LoggerFactory.getLogger(Handoff.class);
  /** Generous: a receiver acknowledges on receipt, so only a discarded message waits this long. */
  static final long ACK_TIMEOUT_MS = 30_000;
  static final long RETRY_DELAY_MS = 200;

  private Handoff() {}

  public static void send(Vertx vertx, String address, Object message) {
    vertx.eventBus().request(address, message, new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MS))
        .onFailure(err -> {
          LOG.warn("handoff.unacknowledged address={} error={} (sent again)", address, err.getMessage());
          vertx.setTimer(RETRY_DELAY_MS, t -> send(vertx, address, message));
        });
  }
}
