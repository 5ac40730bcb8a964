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

  /** Environment variable → configuration key; docs/configuration.md lists the same. */
  static final Map<String, String> ENV_OVERRIDES = Map.ofEntries(
      Map.entry("KAFKA_BOOTSTRAP_SERVERS", "kafka.bootstrap_servers"),
      Map.entry("ANTHROPIC_BASE_URL", "anthropic.base_url"),
      Map.entry("DATABASE_URL", "database.url"),
      Map.entry("HTTP_PORT", "http.port"),
      Map.entry("ADMIN_TOKEN", "admin.token"),
      Map.entry("ADMIN_TOKEN_FILE", "admin.token_file"),
      Map.entry("CLUSTER_ENABLED", "cluster.enabled"),
      Map.entry("CLUSTER_NAME", "cluster.name"),
      Map.entry("CLUSTER_HOST", "cluster.host"),
      Map.entry("CLUSTER_PUBLIC_HOST", "cluster.public_host"),
      Map.entry("CLUSTER_PORT", "cluster.port"),
      Map.entry("CLUSTER_EVENTBUS_PORT", "cluster.eventbus_port"),
      Map.entry("CLUSTER_MEMBERS", "cluster.members"),
      Map.entry("NODE_NAME", "cluster.node_name"),
      Map.entry("CLUSTER_TLS_ENABLED", "cluster.tls.enabled"),
      Map.entry("CLUSTER_TLS_KEYSTORE", "cluster.tls.keystore"),
      Map.entry("CLUSTER_TLS_KEYSTORE_PASSWORD", "cluster.tls.keystore_password"),
      Map.entry("CLUSTER_TLS_TRUSTSTORE", "cluster.tls.truststore"),
      Map.entry("CLUSTER_TLS_TRUSTSTORE_PASSWORD", "cluster.tls.truststore_password"));

  private ConfigLoader() {}

  /** Every environment variable the configuration reads (docs/configuration.md and the compose file use these). */
  public static java.util.Set<String> environmentVariables() {
    java.util.Set<String> all = new java.util.TreeSet<>(ENV_OVERRIDES.keySet());
    all.addAll(List.of("ANTHROPIC_API_KEY", "ANTHROPIC_API_KEYS", "ALERT_WEBHOOKS"));
    return all;
  }

  public static Future<AppConfig> load(Vertx vertx, String path, Map<String, String> env, JsonObject overrides) {
    return load(vertx, path, env, overrides, List.of());
  }

  /**
   * @param sets {@code key=value} assignments applied last, dotted keys with numeric indexes for
   *     arrays (e.g. {@code pipelines.0.group_id=moderator-b}); values are typed like YAML scalars
   */
  public static Future<AppConfig> load(Vertx vertx, String path, Map<String, String> env, JsonObject overrides,
      List<String> sets) {
    ConfigStoreOptions yaml = new ConfigStoreOptions()
        .setType("file")
        .setFormat("yaml")
        .setConfig(new JsonObject().put("path", path));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().addStore(yaml));
    return retriever.getConfig()
        .eventually(retriever::close)
        .recover(err -> Future.failedFuture(
            new IllegalArgumentException("cannot read configuration " + path + ": " + err.getMessage(), err)))
        .compose(json -> vertx.executeBlocking(() -> {
          JsonObject given = applyEnv(json, env).mergeIn(overrides, true);
          JsonObject reference = Declaration.shipped();
          JsonObject merged = Declaration.merged(reference, given, "");
          sets.forEach(assignment -> set(merged, assignment));
          KnownKeys.check(reference, merged);
          return build(vertx, path, merged);
        }));
  }

  static JsonObject applyEnv(JsonObject json, Map<String, String> env) {
    ENV_OVERRIDES.forEach((variable, key) -> {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        put(json, key, typed(variable, key, value.trim()));
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
    String hooks = env.get("ALERT_WEBHOOKS");
    if (hooks != null && !hooks.isBlank()) {
      put(json, "alerts.webhooks", new JsonArray(Arrays.stream(hooks.split(",")).map(String::trim)
          .filter(h -> !h.isEmpty()).map(h -> (Object) h).toList()));
    }
    return json;
  }

  private static Object typed(String variable, String key, String value) {
    try {
      return switch (key) {
        case "http.port", "cluster.port", "cluster.eventbus_port" -> Integer.valueOf(value);
        case "cluster.enabled", "cluster.tls.enabled" -> {
          if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new NumberFormatException();
          }
          yield Boolean.valueOf(value);
        }
        case "cluster.members" -> new JsonArray(Arrays.stream(value.split(",")).map(String::trim)
            .filter(m -> !m.isEmpty()).map(m -> (Object) m).toList());
        default -> value;
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + " has an invalid value '" + value + "' for " + key);
    }
  }

  /** Applies one {@code key=value} assignment to the raw configuration. */
  static void set(JsonObject root, String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("--set takes key=value, got '" + assignment + "'");
    }
    String[] parts = assignment.substring(0, eq).trim().split("\\.");
    Object node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = child(node, parts[i], assignment);
    }
    Object value = scalar(assignment.substring(eq + 1).trim());
    String last = parts[parts.length - 1];
    if (node instanceof JsonObject o) {
      o.put(last, value);
    } else if (node instanceof JsonArray a && last.matches("\\d+") && Integer.parseInt(last) < a.size()) {
      a.set(Integer.parseInt(last), value);
    } else {
      throw new IllegalArgumentException("--set " + assignment + ": no such key");
    }
  }

  private static Object child(Object node, String part, String assignment) {
    if (node instanceof JsonObject o) {
      Object c = o.getValue(part);
      if (c == null) {
        c = new JsonObject();
        o.put(part, c);
      }
      return c;
    }
    if (node instanceof JsonArray a && part.matches("\\d+") && Integer.parseInt(part) < a.size()) {
      return a.getValue(Integer.parseInt(part));
    }
    throw new IllegalArgumentException("--set " + assignment + ": no such key");
  }

  private static Object scalar(String v) {
    if (v.equals("true") || v.equals("false")) {
      return Boolean.valueOf(v);
    }
    try {
      long n = Long.parseLong(v);
      return n == (int) n ? (Object) (int) n : (Object) n;
    } catch (NumberFormatException notInteger) {
      try {
        return Double.valueOf(v);
      } catch (NumberFormatException notNumber) {
        return v;
      }
    }
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

  private static int positive(int value, String key) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
    return value;
  }

  private static AppConfig build(Vertx vertx, String path, JsonObject json) {
    String dir = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
    JsonObject tiersJson = json.getJsonObject("tiers");
    Map<String, String> tiers = new LinkedHashMap<>();
    tiersJson.forEach(e -> tiers.put(e.getKey(), String.valueOf(e.getValue())));
    if (tiers.isEmpty()) {
      throw new IllegalArgumentException("configuration has no tiers (tiers.fast/balanced/deep → model id)");
    }
    ModelProfiles models = ModelProfiles.fromJson(json.getJsonObject("models"));
    tiers.forEach((tier, model) -> {
      try {
        models.of(model);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("tiers." + tier + ": " + e.getMessage(), e);
      }
    });
    List<PipelineConfig> pipelines = new ArrayList<>();
    JsonArray entries = json.getJsonArray("pipelines");
    List<String> allNames = entries.stream().filter(JsonObject.class::isInstance)
        .map(e -> ((JsonObject) e).getString("name")).toList();
    for (int i = 0; i < entries.size(); i++) {
      JsonObject p = PipelineConfig.withEntryDefaults(entries.getJsonObject(i), "pipelines." + i);
      if (!p.getBoolean("enabled")) {
        continue;
      }
      String prompt = vertx.fileSystem().readFileBlocking(dir + p.getString("prompt_file")).toString();
      JsonObject tool = new JsonObject(vertx.fileSystem().readFileBlocking(dir + p.getString("tool_file")));
      PipelineConfig pipeline = PipelineConfig.fromJson(p, prompt, tool, tiers.keySet());
      if (pipelines.stream().anyMatch(q -> q.name().equals(pipeline.name()) || q.groupId().equals(pipeline.groupId()))) {
        throw new IllegalArgumentException("pipeline " + pipeline.name() + ": name and group_id must be unique across pipelines");
      }
      pipelines.add(pipeline);
    }
    if (pipelines.isEmpty()) {
      throw new IllegalArgumentException("configuration enables no pipeline");
    }
    JsonObject sim = json.getJsonObject("simulator");
    JsonObject containment = json.getJsonObject("containment");
    String rules = vertx.fileSystem().readFileBlocking(dir + containment.getString("patterns_file")).toString();
    return new AppConfig(
        KafkaSettings.fromJson(json.getJsonObject("kafka"), json.getJsonObject("delivery")),
        ClaudeSettings.fromJson(json.getJsonObject("anthropic")),
        java.util.Collections.unmodifiableMap(tiers),
        models,
        List.copyOf(pipelines),
        Instances.fromJson(json.getJsonObject("instances")),
        json.getJsonObject("http").getInteger("port"),
        AdminToken.resolve(json.getJsonObject("admin")),
        json.getJsonObject("database").getString("url"),
        json.getJsonObject("shutdown").getLong("timeout_ms"),
        sim.getLong("latency_ms"),
        sim.getLong("latency_jitter_ms"),
        json.getJsonObject("loadgen").getDouble("rate"),
        com.reviewpipeline.config.AlertSettings.fromJson(json.getJsonObject("alerts")),
        ClusterSettings.fromJson(json.getJsonObject("cluster")),
        ContainmentSettings.fromJson(containment, rules),
        positive(json.getJsonObject("database").getInteger("max_row_attempts"), "database.max_row_attempts"),
        VerdictCacheSettings.fromJson(json.getJsonObject("verdict_cache")),
        BudgetSettings.fromJson(json.getJsonObject("budget"), allNames),
        MessageBatchSettings.fromJson(json.getJsonObject("message_batches"), allNames));
  }
}
