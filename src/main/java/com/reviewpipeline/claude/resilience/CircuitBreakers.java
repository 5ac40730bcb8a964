package com.reviewpipeline.claude.resilience;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One circuit per (pipeline, model), shared by every Claude verticle of the process. A failure no event can cause
 * alone (a retired model's 404, 402 billing, 403 permission, a 400 that repeats for batches of different content
 * such as a rejected request shape or a user-set spend limit) is the pipeline's: after {@code threshold} batches of
 * different content fail that way with no success between, the circuit opens. While open, one probe may be sent
 * every {@code probeMs}; its success closes the circuit. Thread-safe; time from the clock given.
 */
public final class CircuitBreakers {

  /** What a success did. */
  public enum Success {
    /** Nothing was failing. */
    NOTHING,
    /** Failures had been counted but the circuit was closed: they were the batches', not the pipeline's. */
    CLEARED,
    /** The circuit was open and is closed now. */
    CLOSED
  }

  /**
   * Told of every transition while the breakers' lock is held, so a pause and the resume that follows it are
   * published in that order even when the failure and the success come from different event loops.
   */
  public interface Listener {
    void opened(String pipeline, String model, String error);

    void closed(String pipeline, String model);
  }

  private final int threshold;
  private final long probeMs;
  private final LongSupplier clock;
  private final Listener listener;
  private final Map<String, Circuit> circuits = new TreeMap<>();

  private static final class Circuit {
    final Set<String> failedContent = new HashSet<>();
    boolean open;
    boolean probing;
    long nextProbeAt;
    long openedAt;
    long opened;
    String lastError = "";
  }

  public CircuitBreakers(int threshold, long probeMs, LongSupplier clock, Listener listener) {
    this.threshold = threshold;
    this.probeMs = probeMs;
    this.clock = clock;
    this.listener = listener;
  }

  private static String key(String pipeline, String model) {
    return pipeline + "|" + model;
  }

  private Circuit circuit(String pipeline, String model) {
    return circuits.computeIfAbsent(key(pipeline, model), k -> new Circuit());
  }

  /**
   * A pipeline-level failure of the batch whose content is identified by {@code contentKey} (a retry of the same
   * batch counts once). Returns true when this failure opened the circuit.
   */
  public synchronized boolean failure(String pipeline, String model, String contentKey, String error) {
    Circuit c = circuit(pipeline, model);
    c.lastError = error;
    if (c.open) {
      return false;
    }
    c.failedContent.add(contentKey);
    if (c.failedContent.size() < threshold) {
      return false;
    }
    c.open = true;
    c.opened++;
    c.openedAt = clock.getAsLong();
    c.nextProbeAt = c.openedAt + probeMs;
    listener.opened(pipeline, model, error);
    return true;
  }

  public synchronized Success success(String pipeline, String model) {
    Circuit c = circuits.get(key(pipeline, model));
    if (c == null || (!c.open && c.failedContent.isEmpty())) {
      return Success.NOTHING;
    }
    boolean wasOpen = c.open;
    c.open = false;
    c.probing = false;
    c.failedContent.clear();
    if (wasOpen) {
      listener.closed(pipeline, model);
    }
    return wasOpen ? Success.CLOSED : Success.CLEARED;
  }

  /**
   * Closes open circuits nobody probed for a whole probe period after a probe was due: no verticle holds a batch
   * for them any more (a scale-down handed them on, the last probe review ended for good), and with the pipeline
   * paused no new batch would come to probe with. Traffic then tests the API; a failing model opens it again.
   * Returns the {@code {pipeline, model}} pairs closed.
   */
  public synchronized java.util.List<String[]> closeUnprobed() {
    long now = clock.getAsLong();
    java.util.List<String[]> closed = new java.util.ArrayList<>();
    circuits.forEach((k, c) -> {
      if (c.open && !c.probing && now >= c.nextProbeAt + probeMs) {
        String[] pm = k.split("\\|", 2);
        c.open = false;
        c.failedContent.clear();
        listener.closed(pm[0], pm[1]);
        closed.add(pm);
      }
    });
    return closed;
  }

  /** When the circuit last opened ({@link Long#MIN_VALUE}: never): a 400 held before then was not the batch's own. */
  public synchronized long lastOpenedAt(String pipeline, String model) {
    Circuit c = circuits.get(key(pipeline, model));
    return c == null || c.opened == 0 ? Long.MIN_VALUE : c.openedAt;
  }

  public synchronized boolean isOpen(String pipeline, String model) {
    Circuit c = circuits.get(key(pipeline, model));
    return c != null && c.open;
  }

  /** Whether the caller may send the probe now: one at a time, at most every {@code probeMs}. */
  public synchronized boolean tryProbe(String pipeline, String model) {
    Circuit c = circuits.get(key(pipeline, model));
    long now = clock.getAsLong();
    if (c == null || !c.open || c.probing || now < c.nextProbeAt) {
      return false;
    }
    c.probing = true;
    c.nextProbeAt = now + probeMs;
    return true;
  }

  /** The probe did not succeed: the next one after {@code probeMs}. */
  public synchronized void probeFailed(String pipeline, String model) {
    Circuit c = circuits.get(key(pipeline, model));
    if (c != null) {
      c.probing = false;
      c.nextProbeAt = clock.getAsLong() + probeMs;
    }
  }

  public long probeMs() {
    return probeMs;
  }

  /** Every circuit that has seen a failure: state, failures counted, times opened, last error (no secrets). */
  public synchronized JsonArray describe() {
    JsonArray out = new JsonArray();
    long now = clock.getAsLong();
    circuits.forEach((k, c) -> {
      String[] pm = k.split("\\|", 2);
      out.add(new JsonObject()
          .put("pipeline", pm[0])
          .put("model", pm[1])
          .put("state", c.open ? "open" : "closed")
          .put("failures", c.failedContent.size())
          .put("times_opened", c.opened)
          .put("open_for_ms", c.open ? now - c.openedAt : 0)
          .put("last_error", c.lastError));
    });
    return out;
  }
}
