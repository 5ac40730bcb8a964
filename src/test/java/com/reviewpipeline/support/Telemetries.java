package com.reviewpipeline.support;

import com.reviewpipeline.telemetry.Telemetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Telemetry for a test's own process, on a Prometheus registry like the service's. */
public final class Telemetries {

  private Telemetries() {}

  public static Telemetry fresh() {
    return new Telemetry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }
}
