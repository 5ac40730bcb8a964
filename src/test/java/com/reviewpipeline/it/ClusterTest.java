package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.PipelineProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two {@code run --cluster} JVMs on loopback (Hazelcast, TCP/IP member list) against the test's broker and
 * simulator; the simulator enforces one request budget for the API key both nodes share.
 */
@IntegrationTest
class ClusterTest {

  static final List<String> JVM = List.of("-Xmx256m");
  static final int RPM = 120;
  static final int RATE_LIMITED_EVENTS = 135;
  static final List<String> SETS = List.of(
      "kafka.session_timeout_ms=6000",
      "kafka.commit_interval_ms=1000",
      "cluster.heartbeat_timeout_s=5",
      "pipelines.0.buffer.max_wait_ms=300",
      // a lag of 100 events raises a warning at once; both nodes measure every 500 ms
      "alerts.check_interval_ms=500",
      "alerts.lag_warning.threshold=100",
      "alerts.lag_warning.for_ms=0",
      "alerts.summary_interval_ms=2000",
      // the phases count requests against the shared key's budget; the generated mix's repeated texts would be
      // answered by the verdict cache (SharedVerdictsClusterTest covers the cache across nodes)
      "verdict_cache.enabled=false");

  final HttpClient http = HttpClient.newHttpClient();

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  HttpResponse<String> call(int port, String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer test-admin-token")
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject get(int port, String path) throws Exception {
    HttpResponse<String> r = call(port, "GET", path);
    assertThat(r.statusCode()).as(path + " → " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** Node name → moderator partitions, as any node's /api/stats lists them. */
  Map<String, Set<Integer>> partitionsByNode(int port) throws Exception {
    Map<String, Set<Integer>> out = new HashMap<>();
    for (Object o : get(port, "/api/stats").getJsonArray("nodes")) {
      JsonObject n = (JsonObject) o;
      JsonArray parts = n.getJsonObject("partitions", new JsonObject()).getJsonArray("review-moderator", new JsonArray());
      Set<Integer> set = new TreeSet<>();
      parts.forEach(p -> set.add((Integer) p));
      out.put(n.getString("name", n.getString("node_id")), set);
    }
    return out;
  }

  static boolean splitBetween(Map<String, Set<Integer>> byNode, String... names) {
    Set<Integer> all = new HashSet<>();
    for (String n : names) {
      if (byNode.getOrDefault(n, Set.of()).isEmpty()) {
        return false;
      }
      all.addAll(byNode.get(n));
    }
    return byNode.size() == names.length && all.size() == 12;
  }

  /** Events judged by the moderator according to every summary received so far. */
  static long summaryEvents(List<JsonObject> received) {
    return received.stream().map(m -> m.getJsonObject("summary")).filter(s -> s != null
        && "review-moderator".equals(s.getString("pipeline"))).mapToLong(s -> s.getLong("events")).sum();
  }

  /** Webhook messages about one alert key, in arrival order: "firing" or "resolved". */
  static List<String> alertStatuses(List<JsonObject> received, String key) {
    return received.stream().map(m -> m.getJsonObject("alert", new JsonObject()))
        .filter(a -> key.equals(a.getString("key"))).map(a -> a.getString("status")).toList();
  }

  long moderatorResults(PipelineHarness h) {
    return h.resultsById().size();
  }

  @Test
  @DisplayName("two clustered JVMs: both get partitions, pause through A stops B, the lag warning comes once from the service, not once per node, stats list both nodes, kill -9 of B moves every partition to A, B rejoins and gets partitions back; every event has a result, none dead-lettered, 429s from the shared key stay a small fraction")
  void twoNodesActAsOneService() throws Exception {
    long requests;
    long limited;
    // one alert webhook for both nodes
    List<JsonObject> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    hook.createContext("/hook", ex -> {
      alerts.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    hook.start();
    String hookUrl = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 20, c -> c)) {
      String lagKey = "lag_warning:" + h.group();
      // every tier on one model, so that every request spends the one budget (the API pools limits per model class)
      List<String> sets = new java.util.ArrayList<>(SETS);
      sets.add("tiers.fast=" + h.config.modelFor("balanced"));
      sets.add("tiers.deep=" + h.config.modelFor("balanced"));
      // one call per review, as the RPM arithmetic of this test assumes: no cascade escalations, no shadow samples
      sets.add("pipelines.0.cascade.enabled=false");
      sets.add("pipelines.0.shadow.sample_share=0");
      // one budget for the key both nodes use, from the start (the API reports it with every answer)
      h.sim.configure(new JsonObject().put("requests_per_minute", RPM));
      int hzA = freePort();
      int hzB = freePort();
      String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
      Map<String, String> envA = Map.of("CLUSTER_HOST", "127.0.0.1", "CLUSTER_PORT", String.valueOf(hzA),
          "CLUSTER_MEMBERS", members, "CLUSTER_NAME", "it-" + h.run, "NODE_NAME", "node-a", "ALERT_WEBHOOKS", hookUrl);
      Map<String, String> envB = Map.of("CLUSTER_HOST", "127.0.0.1", "CLUSTER_PORT", String.valueOf(hzB),
          "CLUSTER_MEMBERS", members, "CLUSTER_NAME", "it-" + h.run, "NODE_NAME", "node-b", "ALERT_WEBHOOKS", hookUrl);
      try (PipelineProcess a = PipelineProcess.start(h, "cluster-a", JVM, sets, envA, List.of("--cluster"));
           PipelineProcess b = PipelineProcess.start(h, "cluster-b", JVM, sets, envB, List.of("--cluster"))) {
        int portA = a.adminPort(120_000);
        int portB = b.adminPort(120_000);

        // both nodes consume: the group splits the 12 partitions, any node's stats list both
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> splitBetween(partitionsByNode(portA), "node-a", "node-b"));
        JsonObject statsB = get(portB, "/api/stats");
        assertThat(statsB.getJsonObject("cluster").getInteger("members")).isEqualTo(2);
        assertThat(statsB.getJsonObject("cluster").getBoolean("enabled")).isTrue();
        h.produceValid(600, 801);
        await().atMost(Duration.ofSeconds(90)).until(() -> moderatorResults(h) == 600);
        JsonObject stats = get(portA, "/api/stats");
        long processedOnNodes = stats.getJsonArray("nodes").stream()
            .mapToLong(n -> ((JsonObject) n).getJsonObject("totals").getLong("processed")).sum();
        assertThat(stats.getJsonObject("totals").getLong("processed")).as("cluster totals = sum of the nodes")
            .isEqualTo(processedOnNodes).isGreaterThanOrEqualTo(600);
        assertThat(stats.getJsonArray("nodes").stream().allMatch(n -> ((JsonObject) n).getJsonObject("totals")
            .getLong("processed") > 0)).as("both nodes processed events").isTrue();
        // the cost summary is summed over both nodes and sent by one: its events add up to the 600, once
        await().atMost(Duration.ofSeconds(15)).until(() -> summaryEvents(alerts) >= 600);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> summaryEvents(alerts) == 600);

        // pause through A stops B too
        assertThat(call(portA, "POST", "/api/pipelines/review-moderator/pause").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> get(portB, "/api/pipelines").getJsonArray("pipelines")
            .getJsonObject(0).getBoolean("paused"));
        await().atMost(Duration.ofSeconds(10)).until(() -> get(portA, "/api/stats").getJsonArray("nodes").stream()
            .allMatch(n -> ((JsonObject) n).getJsonObject("paused").getJsonArray("review-moderator", new JsonArray())
                .contains("admin")));
        // the first 600 events may have raised and cleared it already: count from here
        await().atMost(Duration.ofSeconds(10)).until(() -> alertStatuses(alerts, lagKey).size() % 2 == 0);
        int alertsBefore = alertStatuses(alerts, lagKey).size();
        h.produceValid(200, 802);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> moderatorResults(h) == 600);
        // the group's lag (200) is over the warning threshold: the service alerts once, not once per node
        await().atMost(Duration.ofSeconds(10)).until(() -> alertStatuses(alerts, lagKey).size() > alertsBefore);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> {
          List<String> all = alertStatuses(alerts, lagKey);
          return all.subList(alertsBefore, all.size()).equals(List.of("firing"));
        });
        assertThat(call(portB, "POST", "/api/pipelines/review-moderator/resume").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> moderatorResults(h) == 800);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          List<String> all = alertStatuses(alerts, lagKey);
          return all.subList(alertsBefore, all.size()).equals(List.of("firing", "resolved"));
        });

