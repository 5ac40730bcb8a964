package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.config.ClusterTls;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.PipelineProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code run --cluster} JVMs with {@code cluster.tls.*} (one PKCS12 key pair for the cluster, generated here with
 * the JDK's {@code keytool}), and clustered Vert.x instances in the test JVM joining the same Hazelcast membership:
 * without the cluster's certificate (none, or one of their own) they can neither pause the pipelines nor overhear a
 * pause; with it they can. Hazelcast's member port itself is not covered: they do join the membership.
 */
@IntegrationTest
class ClusterMutualTlsTest {

  static final String PASSWORD = "cluster-store-pass";
  static final String PIPELINE = "review-moderator";
  final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile())
        .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("keytool " + cmd).isTrue();
  }

  /** A PKCS12 keystore with a fresh EC key pair and its self-signed certificate. */
  Path keyPair(String name) throws Exception {
    Path store = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD);
    return store;
  }

  /**
   * A clustered Vert.x in this JVM joining the members' Hazelcast cluster, with the given event-bus options; a lite
   * member (no partitions to migrate, so it joins and leaves quickly), which any process reaching the port can be.
   */
  static Future<Vertx> join(String clusterName, String members, EventBusOptions bus) throws Exception {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(clusterName).setLiteMember(true);
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "1");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(freePort()).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    JoinConfig joining = net.getJoin();
    joining.getMulticastConfig().setEnabled(false);
    joining.getAutoDetectionConfig().setEnabled(false);
    joining.getTcpIpConfig().setEnabled(true).setMembers(List.of(members.split(",")));
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(bus.setHost("127.0.0.1").setPort(0)))
        .withClusterManager(new HazelcastClusterManager(hz)).buildClustered();
  }

  /** Registers a consumer of the pause address on {@code node} that records what reaches it. */
  static void overhear(Vertx node, List<JsonObject> heard) {
    node.eventBus().<JsonObject>consumer(Addresses.CONTROL, m -> heard.add(m.body())).completion().await();
  }

  static JsonObject pause(String by) {
    return new JsonObject().put("action", "pause").put("pipeline", PIPELINE).put("reason", "admin").put("by", by);
  }

  JsonObject get(int port, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer test-admin-token").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " → " + r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  boolean paused(int port) throws Exception {
    return get(port, "/api/pipelines").getJsonArray("pipelines").getJsonObject(0).getBoolean("paused");
  }

  /** Names of the nodes that answered this node's stats request (over the event bus). */
  Set<String> answering(int port) throws Exception {
    Set<String> names = new TreeSet<>();
    get(port, "/api/stats").getJsonArray("nodes").forEach(n -> {
      JsonObject node = (JsonObject) n;
      if (!node.containsKey("error")) {
        names.add(node.getString("name"));
      }
    });
    return names;
  }

  /** Hazelcast members as this node counts them. */
  int members(int port) throws Exception {
    return get(port, "/api/stats").getJsonObject("cluster").getInteger("members");
  }

  @Test
  @DisplayName("mutual TLS on the event bus: nodes without the cluster's certificate join Hazelcast but cannot pause the pipelines or overhear a pause; a node with it pauses both JVMs")
  void onlyNodesWithTheClusterCertificateUseTheEventBus() throws Exception {
    Path keystore = keyPair("cluster");
    Path cert = dir.resolve("cluster.crt");
    Path truststore = dir.resolve("truststore.p12");
    keytool("-exportcert", "-rfc", "-alias", "cluster", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "cluster", "-file", cert.toString(), "-storetype", "PKCS12",
        "-keystore", truststore.toString(), "-storepass", PASSWORD);
    Path ownKey = keyPair("intruder");

    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c)) {
      int hzA = freePort();
      int hzB = freePort();
      String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
      String cluster = "tls-" + h.run;
      Map<String, String> tls = Map.of("CLUSTER_HOST", "127.0.0.1", "CLUSTER_MEMBERS", members, "CLUSTER_NAME", cluster,
          "CLUSTER_TLS_ENABLED", "true", "CLUSTER_TLS_KEYSTORE", keystore.toString(),
          "CLUSTER_TLS_KEYSTORE_PASSWORD", PASSWORD, "CLUSTER_TLS_TRUSTSTORE", truststore.toString(),
          "CLUSTER_TLS_TRUSTSTORE_PASSWORD", PASSWORD);
      Map<String, String> envA = new HashMap<>(tls);
      envA.putAll(Map.of("CLUSTER_PORT", String.valueOf(hzA), "NODE_NAME", "node-a"));
      Map<String, String> envB = new HashMap<>(tls);
      envB.putAll(Map.of("CLUSTER_PORT", String.valueOf(hzB), "NODE_NAME", "node-b"));
      List<String> sets = List.of("kafka.session_timeout_ms=6000", "cluster.heartbeat_timeout_s=5",
          "pipelines.0.buffer.max_wait_ms=300");
      try (PipelineProcess a = PipelineProcess.start(h, "tls-a", List.of("-Xmx256m"), sets, envA, List.of("--cluster"));
           PipelineProcess b = PipelineProcess.start(h, "tls-b", List.of("-Xmx256m"), sets, envB, List.of("--cluster"))) {
        int portA = a.adminPort(120_000);
        int portB = b.adminPort(120_000);
        assertThat(a.logContains("eventbus_tls=true")).isTrue();
        // three more members join Hazelcast: an intruder with a plain event bus, one with TLS and a certificate of its
        // own that trusts any server, and a node with the cluster's certificate
        List<Future<Vertx>> joining = List.of(
            join(cluster, members, new EventBusOptions()),
            join(cluster, members, new EventBusOptions().setSsl(true).setTrustAll(true)
                .setKeyCertOptions(new PfxOptions().setPath(ownKey.toString()).setPassword(PASSWORD))),
            join(cluster, members, new ClusterTls(true, keystore.toString(), PASSWORD, truststore.toString(), PASSWORD)
                .applyTo(new EventBusOptions())));
        try {
          // meanwhile A asks B for its stats over the event bus, and B answers: TLS both ways between the nodes
          await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
              .until(() -> answering(portA).containsAll(Set.of("node-a", "node-b")));
          List<Vertx> started = Future.all(joining).await().list();
          List<Vertx> intruders = started.subList(0, 2);
          Vertx trusted = started.get(2);
          await().atMost(Duration.ofSeconds(30)).until(() -> members(portA) == 5);

          // each intruder listens on the pause address and publishes a pause: the pipelines keep consuming and
          // neither node reports a pause
          List<JsonObject> overheard = new CopyOnWriteArrayList<>();
          intruders.forEach(node -> overhear(node, overheard));
          intruders.forEach(node -> node.eventBus().publish(Addresses.CONTROL, pause("intruder")));
          h.produceValid(50, 901);
          await().atMost(Duration.ofSeconds(60)).until(() -> h.resultsById().size() == 50);
          await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> !paused(portA) && !paused(portB));

          // the node with the cluster's certificate sends the same message: both JVMs pause and stop consuming
          trusted.eventBus().publish(Addresses.CONTROL, pause("trusted"));
          await().atMost(Duration.ofSeconds(15)).until(() -> paused(portA) && paused(portB));
          await().atMost(Duration.ofSeconds(10)).until(() -> get(portA, "/api/stats").getJsonArray("nodes").stream()
              .map(n -> (JsonObject) n).filter(n -> !n.containsKey("error")).allMatch(n -> n.getJsonObject("paused")
                  .getJsonArray(PIPELINE, new JsonArray()).contains("admin")));
          h.produceValid(20, 902);
          await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> h.resultsById().size() == 50);
          // what reached the intruders' consumers: their own pauses, never the trusted node's
          assertThat(overheard).extracting(m -> m.getString("by")).containsOnly("intruder");
        } finally {
          // leave while the pipeline nodes are still up, together
          Future.join(joining.stream().map(f -> f.compose(Vertx::close).otherwiseEmpty()).toList()).await();
        }
      }
    }
  }
}
