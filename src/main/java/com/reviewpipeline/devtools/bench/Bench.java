package com.reviewpipeline.devtools.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The benchmark suite: six scenarios on the embedded stack (real KRaft broker, the Claude API simulator), each
 * printing its figures and writing {@code <out>/<scenario>.json}. Figures, never pass/fail: targets are reported as
 * met or not. This class runs the chosen scenarios in order on one broker and prints the closing table.
 */
public final class Bench {

  public static final List<String> SCENARIOS = List.of("overhead", "api-bound", "latency", "backlog", "cost",
      "containment");

  private final String configPath;
  private final Path out;
  private final Map<String, Integer> sizes;
  private final List<String> extraSets;
  private final JsonObject summary = new JsonObject();
  /** Events per second the api-bound scenario measured, when it ran: the latency scenario loads at half of it. */
  private Double measuredCapacity;

  /**
   * @param sizes optional overrides: overhead_events, api_events, api_seconds, latency_seconds, backlog_events,
   *     backlog_stall_s, cost_events, containment_events
   * @param extraSets {@code key=value} configuration overrides for every scenario
   */
  public Bench(String configPath, Path out, Map<String, Integer> sizes, List<String> extraSets) {
    this.extraSets = List.copyOf(extraSets);
    this.configPath = configPath;
    this.out = out;
    this.sizes = sizes;
  }

  private int size(String key, int dflt) {
    return sizes.getOrDefault(key, dflt);
  }

  public JsonObject run(List<String> scenarios) throws Exception {
    Files.createDirectories(out);
    JsonObject machine = new JsonObject()
        .put("cpus", Runtime.getRuntime().availableProcessors())
        .put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
        .put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024))
        .put("started_at", Instant.now().toString());
    summary.put("machine", machine);
    System.out.printf("bench: %s on %d CPUs, %s%n", scenarios, machine.getInteger("cpus"), machine.getString("jvm"));
    long t0 = System.currentTimeMillis();
    try (BenchStack stack = BenchStack.start(configPath, extraSets)) {
      for (String s : scenarios) {
        long s0 = System.currentTimeMillis();
        System.out.printf("%n=== %s ===%n", s);
        JsonObject r = scenario(stack, s);
        r.put("scenario", s).put("wall_s", (System.currentTimeMillis() - s0) / 1000.0).put("machine", machine);
        Files.writeString(out.resolve(s + ".json"), r.encodePrettily());
        summary.put(s, r);
      }
    }
    summary.put("wall_s", (System.currentTimeMillis() - t0) / 1000.0);
    Files.writeString(out.resolve("summary.json"), summary.encodePrettily());
    BenchReport.printTable(summary, out);
    return summary;
  }

  /** Runs one scenario with its sizes (the defaults unless overridden) and returns its figures. */
  private JsonObject scenario(BenchStack stack, String s) throws Exception {
    return switch (s) {
      case "overhead" -> new OverheadScenario(stack).run(size("overhead_events", 200_000));
      case "api-bound" -> {
        ApiBoundScenario api = new ApiBoundScenario(stack);
        JsonObject r = api.run(size("api_events", 40_000), size("api_seconds", 90));
        measuredCapacity = api.measuredRate();
        yield r;
      }
      case "latency" -> new LatencyScenario(stack).run(size("latency_seconds", 60), measuredCapacity);
      case "backlog" -> new BacklogScenario(stack, out).run(size("backlog_events", 1_000_000), size("backlog_stall_s", 30));
      case "cost" -> new CostScenario(stack).run(size("cost_events", 2000));
      case "containment" -> new ContainmentScenario(stack).run(size("containment_events", 2000));
      default -> throw new IllegalArgumentException("unknown scenario '" + s + "'; scenarios: " + SCENARIOS);
    };
  }
}
