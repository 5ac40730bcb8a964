package com.reviewpipeline.config;

import java.util.List;
import java.util.Map;

/** The whole typed configuration, built once by {@link ConfigLoader}. */
public record AppConfig(
    KafkaSettings kafka,
    ClaudeSettings anthropic,
    Map<String, String> tiers,
    ModelProfiles models,
    List<PipelineConfig> pipelines,
    Instances instances,
    int httpPort,
    String adminToken,
    String databaseUrl,
    long shutdownTimeoutMs,
    long simulatorLatencyMs,
    long simulatorLatencyJitterMs,
    double loadRate,
    com.reviewpipeline.config.AlertSettings alerts,
    ClusterSettings cluster,
    ContainmentSettings containment,
    int databaseMaxRowAttempts,
    VerdictCacheSettings verdictCache,
    BudgetSettings budget,
    MessageBatchSettings messageBatches) {

  public String modelFor(String tier) {
    String model = tiers.get(tier);
    if (model == null) {
      throw new IllegalArgumentException("unknown tier '" + tier + "'; configured tiers: " + tiers.keySet());
    }
    return model;
  }

  /** The profile of the model a tier maps to. */
  public ModelProfile profileFor(String tier) {
    return models.of(modelFor(tier));
  }

  public PipelineConfig pipeline(String name) {
    return pipelines.stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown pipeline '" + name + "'"));
  }

  public AppConfig withKafka(KafkaSettings k) {
    return new AppConfig(k, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withAnthropic(ClaudeSettings a) {
    return new AppConfig(kafka, a, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withPipelines(List<PipelineConfig> p) {
    return new AppConfig(kafka, anthropic, tiers, models, List.copyOf(p), instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withInstances(Instances i) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, i, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withDatabaseUrl(String url) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, url,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withHttpPort(int port) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, port, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withAlerts(com.reviewpipeline.config.AlertSettings a) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, a, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withCluster(ClusterSettings c) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, c, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withContainment(ContainmentSettings c) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, c, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withVerdictCache(VerdictCacheSettings v) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, v, budget, messageBatches);
  }

  public AppConfig withBudget(BudgetSettings b) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, b, messageBatches);
  }

  public AppConfig withShutdownTimeoutMs(long ms) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        ms, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  public AppConfig withMessageBatches(MessageBatchSettings m) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, adminToken, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, m);
  }

  /**
   * The tier of the pipeline's cheapest model: the lowest output price, then the lowest input price (output tokens
   * are most of the bill once reviews are batched). Where a budget's {@code cheaper_tier} action sends reviews.
   */
  public String cheapestTier() {
    return tiers.keySet().stream()
        .min(java.util.Comparator.<String>comparingDouble(t -> models.price(modelFor(t)).output())
            .thenComparingDouble(t -> models.price(modelFor(t)).input()))
        .orElseThrow();
  }

  public AppConfig withAdminToken(String token) {
    return new AppConfig(kafka, anthropic, tiers, models, pipelines, instances, httpPort, token, databaseUrl,
        shutdownTimeoutMs, simulatorLatencyMs, simulatorLatencyJitterMs, loadRate, alerts, cluster, containment, databaseMaxRowAttempts, verdictCache, budget, messageBatches);
  }

  @Override
  public String toString() {
    return "AppConfig[kafka=" + kafka.bootstrapServers() + ", anthropic=" + anthropic + ", tiers=" + tiers
        + ", pipelines=" + pipelines.stream().map(PipelineConfig::name).toList() + ", instances=" + instances
        + ", httpPort=" + httpPort + ", adminToken=" + (adminToken.isEmpty() ? "unset" : "set")
        + ", database=" + (databaseUrl.isEmpty() ? "embedded" : "external") + "]";
  }
}
