package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
}
