package com.reviewpipeline.bus;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A point-to-point hand-over that is acknowledged: the receiver replies on receipt, and the sender sends again when
 * no acknowledgement comes. A plain send can be lost in process: the event bus picks a consumer, and if that
 * consumer unregisters before the message reaches it (an instance stopping during a scale-down), Vert.x discards the
 * message with a warning and the events it carries would wait forever. The acknowledgement can be lost too (the
 * sending instance stopped before it came back): the message is then sent again under the same id, and
 * {@link #receive} tells the receivers it is a copy, so a batch is never judged or published twice.
 *
 * <p>The request, its acknowledgement and the timer of a resend live on a context of their own, one per Vert.x
 * instance, that no verticle owns. Made on the sender's context, they died with the sender: undeploying a verticle
 * cancels the timers it set, so a hand-over discarded just before its sender stopped (a buffer flushing on its way
 * out of a scale-down) was never sent again and its events waited in flight for ever; and the acknowledgement of a
 * hand-over made while stopping found no reply handler, so it was sent again only after {@link #ACK_TIMEOUT_MS}.
 */
public final class Handoff {

  private static final Logger LOG = LoggerFactory.getLogger(Handoff.class);
  /** Generous: a receiver acknowledges on receipt, so only a discarded message waits this long. */
  static final long ACK_TIMEOUT_MS = 30_000;
  static final long RETRY_DELAY_MS = 200;
  static final String ID_HEADER = "handoff-id";
  /** Ids received lately, oldest out first: far more than are handed over within an acknowledgement timeout. */
  static final int REMEMBERED = 100_000;

  private static final AtomicLong NEXT_ID = new AtomicLong();
  /** Hand-overs sent again, in this JVM (for tests). */
  static final AtomicLong SENT_AGAIN = new AtomicLong();
  private static final Map<String, Boolean> RECEIVED = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };

  private static final String CONTEXT_MAP = "handoff.context";

  private Handoff() {}

  public static void send(Vertx vertx, String address, Object message) {
    String id = Long.toString(NEXT_ID.incrementAndGet());
    context(vertx).runOnContext(v -> send(vertx, address, message, id));
  }

  /** On the hand-overs' own context: the failure callback, and so the resend's timer, run there too. */
  private static void send(Vertx vertx, String address, Object message, String id) {
    vertx.eventBus().request(address, message,
            new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MS).addHeader(ID_HEADER, id))
        .onFailure(err -> {
          LOG.warn("handoff.unacknowledged address={} id={} error={} (sent again)", address, id, err.getMessage());
          SENT_AGAIN.incrementAndGet();
          vertx.setTimer(RETRY_DELAY_MS, t -> send(vertx, address, message, id));
        });
  }

  /** The {@code Context} in a local map: kept by the Vert.x instance, gone with it. */
  private record Owned(Context context) implements Shareable {}

  /**
   * The hand-overs' context of {@code vertx}, made on first use. A context asked for on a thread of no context is
   * a new one that belongs to no deployment (on a verticle's thread it would be the verticle's), hence the thread.
   */
  static Context context(Vertx vertx) {
    LocalMap<String, Owned> map = vertx.sharedData().getLocalMap(CONTEXT_MAP);
    Owned owned = map.get(CONTEXT_MAP);
    if (owned != null) {
      return owned.context();
    }
    CompletableFuture<Context> made = new CompletableFuture<>();
    Thread maker = new Thread(() -> made.complete(vertx.getOrCreateContext()), "handoff-context");
    maker.start();
    Owned fresh = new Owned(made.join());
    Owned first = map.putIfAbsent(CONTEXT_MAP, fresh);
    return (first != null ? first : fresh).context();
  }

  /** A consumer of hand-overs: acknowledges each and passes on its first receipt only (see {@link #receive}). */
  public static <T> io.vertx.core.Handler<Message<T>> receiver(java.util.function.Consumer<T> handler) {
    return m -> {
      if (receive(m)) {
        handler.accept(m.body());
      }
    };
  }

  /**
   * Acknowledges a hand-over; true on its first receipt, false for a copy sent again after a lost acknowledgement
   * (the receiver drops it). A message sent without {@link #send} is always a first receipt.
   */
  public static boolean receive(Message<?> m) {
    m.reply(null);
    String id = m.headers().get(ID_HEADER);
    if (id == null) {
      return true;
    }
    synchronized (RECEIVED) {
      if (RECEIVED.putIfAbsent(id, Boolean.TRUE) == null) {
        return true;
      }
    }
    LOG.warn("handoff.copy_dropped address={} id={} (received before; its acknowledgement was lost)", m.address(), id);
    return false;
  }
}
