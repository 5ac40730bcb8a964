package com.reviewpipeline.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cost-quality curve: every setting of the grid replayed by {@link CascadeSim} (no new calls), the Pareto front
 * (no cheaper setting is as good on the curve's metric), and the cheapest setting meeting every target (ties: the
 * higher mean flag F1, then grid order).
 */
public final class Sweep {

  /** The {@code escalate_when.confidence_below} values tried; confidence comes in tenths. */
  public static final List<Double> CONFIDENCE_BELOW = List.of(0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
  /** The agreement-gate targets tried with {@code flagged: true}; NaN stands for the gate disabled. */
  public static final List<Double> AGREEMENT_TARGETS = List.of(Double.NaN, 0.80, 0.90, 0.95, 0.99);

  /** The curve: every point, the front, the chosen one (null when no setting meets the targets). */
  public record Result(List<CascadeSim.Point> points, List<CascadeSim.Point> front, CascadeSim.Point chosen,
      String curveMetric, List<Target> targets) {}

  private Sweep() {}

  /** The grid over the judged tiers: each tier alone, and each ordered pair of tiers as first and escalation tier. */
  public static List<CascadeSetting> grid(List<String> tiers) {
    List<CascadeSetting> grid = new ArrayList<>();
    tiers.forEach(t -> grid.add(CascadeSetting.single(t)));
    for (String first : tiers) {
      for (String to : tiers) {
        if (first.equals(to)) {
          continue;
        }
        for (double cb : CONFIDENCE_BELOW) {
          for (double target : AGREEMENT_TARGETS) {
            grid.add(CascadeSetting.cascade(first, to, true, cb, !Double.isNaN(target),
                Double.isNaN(target) ? 0 : target));
          }
          if (cb > 0) {
            grid.add(CascadeSetting.cascade(first, to, false, cb, false, 0));
          }
        }
      }
    }
    return grid;
  }

  public static Result run(CascadeSim sim, List<CascadeSetting> grid, List<Target> targets) {
    List<CascadeSim.Point> points = new ArrayList<>();
    for (CascadeSetting s : grid) {
      if (sim.missingTier(s) == null) {
        points.add(sim.simulate(s));
      }
    }
    String metric = targets.isEmpty() ? "f1.mean" : targets.get(0).metric();
    return new Result(points, front(points, metric), cheapest(points, targets), metric, List.copyOf(targets));
  }

  static CascadeSim.Point cheapest(List<CascadeSim.Point> points, List<Target> targets) {
    CascadeSim.Point best = null;
    for (CascadeSim.Point p : points) {
      if (!targets.stream().allMatch(t -> t.met(p.quality()))) {
        continue;
      }
      if (best == null || p.usd() < best.usd() - 1e-12
          || (Math.abs(p.usd() - best.usd()) <= 1e-12 && f1(p) > f1(best))) {
        best = p;
      }
    }
    return best;
  }

  private static double f1(CascadeSim.Point p) {
    double f = p.quality().meanFlagF1();
    return Double.isNaN(f) ? -1 : f;
  }

  /** Points no cheaper-or-equal point beats on {@code metric}, cheapest first. */
  static List<CascadeSim.Point> front(List<CascadeSim.Point> points, String metric) {
    List<CascadeSim.Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(CascadeSim.Point::usd)
        .thenComparing(Comparator.comparingDouble((CascadeSim.Point p) -> value(p, metric)).reversed()));
    List<CascadeSim.Point> front = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (CascadeSim.Point p : sorted) {
      double v = value(p, metric);
      if (v > best + 1e-12) {
        front.add(p);
        best = v;
      }
    }
    return front;
  }

  static double value(CascadeSim.Point p, String metric) {
    double v = p.quality().metric(metric);
    return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
  }
}
