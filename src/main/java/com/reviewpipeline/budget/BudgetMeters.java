package com.reviewpipeline.budget;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Today's (UTC) spend and daily budget per budget scope ({@code total} or a pipeline), summed over the cluster, as
 * Prometheus gauges. The values are held here, strongly: Micrometer keeps only a weak reference to a gauge's object.
 */
final class BudgetMeters {

  private final MeterRegistry registry;
  private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

  BudgetMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** @param dailyUsd the budget in force (0: none) */
  void set(String scope, double spendUsd, double dailyUsd) {
    gauge("review_budget_spend_today_usd", scope, "USD spent today (UTC) under this budget, summed over the cluster")
        .set(spendUsd);
    gauge("review_budget_daily_usd", scope, "daily budget in USD (0: none)").set(dailyUsd);
  }

  private AtomicReference<Double> gauge(String name, String scope, String description) {
    return values.computeIfAbsent(name + "|" + scope, k -> {
      AtomicReference<Double> ref = new AtomicReference<>(0.0);
      Gauge.builder(name, ref, AtomicReference::get).tags("scope", scope).description(description).register(registry);
      return ref;
    });
  }
}
