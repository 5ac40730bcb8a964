package com.reviewpipeline.cli;

import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The Claude Messages API simulator on its own, for tests and offline runs of other processes. */
@Command(name = "simulator", mixinStandardHelpOptions = true,
    description = "Serve the Claude Messages API simulator (POST /v1/messages, /v1/messages/count_tokens; "
        + "knobs at POST /_sim/config, counters at GET /_sim/stats).")
public final class SimulatorCommand implements Callable<Integer> {

  @Option(names = "--port", description = "port (default: ${DEFAULT-VALUE})", defaultValue = "4010")
  int port;

  @Option(names = "--host", description = "interface to bind, 0.0.0.0 for all (default: ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--latency-ms", description = "mean response latency (default: ${DEFAULT-VALUE})", defaultValue = "200")
  long latencyMs;

  @Option(names = "--jitter-ms", description = "latency jitter, ± (default: ${DEFAULT-VALUE})", defaultValue = "100")
  long jitterMs;

  @Override
  public Integer call() throws Exception {
    ServiceProcess runtime = new ServiceProcess();
    Vertx vertx = Vertx.vertx();
    // the simulator's models, token rule and cache minimums are its own (conf/simulator/api-models.json)
    ClaudeSimulator sim = new ClaudeSimulator(port, SimulatorSettings.defaults(latencyMs, jitterMs)).bindTo(host);
    vertx.deployVerticle(sim).await();
    System.out.println("Claude API simulator listening on " + host + ":" + sim.port());
    runtime.onShutdown(() -> vertx.close().await());
    return runtime.awaitSignal();
  }
}
