package com.reviewpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code run} requires beyond a valid configuration ({@link RunCommand#forRun}), from a given environment. */
class RunCommandTest {

  static Vertx vertx;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static AppConfig load(Map<String, String> env) {
    return ConfigLoader.load(vertx, ConfigLoader.DEFAULT_PATH, env, new JsonObject(), List.of()).await();
  }

  @Test
  @DisplayName("run without ADMIN_TOKEN or ADMIN_TOKEN_FILE refuses to start, naming both (no token is generated)")
  void refusesWithoutAdminToken() {
    AppConfig config = load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092", "ANTHROPIC_API_KEY", "sk-ant-test"));
    assertThatThrownBy(() -> RunCommand.forRun(config)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ADMIN_TOKEN (admin.token) or ADMIN_TOKEN_FILE (admin.token_file) is required");
  }

  @Test
  @DisplayName("run takes the admin token from the file ADMIN_TOKEN_FILE names")
  void takesTheTokenFromAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("admin-token"), "token-from-a-secret\n");
    AppConfig config = RunCommand.forRun(load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:9092",
        "ANTHROPIC_API_KEY", "sk-ant-test", "ADMIN_TOKEN_FILE", file.toString())));
    assertThat(config.adminToken()).isEqualTo("token-from-a-secret");
  }
}
