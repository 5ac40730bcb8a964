package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.support.IntegrationTest;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The commands in a child JVM, with an environment of the test's choosing, refusing to start on unsafe settings:
 * exit code 2 and a message on stderr naming what to set, with no secret printed. None of them gets as far as
 * connecting to anything.
 */
@IntegrationTest(beside = true)
class StartRefusalTest {

  static final String ADMIN_TOKEN = "admin-token-never-printed";
  static final String API_KEY = "sk-test-key-never-printed";

  /** How a child JVM ended. */
  record Exit(int code, String stdout, String stderr) {
    String all() {
      return stdout + stderr;
    }
  }

  static Exit main(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "com.reviewpipeline.Main"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("start-refusal", ".out");
    Path err = Files.createTempFile("start-refusal", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File(System.getProperty("user.dir")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("KAFKA_")
        || k.startsWith("ADMIN_TOKEN") || k.startsWith("CLUSTER_") || k.startsWith("SIMULATOR_") || k.equals("DATABASE_URL"));
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(args[0] + " did not exit within 60 s");
      }
      return new Exit(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  @Test
  @DisplayName("run without ADMIN_TOKEN or ADMIN_TOKEN_FILE exits 2, saying so on stderr; no token is generated or printed")
  void runWithoutAdminTokenRefused() throws Exception {
    Exit e = main(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "ANTHROPIC_API_KEY", API_KEY), "run");
    assertThat(e.code()).as(e.all()).isEqualTo(2);
    assertThat(e.stderr()).contains("configuration error: ADMIN_TOKEN (admin.token) or ADMIN_TOKEN_FILE "
        + "(admin.token_file) is required in run mode");
    assertThat(e.all()).doesNotContain("generated admin token").doesNotContain(API_KEY);
  }

  @Test
  @DisplayName("run with an API key for a plain-http host other than loopback exits 2 naming anthropic.allow_insecure_http; neither secret printed")
  void runWithKeyOverPlainHttpRefused() throws Exception {
    Exit e = main(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9", "ANTHROPIC_API_KEY", API_KEY,
        "ANTHROPIC_BASE_URL", "http://api.example.com", "ADMIN_TOKEN", ADMIN_TOKEN), "run");
    assertThat(e.code()).as(e.all()).isEqualTo(2);
    assertThat(e.stderr()).contains("configuration error: anthropic.base_url (ANTHROPIC_BASE_URL) is plain http to "
        + "api.example.com").contains("anthropic.allow_insecure_http=true");
    assertThat(e.all()).doesNotContain(API_KEY).doesNotContain(ADMIN_TOKEN);
  }

  @Test
  @DisplayName("simulator --host 0.0.0.0 without a control token exits 2, naming --control-token and SIMULATOR_CONTROL_TOKEN")
  void simulatorBeyondLoopbackWithoutTokenRefused() throws Exception {
    Exit e = main(Map.of(), "simulator", "--host", "0.0.0.0", "--port", "0");
    assertThat(e.code()).as(e.all()).isEqualTo(2);
    assertThat(e.stderr()).contains("simulator: the simulator would listen on 0.0.0.0, beyond loopback, without a "
        + "control token").contains("--control-token").contains("SIMULATOR_CONTROL_TOKEN");
  }
}
