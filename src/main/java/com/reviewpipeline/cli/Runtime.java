package com.reviewpipeline.cli;

import com.reviewpipeline.telemetry.Telemetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Shared process plumbing for the subcommands: a metered Vert.x and graceful SIGTERM/SIGINT handling. */
final class Runtime {

  private static final Logger LOG = LoggerFactory.getLogger(Runtime.class);

  /** A step of the shutdown sequence; steps run in the order they were added. */
  interface Step {
    void run() throws Exception;
  }

  private final List<Step> shutdown = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();

  static Vertx meteredVertx() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    Telemetry.bind(vertx, registry);
    return vertx;
  }

  void onShutdown(Step step) {
    shutdown.add(step);
  }

  /** Blocks until SIGTERM or SIGINT, runs the shutdown steps, and returns the exit code (0). */
  int awaitSignal() throws InterruptedException {
    Signal.handle(new Signal("TERM"), s -> stopAsync("SIGTERM"));
    Signal.handle(new Signal("INT"), s -> stopAsync("SIGINT"));
    stopped.await();
    return 0;
  }

  private void stopAsync(String signal) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      LOG.info("shutdown.signal signal={}", signal);
      for (Step step : shutdown) {
        try {
          step.run();
        } catch (Exception e) {
          LOG.warn("shutdown.step.failed error={}", e.toString());
        }
      }
      LOG.info("shutdown.complete");
      stopped.countDown();
    }, "shutdown");
    t.start();
  }
}
