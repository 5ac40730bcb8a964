package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The simulator's control endpoints ({@code /_sim/*}) over HTTP: with a control token they need
 * {@code Authorization: Bearer <token>} (else 401 JSON), the Messages API does not; beyond loopback a token is
 * required to start; on loopback without one they stay open.
 */
class SimulatorControlTokenTest {

  static final String TOKEN = "sim-control-token";
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static Vertx vertx;
  static ClaudeSimulator guarded;
  static ClaudeSimulator open;

  @BeforeAll
  static void startSimulators() {
    vertx = Vertx.vertx();
    guarded = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0)).controlToken(TOKEN);
    open = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0));
    vertx.deployVerticle(guarded).await();
    vertx.deployVerticle(open).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static HttpResponse<String> send(ClaudeSimulator sim, String method, String path, String authorization, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .header("x-api-key", "sk-test").header("anthropic-version", "2023-06-01")
        .header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("with a token: /_sim/config and /_sim/stats without it, or with a wrong one, are 401 JSON and change nothing")
  void withoutTheTokenRefused() throws Exception {
    String knob = new JsonObject().put("fail_status", 500).encode();
    for (String auth : new String[] {null, "Bearer wrong-token", TOKEN}) {
      HttpResponse<String> r = send(guarded, "POST", "/_sim/config", auth, knob);
      assertThat(r.statusCode()).as(auth).isEqualTo(401);
      assertThat(new JsonObject(r.body()).getInteger("status")).isEqualTo(401);
      assertThat(new JsonObject(r.body()).getString("error")).endsWith("bearer token");
    }
    assertThat(send(guarded, "GET", "/_sim/config", null, null).statusCode()).isEqualTo(401);
    assertThat(send(guarded, "GET", "/_sim/stats", "Bearer wrong-token", null).statusCode()).isEqualTo(401);
    assertThat(guarded.settings().failStatus()).as("knob unchanged").isZero();
  }

  @Test
  @DisplayName("with a token: the right bearer token changes the knobs; /v1/messages needs only the API key")
  void withTheTokenAccepted() throws Exception {
    HttpResponse<String> r = send(guarded, "POST", "/_sim/config", "Bearer " + TOKEN,
        new JsonObject().put("latency_ms", 2).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(guarded.settings().latencyMs()).isEqualTo(2);
    assertThat(send(guarded, "GET", "/_sim/stats", "Bearer " + TOKEN, null).statusCode()).isEqualTo(200);
    HttpResponse<String> count = send(guarded, "POST", "/v1/messages/count_tokens", null, new JsonObject()
        .put("model", "claude-haiku-4-5").put("messages", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("role", "user").put("content", "hello"))).encode());
    assertThat(count.statusCode()).as(count.body()).isEqualTo(200);
  }

  @Test
  @DisplayName("on loopback without a token the control endpoints stay open (the tests rely on it)")
  void loopbackWithoutTokenOpen() throws Exception {
    HttpResponse<String> r = send(open, "POST", "/_sim/config", null, new JsonObject().put("latency_ms", 3).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(open.settings().latencyMs()).isEqualTo(3);
  }

  @Test
  @DisplayName("bound beyond loopback without a token the simulator refuses to start, saying how to give one")
  void beyondLoopbackWithoutTokenRefused() {
    ClaudeSimulator exposed = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0)).bindTo("0.0.0.0");
    assertThatThrownBy(() -> vertx.deployVerticle(exposed).await())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listen on 0.0.0.0, beyond loopback, without a control token")
        .hasMessageContaining("--control-token").hasMessageContaining("SIMULATOR_CONTROL_TOKEN");
    assertThatThrownBy(() -> ControlGuard.requireTokenBeyondLoopback("10.1.2.3", ""))
        .isInstanceOf(IllegalArgumentException.class);
    ControlGuard.requireTokenBeyondLoopback("0.0.0.0", TOKEN);
    ControlGuard.requireTokenBeyondLoopback("::1", "");
  }
}
