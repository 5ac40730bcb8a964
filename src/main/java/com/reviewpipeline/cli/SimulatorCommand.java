package com.reviewpipeline.cli;

import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.ControlGuard;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The Claude Messages API simulator on its own, for tests and offline runs of other processes. */
@Command(name = "simulator", mixinStandardHelpOptions = true,
    description = "Serve the Claude Messages API simulator (POST /v1/messages, /v1/messages/count_tokens; "
        + "knobs at POST /_sim/config, counters at GET /_sim/stats; beyond loopback those need --control-token).")
public final class SimulatorCommand implements Callable<Integer> {

  @Option(names = "--port", description = "port (default: ${DEFAULT-VALUE})", defaultValue = "4010")
  int port;

  @Option(names = "--host", description = "interface to bind, 0.0.0.0 for all (default: ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.1")
  String host;

  // SIMULATOR_CONTROL_TOKEN by default (an argument shows in the process list); never printed
  @Option(names = "--control-token", defaultValue = "${env:SIMULATOR_CONTROL_TOKEN:-}",
      description = "bearer token required on /_sim/* (default: SIMULATOR_CONTROL_TOKEN); required beyond loopback")
  String controlToken;

  @Option(names = "--latency-ms", description = "mean response latency (default: ${DEFAULT-VALUE})", defaultValue = "200")
  long latencyMs;

  @Option(names = "--jitter-ms", description = "latency jitter, ± (default: ${DEFAULT-VALUE})", defaultValue = "100")
  long jitterMs;

  @Override
  public Integer call() throws Exception {
    try {
      ControlGuard.requireTokenBeyondLoopback(host, controlToken);
    } catch (IllegalArgumentException e) {
      System.err.println("simulator: " + e.getMessage());
      return 2;
    }
    ServiceProcess runtime = new ServiceProcess();
    Vertx vertx = Vertx.vertx();
    // the simulator's models, token rule and cache minimums are its own (conf/simulator/api-models.json)
    ClaudeSimulator sim = new ClaudeSimulator(port, SimulatorSettings.defaults(latencyMs, jitterMs)).bindTo(host)
        .controlToken(controlToken);
    vertx.deployVerticle(sim).await();
    System.out.println("Claude API simulator listening on " + host + ":" + sim.port());
    runtime.onShutdown(() -> vertx.close().await());
    return runtime.awaitSignal();
  }
}
