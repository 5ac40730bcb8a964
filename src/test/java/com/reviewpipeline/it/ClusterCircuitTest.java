package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.PipelineProcess;
import com.reviewpipeline.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pauses and alerts raised by one node's circuit name that node, so another node's circuit closing neither resumes
 * the pipeline it holds nor resolves its alert. Two clustered JVMs, each calling its own simulator: both circuits
 * open, A's API heals (its circuit closes), B's does not.
 */
@IntegrationTest
class ClusterCircuitTest {

  static final List<String> JVM = List.of("-Xmx256m");
  final HttpClient http = HttpClient.newHttpClient();

  JsonObject stats(int port) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stats"))
        .header("Authorization", "Bearer test-admin-token").build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  /** Node name → the moderator's pause reasons on that node, as any node's /api/stats lists them. */
  Map<String, Set<String>> pausesByNode(int port) throws Exception {
    Map<String, Set<String>> out = new java.util.HashMap<>();
    for (Object o : stats(port).getJsonArray("nodes")) {
      JsonObject n = (JsonObject) o;
      Set<String> reasons = new TreeSet<>();
      n.getJsonObject("paused", new JsonObject()).getJsonArray("review-moderator", new JsonArray())
          .forEach(r -> reasons.add((String) r));
      out.put(n.getString("name"), reasons);
    }
    return out;
  }

  /** The circuit alert keys the webhook received, in order of first appearance. */
  static List<String> circuitKeys(WebhookReceiver hook) {
    List<String> keys = new ArrayList<>();
    hook.received.stream().map(m -> m.getJsonObject("alert")).filter(a -> a != null
        && a.getString("key", "").startsWith("circuit_open:")).map(a -> a.getString("key"))
        .forEach(k -> {
          if (!keys.contains(k)) {
            keys.add(k);
          }
        });
    return keys;
  }

  @Test
  @DisplayName("two nodes, both circuits open, then node A's closes while node B's stays open: B's reason keeps the pipeline paused, each node's alert fires once and resolves once, every event judged")
  void oneNodesCircuitClosingResumesOnlyWhatItPaused() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 20, c -> c);
         WebhookReceiver hook = new WebhookReceiver()) {
      ClaudeSimulator simB = new ClaudeSimulator(0, SimulatorSettings.defaults(20, 0));
      PipelineHarness.await(h.simVertx.deployVerticle(simB));
      JsonObject failing = new JsonObject().put("fail_status", 404).put("fail_count", -1);
      JsonObject healthy = new JsonObject().put("fail_status", 0);
      h.sim.configure(failing);
      simB.configure(failing);
      String model = h.config.modelFor("balanced");
      List<String> sets = List.of(
          "kafka.session_timeout_ms=6000",
          "cluster.heartbeat_timeout_s=5",
          "pipelines.0.buffer.max_wait_ms=300",
          "pipelines.0.cascade.enabled=false",
          "pipelines.0.shadow.sample_share=0",
          "pipelines.0.shadow.unproven_sample_share=0",
          // one tier, so one circuit per node: (review-moderator, the balanced model)
          "tiers.fast=" + model,
          "tiers.deep=" + model,
          "anthropic.circuit_breaker.failure_threshold=3",
          "anthropic.circuit_breaker.probe_ms=1000",
          "alerts.check_interval_ms=500",
          "verdict_cache.enabled=false");
      int hzA = ClusterTest.freePort();
      int hzB = ClusterTest.freePort();
      String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
      Map<String, String> envA = Map.of("CLUSTER_HOST", "127.0.0.1", "CLUSTER_PORT", String.valueOf(hzA),
          "CLUSTER_MEMBERS", members, "CLUSTER_NAME", "circuit-" + h.run, "NODE_NAME", "node-a",
          "ALERT_WEBHOOKS", hook.url());
      Map<String, String> envB = Map.of("CLUSTER_HOST", "127.0.0.1", "CLUSTER_PORT", String.valueOf(hzB),
          "CLUSTER_MEMBERS", members, "CLUSTER_NAME", "circuit-" + h.run, "NODE_NAME", "node-b",
          "ALERT_WEBHOOKS", hook.url(), "ANTHROPIC_BASE_URL", simB.baseUrl());
      try (PipelineProcess a = PipelineProcess.start(h, "circuit-a", JVM, sets, envA, List.of("--cluster"));
           PipelineProcess b = PipelineProcess.start(h, "circuit-b", JVM, sets, envB, List.of("--cluster"))) {
        int portA = a.adminPort(120_000);
        b.adminPort(120_000);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> ClusterTest.splitBetween(new ClusterTest().partitionsByNode(portA), "node-a", "node-b"));
        Map<String, ReviewEvent> sent = h.produceValid(300, 71);

        // both circuits open: one alert per node, each named after it; both nodes paused by both reasons
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
            .until(() -> circuitKeys(hook).size() == 2);
        String nodeA = stats(portA).getJsonObject("cluster").getString("node_id");
        String keyA = "circuit_open:review-moderator:" + model + "@" + nodeA;
        List<String> keys = circuitKeys(hook);
        assertThat(keys).contains(keyA);
        String keyB = keys.stream().filter(k -> !k.equals(keyA)).findFirst().orElseThrow();
        String reasonA = "circuit_open:" + model + "@" + nodeA;
        String reasonB = "circuit_open:" + model + keyB.substring(keyB.indexOf('@'));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> pausesByNode(portA)
            .values().stream().allMatch(r -> r.containsAll(Set.of(reasonA, reasonB))));

        // A's API heals: A's circuit closes and lifts A's reason everywhere; B's reason holds both nodes
        h.sim.configure(healthy);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
            .until(() -> hook.statuses(keyA).contains("resolved"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> pausesByNode(portA)
            .values().stream().noneMatch(r -> r.contains(reasonA)));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300))
            .until(() -> pausesByNode(portA).get("node-b").contains(reasonB) && hook.statuses(keyB).equals(List.of("firing")));

        simB.configure(healthy);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
            .until(() -> h.resultsById().keySet().containsAll(sent.keySet()));
        await().atMost(Duration.ofSeconds(10)).until(() -> hook.statuses(keyB).contains("resolved"));
        assertThat(hook.statuses(keyA)).as("node A's alert").containsExactly("firing", "resolved");
        assertThat(hook.statuses(keyB)).as("node B's alert").containsExactly("firing", "resolved");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300))
            .until(() -> pausesByNode(portA).values().stream().allMatch(Set::isEmpty));
        Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
        System.out.printf("cluster circuits: %s then %s, each fired and resolved once%n", keyA, keyB);
      }
    }
  }
}
