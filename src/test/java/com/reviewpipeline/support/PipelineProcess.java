package com.reviewpipeline.support;

import com.reviewpipeline.devtools.bench.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's {@code run} command in a child JVM, pointed at a test harness's broker, topics
 * and simulator. Signals go to the real process: {@link #terminate()} sends SIGTERM,
 * {@link #kill()} sends SIGKILL. Output goes to a log file under {@code target/}.
 */
public final class PipelineProcess implements AutoCloseable {


  private final Process process;
  public final Path log;

  private PipelineProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static PipelineProcess start(PipelineHarness h, String name, List<String> jvmArgs, List<String> sets) throws IOException {
    return start(h, name, jvmArgs, sets, Map.of(), List.of());
  }

  /** With extra environment variables and extra {@code run} arguments (e.g. {@code --cluster}). */
  public static PipelineProcess start(PipelineHarness h, String name, List<String> jvmArgs, List<String> sets,
      Map<String, String> extraEnv, List<String> runArgs) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin);
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("com.reviewpipeline.Main");
    cmd.add("run");
    cmd.addAll(runArgs);
    List<String> all = new ArrayList<>(List.of(
        "kafka.events_topic=" + h.events,
        "kafka.results_topic=" + h.results,
        "kafka.dlq_topic=" + h.dlq,
        "pipelines.0.group_id=" + h.group(),
        "pipelines.1.enabled=false",
        "kafka.retry_group=" + h.config.kafka().retryGroup(),
        "kafka.agreement_topic=" + h.config.kafka().agreementTopic()));
    for (int i = 0; i < h.config.kafka().retryStages().size(); i++) {
      all.add("kafka.retry_stages." + i + ".topic=" + h.config.kafka().retryStages().get(i).topic());
    }
    all.addAll(sets);
    for (String s : all) {
      cmd.add("--set");
      cmd.add(s);
    }
    Path log = Path.of("target", "process-" + name + "-" + h.run + ".log");
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .directory(new File(System.getProperty("user.dir")));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("KAFKA_") || k.startsWith("ADMIN_TOKEN")
        || k.equals("DATABASE_URL"));
    env.put("KAFKA_BOOTSTRAP_SERVERS", h.bootstrap);
    env.put("ANTHROPIC_BASE_URL", h.sim.baseUrl());
    env.put("ANTHROPIC_API_KEY", "test-key");
    env.put("ADMIN_TOKEN", "test-admin-token");
    env.put("HTTP_PORT", "0");
    env.keySet().removeIf(k -> k.startsWith("CLUSTER_") || k.equals("NODE_NAME"));
    env.putAll(extraEnv);
    return new PipelineProcess(pb.start(), log);
  }

  /** The admin API port, once the process has logged it. */
  public int adminPort(long timeoutMs) throws Exception {
    return ChildJvm.adminPort(process, log, timeoutMs);
  }

  public boolean logContains(String text) throws IOException {
    return Files.readString(log).contains(text);
  }

  /** SIGTERM; returns the exit code, or throws when the process does not exit in time. */
  public int terminate(long timeoutMs) throws Exception {
    process.destroy();
    if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("pipeline process did not exit within " + timeoutMs + " ms of SIGTERM; see " + log);
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown code runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
