package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** API keys go over https, or over plain http to loopback only, unless {@code anthropic.allow_insecure_http}. */
class ClaudeSettingsTest {

  static JsonObject anthropic(String baseUrl, boolean withKey) {
    return new JsonObject().put("base_url", baseUrl)
        .put("api_keys", withKey ? new JsonArray().add("sk-ant-test") : new JsonArray());
  }

  @Test
  @DisplayName("a key over plain http to another host refuses the start, naming anthropic.allow_insecure_http")
  void keyOverHttpToAnotherHostRefused() {
    for (String url : new String[] {"http://simulator:4010", "http://10.0.0.7", "http://127.0.0.1.example.com",
        "HTTP://api.example.com/v1"}) {
      assertThatThrownBy(() -> ClaudeSettings.fromJson(anthropic(url, true))).as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("anthropic.base_url (ANTHROPIC_BASE_URL) is plain http to")
          .hasMessageContaining("anthropic.allow_insecure_http=true")
          .message().doesNotContain("sk-ant-test");
    }
  }

  @Test
  @DisplayName("https anywhere, http to 127.0.0.0/8, ::1 or localhost, and http without a key are accepted")
  void safeEndpointsAccepted() {
    for (String url : new String[] {"https://api.anthropic.com", "https://proxy.internal:8443", "http://127.0.0.1:4010",
        "http://127.5.6.7", "http://[::1]:4010", "http://localhost:4010", "http://LOCALHOST"}) {
      assertThat(ClaudeSettings.fromJson(anthropic(url, true)).apiKeys()).as(url).containsExactly("sk-ant-test");
    }
    assertThat(ClaudeSettings.fromJson(anthropic("http://simulator:4010", false)).baseUrl())
        .isEqualTo("http://simulator:4010");
  }

  @Test
  @DisplayName("anthropic.allow_insecure_http=true lets a key go over plain http to another host")
  void explicitlyAllowed() {
    ClaudeSettings s = ClaudeSettings.fromJson(anthropic("http://proxy.internal:8080", true)
        .put("allow_insecure_http", true));
    assertThat(s.baseUrl()).isEqualTo("http://proxy.internal:8080");
  }
}
