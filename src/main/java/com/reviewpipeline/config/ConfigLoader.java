package com.reviewpipeline.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads {@code conf/application.yaml} with vertx-config, applies environment overrides and builds
 * the typed {@link AppConfig}. Files named in the YAML are resolved against the YAML's directory;
 * Vert.x falls back to the classpath, so the packaged jar carries a working {@code conf/}.
 */
public final class ConfigLoader {

  public static final String DEFAULT_PATH = "conf/application.yaml";

  /** Environment variable → configuration key; the README's configuration table lists the same. */
  static final Map<String, String> ENV_OVERRIDES = Map.of(
      "KAFKA_BOOTSTRAP_SERVERS", "kafka.bootstrap_servers",
      "ANTHROPIC_BASE_URL", "anthropic.base_url",
      "DATABASE_URL", "database.url",
      "HTTP_PORT", "http.port",
      "ADMIN_TOKEN", "admin.token");

  private ConfigLoader() {}

  public static Future<AppConfig> load(Vertx vertx, String path, Map<String, String> env, JsonObject overrides) {
    ConfigStoreOptions yaml = new ConfigStoreOptions()
        .setType("file")
        .setFormat("yaml")
        .setConfig(new JsonObject().put("path", path));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().addStore(yaml));
    return retriever.getConfig()
        .eventually(retriever::close)
        .recover(err -> Future.failedFuture(
            new IllegalArgumentException("cannot read configuration " + path + ": " + err.getMessage(), err)))
        .compose(json -> vertx.executeBlocking(() -> build(vertx, path, applyEnv(json, env).mergeIn(overrides, true))));
  }

  static JsonObject applyEnv(JsonObject json, Map<String, String> env) {
    ENV_OVERRIDES.forEach((variable, key) -> {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        put(json, key, key.equals("http.port") ? Integer.valueOf(value.trim()) : value.trim());
      }
    });
    List<String> keys = new ArrayList<>();
    String many = env.get("ANTHROPIC_API_KEYS");
    if (many != null) {
      Arrays.stream(many.split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(keys::add);
    }
    String one = env.get("ANTHROPIC_API_KEY");
    if (one != null && !one.isBlank() && !keys.contains(one.trim())) {
      keys.add(0, one.trim());
    }
    if (!keys.isEmpty()) {
      put(json, "anthropic.api_keys", new JsonArray(keys));
    }
    return json;
  }

  private static void put(JsonObject root, String dottedKey, Object value) {
    String[] parts = dottedKey.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }

  private static AppConfig build(Vertx vertx, String path, JsonObject json) {
    String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
    JsonObject tiersJson = json.getJsonObject("tiers", new JsonObject());
    Map<String, String> tiers = new LinkedHashMap<>();
    tiersJson.forEach(e -> tiers.put(e.getKey(), String.valueOf(e.getValue())));
    if (tiers.isEmpty()) {
      throw new IllegalArgumentException("configuration has no tiers (tiers.fast/balanced/deep → model id)");
    }
    Map<String, ModelPrice> pricing = new LinkedHashMap<>();
    json.getJsonObject("pricing", new JsonObject())
        .forEach(e -> pricing.put(e.getKey(), ModelPrice.fromJson(e.getKey(), (JsonObject) e.getValue())));
    for (String model : tiers.values()) {
      if (!pricing.containsKey(model)) {
        throw new IllegalArgumentException("no pricing for model " + model + " (pricing." + model + ")");
      }
    }
    List<PipelineConfig> pipelines = new ArrayList<>();
    for (Object o : json.getJsonArray("pipelines", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      if (!p.getBoolean("enabled", true)) {
        continue;
      }
      String prompt = vertx.fileSystem().readFileBlocking(dir + p.getString("prompt_file")).toString();
      JsonObject tool = new JsonObject(vertx.fileSystem().readFileBlocking(dir + p.getString("tool_file")));
      PipelineConfig pipeline = PipelineConfig.fromJson(p, prompt, tool);
      if (!tiers.containsKey(pipeline.defaultTier())) {
        throw new IllegalArgumentException("pipeline " + pipeline.name() + " names unknown tier " + pipeline.defaultTier());
      }
      pipelines.add(pipeline);
    }
    if (pipelines.isEmpty()) {
      throw new IllegalArgumentException("configuration enables no pipeline");
    }
    JsonObject sim = json.getJsonObject("simulator", new JsonObject());
    return new AppConfig(
        KafkaSettings.fromJson(json.getJsonObject("kafka", new JsonObject())),
        ClaudeSettings.fromJson(json.getJsonObject("anthropic", new JsonObject())),
        java.util.Collections.unmodifiableMap(tiers),
        Map.copyOf(pricing),
        List.copyOf(pipelines),
        Instances.fromJson(json.getJsonObject("instances")),
        json.getJsonObject("http", new JsonObject()).getInteger("port", 8080),
        json.getJsonObject("admin", new JsonObject()).getString("token", ""),
        json.getJsonObject("database", new JsonObject()).getString("url", ""),
        json.getJsonObject("shutdown", new JsonObject()).getLong("timeout_ms", 30000L),
        sim.getLong("latency_ms", 200L),
        sim.getLong("latency_jitter_ms", 100L),
        json.getJsonObject("loadgen", new JsonObject()).getDouble("rate", 20.0));
  }
}
