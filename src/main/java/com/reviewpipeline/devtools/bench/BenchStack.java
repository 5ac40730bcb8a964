package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.app.Topics;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import com.reviewpipeline.devtools.embedded.EmbeddedKafka;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.telemetry.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The wiring every scenario shares: the embedded KRaft broker and its plain clients for the whole run, the
 * configuration (the file plus {@code --set} overrides), per-scenario topics and groups, and a simulator with a
 * pipeline Vert.x on top of them.
 */
final class BenchStack implements AutoCloseable {

  /** Rate limits no scenario reaches: for scenarios that measure the pipeline, not the API. */
  static final String[] NO_LIMITS = {
      "anthropic.rate_limits.requests_per_minute=1000000000",
      "anthropic.rate_limits.input_tokens_per_minute=1000000000000",
      "anthropic.rate_limits.output_tokens_per_minute=1000000000000"};

  private final String configPath;
  private final List<String> extraSets;
  private final EmbeddedKafka kafka;
  final BenchKafka clients;

  private BenchStack(String configPath, List<String> extraSets, EmbeddedKafka kafka) {
    this.configPath = configPath;
    this.extraSets = extraSets;
    this.kafka = kafka;
    this.clients = new BenchKafka(kafka.bootstrapServers());
  }

  /** Starts the embedded broker; {@code extraSets} are the command line's {@code --set key=value} overrides. */
  static BenchStack start(String configPath, List<String> extraSets) throws Exception {
    return new BenchStack(configPath, List.copyOf(extraSets), EmbeddedKafka.start());
  }

  /** A simulator and a pipeline Vert.x with its configuration (topics created); the pipeline is not started yet. */
  record Stack(Vertx simVertx, ClaudeSimulator sim, Vertx vertx, AppConfig config, Telemetry telemetry) implements AutoCloseable {
    @Override
    public void close() {
      vertx.close().await();
      simVertx.close().await();
    }
  }

  /** The command line's {@code --set} overrides. */
  List<String> extraSets() {
    return extraSets;
  }

  /** Unique topics and groups for one scenario; the moderator pipeline alone. */
  List<String> sets(String run, String... extra) {
    List<String> s = new ArrayList<>(List.of(
        "kafka.bootstrap_servers=" + kafka.bootstrapServers(),
        "kafka.events_topic=bench-events-" + run,
        "kafka.results_topic=bench-results-" + run,
        "kafka.dlq_topic=bench-dlq-" + run,
        "kafka.retry_stages.0.topic=bench-retry1-" + run,
        "kafka.retry_stages.1.topic=bench-retry2-" + run,
        "kafka.retry_stages.2.topic=bench-retry3-" + run,
        "kafka.retry_group=bench-retry-" + run,
        "kafka.store_group=bench-store-" + run,
        "kafka.manual_review_group=bench-manual-" + run,
        "kafka.agreement_topic=bench-agreement-" + run,
        "pipelines.0.group_id=bench-moderator-" + run,
        "pipelines.1.enabled=false",
        "admin.token=bench",
        // the generated mix repeats template texts far more than real traffic: with the verdict cache most events
        // would skip the call the scenarios measure (--set verdict_cache.enabled=true turns it back on)
        "verdict_cache.enabled=false"));
    s.addAll(Arrays.asList(extra));
    s.addAll(extraSets);
    return s;
  }

  AppConfig config(Vertx vertx, List<String> sets) {
    return ConfigLoader.load(vertx, configPath, Map.of(), new JsonObject(), sets).await();
  }

  /** A simulator with {@code simSettings} over its defaults (0 ms) and a pipeline Vert.x configured by {@code sets}. */
  Stack stack(List<String> sets, JsonObject simSettings) throws Exception {
    Vertx simVertx = Vertx.vertx();
    Vertx vertx = Vertx.vertx();
    Telemetry telemetry = new Telemetry(new SimpleMeterRegistry());
    AppConfig base = config(vertx, sets);
    ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(0, 0).merge(simSettings));
    simVertx.deployVerticle(sim).await();
    AppConfig config = base.withAnthropic(base.anthropic().withEndpoint(sim.baseUrl(), List.of("sk-bench-key")));
    Topics.ensure(config.kafka(), config.messageBatches().topic());
    return new Stack(simVertx, sim, vertx, config, telemetry);
  }

  static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Override
  public void close() throws Exception {
    clients.close();
    kafka.close();
  }
}
