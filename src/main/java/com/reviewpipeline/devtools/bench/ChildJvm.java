package com.reviewpipeline.devtools.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline's {@code run} command in a child JVM of its own, and probing it from outside: its admin API port from
 * its log, its {@code /api/stats}, its resident set from {@code /proc}.
 */
public final class ChildJvm {

  private static final Pattern ADMIN_URL = Pattern.compile("admin\\.started url=http://localhost:(\\d+)");

  private ChildJvm() {
  }

  /**
   * Starts {@code run} on this JVM's class path with {@code jvmFlags} and {@code sets} as {@code --set} overrides,
   * output to {@code log}; the environment's pipeline settings dropped, the API at {@code apiBaseUrl}, the admin API
   * on a free port.
   */
  static Process start(List<String> jvmFlags, List<String> sets, String apiBaseUrl, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "com.reviewpipeline.Main", "run"));
    for (String s : sets) {
      cmd.add("--set");
      cmd.add(s);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("KAFKA_") || k.startsWith("CLUSTER_")
        || k.equals("DATABASE_URL") || k.equals("HTTP_PORT") || k.startsWith("ADMIN_TOKEN"));
    pb.environment().put("ANTHROPIC_BASE_URL", apiBaseUrl);
    pb.environment().put("ANTHROPIC_API_KEY", "sk-bench-key");
    pb.environment().put("HTTP_PORT", "0");
    return pb.start();
  }

  /**
   * The admin API port of a {@code run} child process, once its log (where its output goes) shows
   * {@code admin.started}; fails when the process exits or {@code timeoutMs} passes first.
   */
  public static int adminPort(Process p, Path log, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("pipeline process exited with " + p.exitValue() + "; see " + log);
      }
      Matcher m = ADMIN_URL.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      p.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("pipeline process did not start its admin API; see " + log);
  }

  /** The admin API's {@code /api/stats} (admin token {@code bench}, as the bench's configuration sets). */
  static JsonObject stats(HttpClient http, int port) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stats"))
        .header("Authorization", "Bearer bench").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  /** A field of /proc/<pid>/status in kB (VmHWM: peak resident set), 0 where /proc is missing. */
  static long rssKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
