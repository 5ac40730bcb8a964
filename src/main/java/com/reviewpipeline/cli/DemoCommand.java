package com.reviewpipeline.cli;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import com.reviewpipeline.devtools.embedded.EmbeddedDatabase;
import com.reviewpipeline.devtools.embedded.EmbeddedKafka;
import com.reviewpipeline.devtools.loadgen.LoadGenerator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Everything embedded and no configuration needed: the one-command demo. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run everything embedded: a KRaft Kafka broker, PostgreSQL, the Claude API simulator "
        + "(unless ANTHROPIC_API_KEY is set), a load generator, and the admin API on http://localhost:8080.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--config", description = "configuration file (default: ${DEFAULT-VALUE})",
      defaultValue = ConfigLoader.DEFAULT_PATH)
  String configPath;

  @Option(names = "--rate", description = "events per second from the load generator (default: loadgen.rate)")
  Double rate;

  @Option(names = "--http-port", description = "admin API port (default: http.port, 8080)")
  Integer httpPort;

  @picocli.CommandLine.Mixin
  ConfigSets configSets;

  @Override
  public Integer call() throws Exception {
    ServiceProcess runtime = new ServiceProcess();
    EmbeddedKafka kafka = EmbeddedKafka.start();
    EmbeddedDatabase db = EmbeddedDatabase.start();
    ServiceProcess.Node node = ServiceProcess.meteredVertx();
    Vertx vertx = node.vertx();
    Map<String, String> env = new HashMap<>(System.getenv());
    // The demo is embedded by definition: external endpoints from the environment are ignored.
    env.remove("KAFKA_BOOTSTRAP_SERVERS");
    env.remove("DATABASE_URL");
    JsonObject overrides = new JsonObject();
    if (httpPort != null) {
      overrides.put("http", new JsonObject().put("port", httpPort));
    }
    AppConfig config = Launcher.load(vertx, configPath, env, overrides, configSets.sets);
    config = config.withKafka(config.kafka().withBootstrapServers(kafka.bootstrapServers()))
        .withDatabaseUrl(db.url());
    if (config.anthropic().apiKeys().isEmpty()) {
      config = Launcher.withSimulator(vertx, config);
    }
    config = Launcher.withDemoAdminToken(config);
    Launcher.migrate(vertx, config);
    PipelineApp app = Launcher.start(node, config);
    LoadGenerator load = new LoadGenerator(vertx, kafka.bootstrapServers(), config.kafka().eventsTopic(),
        System.nanoTime());
    double r = rate != null ? rate : config.loadRate();
    load.run(-1, r);
    System.out.printf("%nReview pipeline demo is running.%n"
            + "  Admin API : http://localhost:%d  (GET /api/stats with the bearer token above)%n"
            + "  Kafka     : %s (embedded KRaft)%n"
            + "  Database  : %s (embedded PostgreSQL)%n"
            + "  Claude    : %s%n"
            + "  Load      : %.1f events/s to %s%n"
            + "Press Ctrl-C to drain and stop.%n%n",
        config.httpPort(), kafka.bootstrapServers(), db.url().replaceAll("postgres:postgres@", "postgres@"),
        config.anthropic().baseUrl(), r, config.kafka().eventsTopic());
    runtime.onShutdown(() -> load.stop().await());
    runtime.onShutdown(() -> app.stop().await());
    runtime.onShutdown(() -> vertx.close().await());
    runtime.onShutdown(db::close);
    runtime.onShutdown(kafka::close);
    return runtime.awaitSignal();
  }
}