        // kill -9 of B: A takes every partition and finishes the work
        b.kill();
        h.produceValid(400, 803);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> {
              Map<String, Set<Integer>> p = partitionsByNode(portA);
              return p.size() == 1 && p.getOrDefault("node-a", Set.of()).size() == 12;
            });
        await().atMost(Duration.ofSeconds(90)).until(() -> moderatorResults(h) == 1200);

        // B comes back and gets partitions again
        try (PipelineProcess b2 = PipelineProcess.start(h, "cluster-b2", JVM, sets, envB, List.of("--cluster"))) {
          b2.adminPort(120_000);
          await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
              .until(() -> splitBetween(partitionsByNode(portA), "node-a", "node-b"));
          h.produceValid(200, 804);
          await().atMost(Duration.ofSeconds(60)).until(() -> moderatorResults(h) == 1400);

          // one request budget for the key both nodes use: buffers of 1 (set once, through B, for the whole
          // cluster) and more requests than the budget holds, so both nodes have to wait for it
          HttpResponse<String> tuned = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portA
              + "/api/pipelines/review-moderator/buffer")).header("Authorization", "Bearer test-admin-token")
              .PUT(HttpRequest.BodyPublishers.ofString("{\"max_size\": 1}")).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(tuned.statusCode()).as(tuned.body()).isEqualTo(200);
          int portB2 = b2.adminPort(1000);
          await().atMost(Duration.ofSeconds(5)).until(() -> get(portB2, "/api/pipelines/review-moderator/buffer")
              .getInteger("max_size") == 1);
          JsonObject before = h.sim.stats();
          long t0 = System.nanoTime();
          h.produceValid(RATE_LIMITED_EVENTS, 805);
          // at the budget's refill rate alone this takes RATE_LIMITED_EVENTS / (RPM / 60) = 68 s; after a 429 a node
          // uses half its share until accepted requests win it back, so allow three times that
          try {
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> moderatorResults(h) == 1400 + RATE_LIMITED_EVENTS);
          } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("rate-limited phase unfinished after " + Math.round((System.nanoTime() - t0) / 1e9)
                + " s: " + (moderatorResults(h) - 1400) + " of " + RATE_LIMITED_EVENTS + " results; simulator "
                + h.sim.stats().encode() + "; node A keys " + get(portA, "/api/stats").getValue("api_keys"), e);
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          JsonObject after = h.sim.stats();
          long phaseRequests = after.getLong("requests") - before.getLong("requests");
          long phaseLimited = after.getJsonObject("by_status").getLong("429", 0L)
              - before.getJsonObject("by_status").getLong("429", 0L);
          requests = after.getLong("requests");
          limited = after.getJsonObject("by_status").getLong("429", 0L);
          System.out.printf("cluster: %d events as %d requests in %.1f s under one %d RPM budget shared by two nodes:"
              + " %d answered 429 (%.1f%%); whole test: %d requests, %d answered 429 (%.1f%%)%n", RATE_LIMITED_EVENTS,
              phaseRequests, seconds, RPM, phaseLimited, 100.0 * phaseLimited / Math.max(1, phaseRequests),
              requests, limited, 100.0 * limited / Math.max(1, requests));
          assertThat(phaseRequests).as("more requests than the budget holds").isGreaterThan(RPM);
          b2.terminate(60_000);
        }
        a.terminate(60_000);
      }
      // later phases (the kill, the rate-limited backlog) breach it again; whichever node is the oldest member
      // then, the warning alternates: never two firings in a row from two nodes
      List<String> statuses = alertStatuses(alerts, lagKey);
      for (int i = 0; i < statuses.size(); i++) {
        assertThat(statuses.get(i)).as("lag alert sequence " + statuses).isEqualTo(i % 2 == 0 ? "firing" : "resolved");
      }
      assertThat(h.dlqRecords()).as("nothing dead-lettered, none for rate limits").isEmpty();
      assertThat((double) limited / requests).as("429 share of all requests").isLessThan(0.10);
    } finally {
      hook.stop(0);
    }
  }
}
