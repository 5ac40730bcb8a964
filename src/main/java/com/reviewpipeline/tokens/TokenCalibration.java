package com.reviewpipeline.tokens;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Per model, how far the characters-per-token estimate is from what the API bills. Tokenizers differ by model
 * generation (the 5.5 models count about 30% more tokens than 4.x for the same text), so one fixed ratio would
 * make the buffers' token trigger, the limiter's charges and {@code max_tokens} wrong by that much.
 *
 * <p>A request is a fixed part (tools or schema, system prompt, wrapper: symbol-dense JSON) plus its reviews
 * (prose), and the two do not tokenize alike: one ratio for both is right for one batch size only, and a model
 * that judges single suspected injections and full batches (or two pipelines' prompts) would be misestimated by
 * a fifth either way. So over the last {@code window} responses of a model the billed tokens are fitted as
 * {@code fixed(pipeline) + factor * reviews}: one factor for the reviews (least squares within each pipeline's
 * requests), one billed fixed part per pipeline. Until the batch sizes seen differ enough to separate the two
 * (or if the fit comes out implausible) the median of billed / raw serves for both.
 * Shared by every buffer and Claude verticle of the process; thread-safe.
 */
public final class TokenCalibration {

  /**
   * Answers a model needs before its estimates count as calibrated: the median error reported covers the estimates
   * made after that many (the first ones start from the profile's characters per token).
   */
  static final int WARMUP = 10;

  /** Batch sizes must spread at least this share of their mean (per pipeline) before the fit is trusted. */
  static final double MIN_SPREAD = 0.05;

  private final int window;
  private final Map<String, Model> models = new HashMap<>();
  /** Per tokenizer (a profile's characters per token): billed output / raw estimate of answers without thinking. */
  private final Map<String, Deque<Double>> answers = new HashMap<>();

  private record Sample(String pipeline, long fixed, long items, long actual) {}

  private static final class Model {
    final Deque<Sample> samples = new ArrayDeque<>();
    final Deque<Double> errors = new ArrayDeque<>();
    long count;
    double factor = 1.0;
    /** Per pipeline: billed fixed tokens / raw fixed estimate, once the fit separates them. */
    Map<String, Double> fixedFactors = Map.of();
  }

  public TokenCalibration(int window) {
    this.window = window;
  }

  /** What the raw estimate of a request's reviews is multiplied by (1.0 until the first response). */
  public synchronized double factor(String model) {
    Model m = models.get(model);
    return m == null ? 1.0 : m.factor;
  }

  /** What the raw estimate of a pipeline's fixed part is multiplied by on this model. */
  public synchronized double fixedFactor(String model, String pipeline) {
    Model m = models.get(model);
    return m == null ? 1.0 : m.fixedFactors.getOrDefault(pipeline, m.factor);
  }

  /**
   * One response: {@code rawFixed} and {@code rawItems} are the uncalibrated estimates of the request's fixed part
   * and reviews, {@code used} the estimate that was acted on, {@code actual} the billed input tokens. Returns the
   * estimate's relative error.
   */
  public synchronized double record(String model, String pipeline, long rawFixed, long rawItems, long used,
      long actual) {
    if (rawFixed + rawItems <= 0 || actual <= 0) {
      return 0;
    }
    Model m = models.computeIfAbsent(model, k -> new Model());
    double error = (used - actual) / (double) actual;
    m.samples.addLast(new Sample(pipeline, rawFixed, rawItems, actual));
    while (m.samples.size() > window) {
      m.samples.removeFirst();
    }
    if (m.count >= WARMUP) {
      push(m.errors, Math.abs(error));
    }
    m.count++;
    fit(m);
    return error;
  }

  private static void fit(Model m) {
    Deque<Double> ratios = new ArrayDeque<>();
    Map<String, double[]> sums = new HashMap<>(); // per pipeline: n, sum items, sum actual, fixed
    for (Sample s : m.samples) {
      ratios.add(s.actual / (double) (s.fixed + s.items));
      double[] a = sums.computeIfAbsent(s.pipeline, k -> new double[4]);
      a[0]++;
      a[1] += s.items;
      a[2] += s.actual;
      a[3] = s.fixed;
    }
    double ratio = median(ratios);
    double sxx = 0;
    double sxy = 0;
    double meanItems = 0;
    for (Sample s : m.samples) {
      double[] a = sums.get(s.pipeline);
      double dx = s.items - a[1] / a[0];
      sxx += dx * dx;
      sxy += dx * (s.actual - a[2] / a[0]);
      meanItems += s.items;
    }
    int n = m.samples.size();
    meanItems /= n;
    double slope = sxx > 0 ? sxy / sxx : 0;
    Map<String, Double> fixed = new HashMap<>();
    boolean separable = n >= 3 && meanItems > 0 && Math.sqrt(sxx / n) >= MIN_SPREAD * meanItems
        && slope > ratio / 4 && slope < ratio * 4;
    for (Map.Entry<String, double[]> e : sums.entrySet()) {
      double[] a = e.getValue();
      double billedFixed = a[2] / a[0] - slope * a[1] / a[0];
      if (!separable || a[3] <= 0 || billedFixed <= 0) {
        separable = false;
        break;
      }
      fixed.put(e.getKey(), billedFixed / a[3]);
    }
    m.factor = separable ? slope : ratio;
    m.fixedFactors = separable ? Map.copyOf(fixed) : Map.of();
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

  /**
   * Per model: the reviews' factor, the fixed part's factor per pipeline (once separated), responses seen, and the
   * median absolute relative error over the window.
   */
  public synchronized JsonObject describe() {
    JsonObject out = new JsonObject();
    models.forEach((model, m) -> {
      JsonObject fixed = new JsonObject();
      m.fixedFactors.forEach((p, f) -> fixed.put(p, round(f)));
      out.put(model, new JsonObject()
          .put("factor", round(m.factor))
          .put("fixed_factor", fixed)
          .put("samples", m.count)
          .put("median_abs_relative_error", m.errors.isEmpty() ? null : round(median(m.errors))));
    });
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
