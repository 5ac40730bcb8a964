package com.reviewpipeline.cli;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.store.DatabaseUrl;
import com.reviewpipeline.store.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the pipeline from configuration; shared by {@code demo} and {@code run}. */
final class Launcher {

  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
  static final String SIMULATOR_KEY = "sk-simulator-not-a-real-key";

  private Launcher() {}

  static AppConfig load(Vertx vertx, String path, Map<String, String> env, JsonObject overrides, List<String> sets) {
    return ConfigLoader.load(vertx, path, env, overrides, sets).await();
  }

  /** Starts an in-process simulator and points the config at it. */
  static AppConfig withSimulator(Vertx vertx, AppConfig config) {
    ClaudeSimulator simulator = new ClaudeSimulator(0,
        SimulatorSettings.defaults(config.simulatorLatencyMs(), config.simulatorLatencyJitterMs()));
    vertx.deployVerticle(simulator).await();
    LOG.warn("*** NO ANTHROPIC_API_KEY: using the built-in Claude API SIMULATOR at {} — verdicts are heuristic, costs are simulated ***",
        simulator.baseUrl());
    return config.withAnthropic(config.anthropic().withEndpoint(simulator.baseUrl(), List.of(SIMULATOR_KEY)));
  }

  /** The demo's admin token: the configured one, else one generated and printed ({@code run} requires one). */
  static AppConfig withDemoAdminToken(AppConfig config) {
    if (!config.adminToken().isEmpty()) {
      return config;
    }
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    System.out.println("ADMIN_TOKEN not set; generated admin token for this run: " + token);
    return config.withAdminToken(token);
  }

  static void migrate(Vertx vertx, AppConfig config) {
    DatabaseUrl db = DatabaseUrl.parse(config.databaseUrl());
    vertx.executeBlocking(() -> Migrations.migrate(db)).await();
  }

  static PipelineApp start(ServiceProcess.Node node, AppConfig config) {
    return PipelineApp.deploy(node.vertx(), node.telemetry(), node.membership(), config, true).await();
  }
}
