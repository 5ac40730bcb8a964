package com.reviewpipeline.cli;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Production mode: connects to what the configuration and environment name. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run against external services: KAFKA_BOOTSTRAP_SERVERS (required), ADMIN_TOKEN or ADMIN_TOKEN_FILE "
        + "(required), ANTHROPIC_API_KEY(S), ANTHROPIC_BASE_URL, DATABASE_URL, HTTP_PORT.")
public final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--config", description = "configuration file (default: ${DEFAULT-VALUE})",
      defaultValue = ConfigLoader.DEFAULT_PATH)
  String configPath;

  @picocli.CommandLine.Mixin
  ConfigSets configSets;

  @Option(names = "--cluster", description = "join a Hazelcast-clustered Vert.x (cluster.* configuration, CLUSTER_* "
      + "environment); same as CLUSTER_ENABLED=true")
  boolean cluster;

  @Override
  public Integer call() throws Exception {
    ServiceProcess runtime = new ServiceProcess();
    ServiceProcess.Node node = ServiceProcess.meteredVertx();
    Vertx vertx = node.vertx();
    AppConfig config;
    boolean clustered;
    try {
      config = forRun(Launcher.load(vertx, configPath, System.getenv(), new JsonObject(), configSets.sets));
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      vertx.close().await();
      return 2;
    }
    clustered = cluster || config.cluster().enabled();
    if (clustered) {
      // configuration was read with a plain Vert.x; the service runs on a clustered one
      config = config.withCluster(config.cluster().withEnabled(true));
      vertx.close().await();
      try {
        node = ServiceProcess.clusteredVertx(config.cluster(), config.verdictCache());
        vertx = node.vertx();
      } catch (RuntimeException e) {
        System.err.println("cluster error: " + e.getMessage());
        return 2;
      }
    }
    Vertx running = vertx;
    if (!config.databaseUrl().isBlank()) {
      Launcher.migrate(vertx, config);
    } else {
      LOG.warn("run.no_database verdicts are published to Kafka only (set DATABASE_URL to store them)");
    }
    PipelineApp app = Launcher.start(node, config);
    ServiceProcess.Node stopped = node;
    runtime.onShutdown(() -> {
      int before = stopped.telemetry().uncleanStops().size();
      app.stop().await();
      List<String> all = stopped.telemetry().uncleanStops();
      List<String> unclean = all.subList(before, all.size());
      if (!unclean.isEmpty()) {
        LOG.error("shutdown.unclean exit_code={} left={}", ServiceProcess.EXIT_UNCLEAN, unclean);
        runtime.exitCode(ServiceProcess.EXIT_UNCLEAN);
      }
    });
    runtime.onShutdown(() -> running.close().await());
    return runtime.awaitSignal();
  }

  /**
   * What {@code run} needs beyond a valid configuration: a broker, an admin token (never generated here: every node
   * of a cluster must accept the same one) and an API key for the Anthropic API; another endpoint without a key gets
   * a placeholder.
   *
   * @throws IllegalArgumentException naming what is missing (the token itself is never printed)
   */
  static AppConfig forRun(AppConfig config) {
    if (config.kafka().bootstrapServers().isBlank()) {
      throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS (or kafka.bootstrap_servers) is required in run mode");
    }
    if (config.adminToken().isEmpty()) {
      throw new IllegalArgumentException("ADMIN_TOKEN (admin.token) or ADMIN_TOKEN_FILE (admin.token_file) is required "
          + "in run mode: the admin API's bearer token, the same on every node of a cluster");
    }
    if (!config.anthropic().apiKeys().isEmpty()) {
      return config;
    }
    if (config.anthropic().baseUrl().equals("https://api.anthropic.com")) {
      throw new IllegalArgumentException("ANTHROPIC_API_KEY (or ANTHROPIC_API_KEYS) is required to call the Anthropic API");
    }
    LOG.warn("run.no_api_key base_url={} — sending a placeholder key to the configured Messages API endpoint",
        config.anthropic().baseUrl());
    return config.withAnthropic(config.anthropic().withEndpoint(config.anthropic().baseUrl(),
        List.of(Launcher.SIMULATOR_KEY)));
  }
}
