package com.reviewpipeline.telemetry;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long the Messages API has recently taken to answer, per model: a sliding window of the last {@link #WINDOW}
 * successful direct calls and its {@link #PERCENTILE}. The buffers read it to hold events as long as their pipeline's
 * latency objective leaves room for (docs/claude-stage.md "Latency objective"). Message Batches are not in it: their
 * hours say
 * nothing about a direct call.
 *
 * <p>Thread-safe: one per process, recorded by every Claude verticle instance and read by the buffer verticles.
 */
public final class ApiLatency {

  /**
   * Requests per model in the window: at the article's rate (a request every few seconds per tier) the last 10 to 20
   * minutes, at high rates the last seconds; large enough that the 99th percentile is not one outlier (the 3rd
   * largest of 200).
   */
  public static final int WINDOW = 200;
  /** The objective is a 99th percentile: the call's share of it is estimated at the same percentile. */
  public static final double PERCENTILE = 0.99;
  /**
   * Below this many calls a model is "not measured": one or two quick answers must not hold events up to the
   * objective. With 20, the estimate is the slowest call seen.
   */
  public static final int MIN_SAMPLES = 20;

  private final int window;
  private final int minSamples;
  private final Map<String, Window> byModel = new ConcurrentHashMap<>();

  public ApiLatency() {
    this(WINDOW, MIN_SAMPLES);
  }

  ApiLatency(int window, int minSamples) {
    if (window < 1 || minSamples < 1 || minSamples > window) {
      throw new IllegalArgumentException("window " + window + ", min samples " + minSamples);
    }
    this.window = window;
    this.minSamples = minSamples;
  }

  /** A successful direct call to {@code model} that took {@code ms} from send to response. */
  public void record(String model, long ms) {
    byModel.computeIfAbsent(model, m -> new Window(window)).add(Math.max(0, ms));
  }

  /** The {@link #PERCENTILE} of {@code model}'s recent calls in ms; empty while fewer than the minimum are measured. */
  public OptionalLong percentileMs(String model) {
    Window w = byModel.get(model);
    return w == null ? OptionalLong.empty() : w.percentile(minSamples);
  }

  /** Calls of {@code model} in the window now. */
  public int samples(String model) {
    Window w = byModel.get(model);
    return w == null ? 0 : w.size();
  }

  /** A ring of the last calls; the percentile is computed once per change, not at each buffered event. */
  private static final class Window {
    private final long[] ring;
    private int count;
    private int next;
    private OptionalLong cached;

    Window(int size) {
      ring = new long[size];
    }

    synchronized void add(long ms) {
      ring[next] = ms;
      next = (next + 1) % ring.length;
      count = Math.min(count + 1, ring.length);
      cached = null;
    }

    synchronized int size() {
      return count;
    }

    synchronized OptionalLong percentile(int minSamples) {
      if (count < minSamples) {
        return OptionalLong.empty();
      }
      if (cached == null) {
        long[] sorted = Arrays.copyOf(ring, count);
        Arrays.sort(sorted);
        // nearest rank: the smallest value at least PERCENTILE of the calls do not exceed
        int rank = (int) Math.ceil(PERCENTILE * count);
        cached = OptionalLong.of(sorted[Math.max(0, rank - 1)]);
      }
      return cached;
    }
  }
}
