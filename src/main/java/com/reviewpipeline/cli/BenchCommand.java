package com.reviewpipeline.cli;

import com.reviewpipeline.devtools.bench.Bench;
import com.reviewpipeline.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The benchmark suite on the embedded stack with the simulator: figures printed and written as JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run benchmark scenarios on an embedded KRaft broker with the Claude API simulator; prints a table "
        + "and writes <out>/<scenario>.json. Scenarios: overhead, api-bound, latency, backlog, cost, containment (default: all).")
public final class BenchCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", paramLabel = "SCENARIO", description = "scenarios to run (default: all, in order)")
  List<String> scenarios = new ArrayList<>();

  @Option(names = "--out", defaultValue = "target/bench", description = "directory for the JSON files (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--config", defaultValue = ConfigLoader.DEFAULT_PATH, description = "configuration (default: ${DEFAULT-VALUE})")
  String configPath;

  @Option(names = "--size", paramLabel = "KEY=N", description = "scale a scenario down or up: overhead_events, api_events, "
      + "api_seconds, latency_seconds, backlog_events, backlog_stall_s, cost_events, containment_events")
  Map<String, Integer> sizes = new HashMap<>();

  @picocli.CommandLine.Mixin
  ConfigSets configSets;

  @Option(names = "--verbose", description = "keep the pipeline's INFO logs (default: warnings and errors only)")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    if (!verbose) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
          .setLevel(ch.qos.logback.classic.Level.WARN);
    }
    List<String> run = scenarios.isEmpty() ? Bench.SCENARIOS : scenarios;
    for (String s : run) {
      if (!Bench.SCENARIOS.contains(s)) {
        System.err.println("unknown scenario '" + s + "'; scenarios: " + Bench.SCENARIOS);
        return 2;
      }
    }
    new Bench(configPath, out, sizes, configSets.sets).run(run);
    return 0;
  }
}
