package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  static JsonObject raw() {
    return new JsonObject()
        .put("kafka", new JsonObject().put("commit_interval_ms", 1000))
        .put("pipelines", new JsonArray().add(new JsonObject().put("name", "a").put("group_id", "a")));
  }

  @Test
  @DisplayName("--set types values like YAML scalars and reaches into arrays by index")
  void setTypesValuesAndIndexesArrays() {
    JsonObject json = raw();
    ConfigLoader.set(json, "kafka.commit_interval_ms=250");
    ConfigLoader.set(json, "kafka.big=5000000000");
    ConfigLoader.set(json, "anthropic.chars_per_token=3.2");
    ConfigLoader.set(json, "admin.enabled=true");
    ConfigLoader.set(json, "admin.token=abc");
    ConfigLoader.set(json, "pipelines.0.group_id=b-group");
    assertThat(json.getJsonObject("kafka").getValue("commit_interval_ms")).isEqualTo(250);
    assertThat(json.getJsonObject("kafka").getValue("big")).isEqualTo(5_000_000_000L);
    assertThat(json.getJsonObject("anthropic").getValue("chars_per_token")).isEqualTo(3.2);
    assertThat(json.getJsonObject("admin").getValue("enabled")).isEqualTo(true);
    assertThat(json.getJsonObject("admin").getValue("token")).isEqualTo("abc");
    assertThat(json.getJsonArray("pipelines").getJsonObject(0).getString("group_id")).isEqualTo("b-group");
  }

  @Test
  @DisplayName("--set rejects an assignment without '=' and an array index that does not exist")
  void setRejectsBadAssignments() {
    assertThatThrownBy(() -> ConfigLoader.set(raw(), "kafka.commit_interval_ms"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key=value");
    assertThatThrownBy(() -> ConfigLoader.set(raw(), "pipelines.3.group_id=x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such key");
  }

  @Test
  @DisplayName("environment variables override their keys and ANTHROPIC_API_KEY comes first among the keys")
  void environmentOverrides() {
    JsonObject json = ConfigLoader.applyEnv(raw(), Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "k:9092", "HTTP_PORT", "9000",
        "ANTHROPIC_API_KEYS", "k2, k3", "ANTHROPIC_API_KEY", "k1"));
    assertThat(json.getJsonObject("kafka").getString("bootstrap_servers")).isEqualTo("k:9092");
    assertThat(json.getJsonObject("http").getValue("port")).isEqualTo(9000);
    assertThat(json.getJsonObject("anthropic").getJsonArray("api_keys").getList()).containsExactly("k1", "k2", "k3");
  }

  static AppConfig load(Vertx vertx, JsonObject overrides, List<String> sets) throws Exception {
    return ConfigLoader.load(vertx, ConfigLoader.DEFAULT_PATH, Map.of(), overrides, sets)
        .toCompletionStage().toCompletableFuture().get();
  }

  static Throwable cause(Throwable t) {
    return t instanceof java.util.concurrent.ExecutionException e ? e.getCause() : t;
  }

  @Test
  @DisplayName("an unknown configuration key refuses the start with a message naming the key and the nearest valid one")
  void unknownKeysRefused() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      assertThatThrownBy(() -> load(vertx, new JsonObject(), List.of("kafka.bootstrap_server=k:9092")))
          .extracting(ConfigLoaderTest::cause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown configuration key 'kafka.bootstrap_server'")
          .hasMessageContaining("did you mean 'kafka.bootstrap_servers'?");
      assertThatThrownBy(() -> load(vertx, new JsonObject().put("anthropic", new JsonObject()
          .put("circuit_breaker", new JsonObject().put("probe_ms", 1000).put("treshold", 2))), List.of()))
          .extracting(ConfigLoaderTest::cause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
          .hasMessageContaining("'anthropic.circuit_breaker.treshold'");
      assertThatThrownBy(() -> load(vertx, new JsonObject(), List.of("pipelines.0.buffer.max_wait=10")))
          .extracting(ConfigLoaderTest::cause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
          .hasMessageContaining("'pipelines[].buffer.max_wait'").hasMessageContaining("max_wait_ms");
      assertThatThrownBy(() -> load(vertx, new JsonObject().put("models", new JsonObject()
          .put("claude-sonnet-5-5", new JsonObject().put("effrt", "low"))), List.of()))
          .extracting(ConfigLoaderTest::cause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
          .hasMessageContaining("'models.*.effrt'").hasMessageContaining("effort");
      // names the operator chooses are accepted: a new model profile, a tier, a drift bound for a pipeline
      AppConfig ok = load(vertx, new JsonObject()
          .put("models", new JsonObject().put("claude-next-1", ModelProfilesTest.profile("json_schema", "omit")))
          .put("alerts", new JsonObject().put("routing_drift", new JsonObject().put("bounds",
              new JsonObject().put("review-moderator", new JsonObject().put("balanced", 0.5))))),
          List.of("tiers.fast=claude-next-1"));
      assertThat(ok.modelFor("fast")).isEqualTo("claude-next-1");
      assertThat(ok.alerts().driftBounds().get("review-moderator")).containsEntry("balanced", 0.5);
    } finally {
      vertx.close();
    }
  }

  @Test
  @DisplayName("a key the file leaves out takes the shipped default; a key set to nothing refuses the start")
  void defaultsFromTheDeclaration() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig partial = load(vertx, new JsonObject().put("kafka", new JsonObject().put("events_partitions", 6)),
          List.of());
      assertThat(partial.kafka().eventsPartitions()).isEqualTo(6);
      assertThat(partial.kafka().eventsTopic()).as("left out: the shipped value")
          .isEqualTo(Declaration.shipped().getJsonObject("kafka").getString("events_topic"));
      JsonObject nothing = new JsonObject().put("kafka", new JsonObject().putNull("commit_interval_ms"));
      assertThatThrownBy(() -> load(vertx, nothing, List.of()))
          .extracting(ConfigLoaderTest::cause).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'kafka.commit_interval_ms' has no value");
      JsonObject entry = Declaration.shipped().getJsonArray("pipelines").getJsonObject(0).copy();
      entry.remove("buffer");
      entry.remove("output_chars_per_item");
      AppConfig one = load(vertx, new JsonObject().put("pipelines", new io.vertx.core.json.JsonArray().add(entry)),
          List.of());
      assertThat(one.pipelines()).hasSize(1);
      assertThat(one.pipelines().get(0).buffer().maxSize()).as("entry default")
          .isEqualTo(PipelineConfig.ENTRY_DEFAULTS.getJsonObject("buffer").getInteger("max_size"));
      assertThat(one.pipelines().get(0).outputCharsPerItem())
          .isEqualTo(PipelineConfig.ENTRY_DEFAULTS.getInteger("output_chars_per_item"));
    } finally {
      vertx.close();
    }
  }
}
