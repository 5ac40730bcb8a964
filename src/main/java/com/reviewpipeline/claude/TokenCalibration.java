package com.reviewpipeline.claude;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Per model, how far the characters-per-token estimate is from what the API bills: the median of
 * {@code usage} input tokens / raw estimate over the last {@code window} responses. Tokenizers differ by model
 * generation (the 5.5 models count about 30% more tokens than 4.x for the same text), so one fixed ratio would
 * make the buffers' token trigger, the limiter's charges and {@code max_tokens} wrong by that much.
 * Shared by every buffer and Claude verticle of the process; thread-safe.
 */
public final class TokenCalibration {

  private final int window;
  private final Map<String, Model> models = new HashMap<>();
  /** Per tokenizer (a profile's characters per token): billed output / raw estimate of answers without thinking. */
  private final Map<String, Deque<Double>> answers = new HashMap<>();

  private static final class Model {
    final Deque<Double> ratios = new ArrayDeque<>();
    final Deque<Double> errors = new ArrayDeque<>();
    long samples;
    double factor = 1.0;
  }

  public TokenCalibration(int window) {
    this.window = window;
  }

  /** What the raw estimate is multiplied by (1.0 until the first response). */
  public synchronized double factor(String model) {
    Model m = models.get(model);
    return m == null ? 1.0 : m.factor;
  }

  /**
   * One response: {@code used} is the estimate that was acted on (raw times the factor at the time), {@code raw}
   * the uncalibrated estimate, {@code actual} the billed input tokens. Returns the estimate's relative error.
   */
  public synchronized double record(String model, long raw, long used, long actual) {
    if (raw <= 0 || actual <= 0) {
      return 0;
    }
    Model m = models.computeIfAbsent(model, k -> new Model());
    double error = (used - actual) / (double) actual;
    push(m.ratios, actual / (double) raw);
    push(m.errors, Math.abs(error));
    m.samples++;
    m.factor = median(m.ratios);
    return error;
  }

  private void push(Deque<Double> q, double v) {
    q.addLast(v);
    while (q.size() > window) {
      q.removeFirst();
    }
  }

  static double median(Deque<Double> values) {
    double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    int n = a.length;
    return n == 0 ? 0 : n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  /**
   * An answer without thinking: its billed output tokens against the raw estimate of its characters. JSON answers
   * are denser in tokens than prose, so the input calibration does not carry over; answers of any model with the
   * same tokenizer do.
   */
  public synchronized void recordAnswer(String tokenizer, long raw, long actual) {
    if (raw > 0 && actual > 0) {
      push(answers.computeIfAbsent(tokenizer, k -> new ArrayDeque<>()), actual / (double) raw);
    }
  }

  /** What the raw estimate of an answer's characters is multiplied by (1.0 before any answer without thinking). */
  public synchronized double answerFactor(String tokenizer) {
    Deque<Double> q = answers.get(tokenizer);
    return q == null || q.isEmpty() ? 1.0 : median(q);
  }

  /** Per model: the factor, responses seen, and the median absolute relative error over the window. */
  public synchronized JsonObject describe() {
    JsonObject out = new JsonObject();
    models.forEach((model, m) -> out.put(model, new JsonObject()
        .put("factor", Math.round(m.factor * 1000) / 1000.0)
        .put("samples", m.samples)
        .put("median_abs_relative_error", Math.round(median(m.errors) * 1000) / 1000.0)));
    return out;
  }
}
