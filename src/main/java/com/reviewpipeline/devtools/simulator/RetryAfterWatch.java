package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests sent again before the {@code retry-after} the simulator gave for them: a request whose model and messages
 * are those of one answered with {@code retry-after} within that delay counts once. The client the API describes
 * waits at least that long; the count is how tests and benchmarks check that ours does.
 */
final class RetryAfterWatch {

  /** Entries older than this are dropped when the map grows (a retry-after is seconds, at most minutes). */
  private static final long FORGET_MS = 15 * 60_000L;

  private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
  private final AtomicLong early = new AtomicLong();

  /** A request arrived: counts it when it carries what a retry-after still holds back. */
  void arrived(JsonObject body, long now) {
    if (notBefore.isEmpty()) {
      return;
    }
    Long until = notBefore.get(key(body));
    if (until != null && now < until) {
      early.incrementAndGet();
    }
  }

  /** The request was answered with {@code retry-after} seconds. */
  void refused(JsonObject body, long retryAfterSeconds, long now) {
    if (notBefore.size() > 100_000) {
      notBefore.values().removeIf(t -> t < now - FORGET_MS);
    }
    notBefore.merge(key(body), now + retryAfterSeconds * 1000, Math::max);
  }

  long early() {
    return early.get();
  }

  private static String key(JsonObject body) {
    String what = body.getString("model", "") + "\u0000" + body.getValue("messages");
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(what.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
