package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NetworkConfig;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.cache.CachedVerdict;
import com.reviewpipeline.cache.ClusterVerdicts;
import com.reviewpipeline.cache.VerdictCache;
import com.reviewpipeline.cache.VerdictKeys;
import com.reviewpipeline.cache.VerdictKeys.Keys;
import com.reviewpipeline.cache.VerdictKeys.Kind;
import com.reviewpipeline.cache.VerdictLookup;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cluster-wide half of the verdict cache: two Hazelcast-clustered Vert.x in this JVM, each with its own node cache
 * in front of the members' shared map, configured as {@code run --cluster} configures it.
 */
@IntegrationTest(beside = true)
class SharedVerdictsClusterTest {

  static final int MAX_ENTRIES = 1000;
  static final long TTL_MS = 60_000;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  record Member(Future<Vertx> vertx, HazelcastClusterManager manager) {}

  static Member member(String cluster, int port, String members) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cluster);
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "1");
    hz.addMapConfig(ClusterVerdicts.hazelcastMap(MAX_ENTRIES));
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(port).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of(members.split(",")));
    HazelcastClusterManager manager = new HazelcastClusterManager(hz);
    return new Member(Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(manager)
        .buildClustered(), manager);
  }

  static ReviewEvent review(String id, String text) {
    return new ReviewEvent(id, "p-" + id, "u-" + id, text, 5, "2026-11-26T10:00:00Z", "web");
  }

  static CachedVerdict verdict(String judgedId, long publishedAtMs) {
    return new CachedVerdict(judgedId, new JsonObject().put("is_spam", true).encode(), "claude-haiku-5-5", "fast",
        "batch-" + judgedId, 20, false, publishedAtMs);
  }

  @Test
  @DisplayName("a verdict published on node A answers node B by event id and by text through the shared map, then from B's own cache; an expired one answers nobody; the map is bounded and has no backup")
  void verdictsCrossNodes() throws Exception {
    int portA = freePort();
    int portB = freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    String cluster = "verdicts-" + portA;
    Member memberA = member(cluster, portA, members);
    Member memberB = member(cluster, portB, members);
    Vertx a = memberA.vertx().await();
    Vertx b = memberB.vertx().await();
    try {
      VerdictLookup onA = new VerdictLookup(new VerdictCache(MAX_ENTRIES, TTL_MS, System::currentTimeMillis),
          ClusterVerdicts.open(a).await());
      VerdictLookup onB = new VerdictLookup(new VerdictCache(MAX_ENTRIES, TTL_MS, System::currentTimeMillis),
          ClusterVerdicts.open(b).await());
      assertThat(onB.clustered()).isTrue();

      ReviewEvent judged = review("e-1", "Best product ever!!! Five stars!!!");
      Keys keys = VerdictKeys.of("review-moderator", judged);
      assertThat(onB.shared(keys).await()).as("nothing shared yet").isNull();
      onA.remember(keys, verdict("e-1", System.currentTimeMillis()));

      // the write is asynchronous: B asks until A's verdict is there (a few milliseconds)
      assertThat(onB.local(keys)).as("B's own cache holds nothing").isNull();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> onB.shared(keys).await() != null);
      VerdictCache.Hit byEvent = onB.shared(keys).await();
      assertThat(byEvent).as("a redelivery on B finds A's verdict by event id").isNotNull();
      assertThat(byEvent.key().kind()).isEqualTo(Kind.EVENT_ID);
      assertThat(byEvent.verdict().judgedEventId()).isEqualTo("e-1");
      assertThat(onB.local(keys)).as("kept in B's own cache: the next lookup costs no network hop").isNotNull();

      Keys copy = VerdictKeys.of("review-moderator", review("e-2", "  best product ever!!!   FIVE STARS!!! "));
      VerdictCache.Hit byText = onB.shared(copy).await();
      assertThat(byText).as("an exact copy on B finds A's verdict by text").isNotNull();
      assertThat(byText.key().kind()).isEqualTo(Kind.TEXT);
      assertThat(VerdictKeys.of("review-analyzer", judged)).satisfies(other ->
          assertThat(onB.shared(other).await()).as("another pipeline shares nothing").isNull());

      Keys stale = VerdictKeys.of("review-moderator", review("e-3", "Stale verdict."));
      onA.remember(stale, verdict("e-3", System.currentTimeMillis() - TTL_MS - 1));
      assertThat(onB.shared(stale).await()).as("expired verdicts are neither shared nor answered").isNull();

      var mapConfig = memberB.manager().getHazelcastInstance().getConfig().getMapConfig(Addresses.VERDICT_CACHE);
      assertThat(mapConfig.getBackupCount()).isZero();
      assertThat(mapConfig.getEvictionConfig().getMaxSizePolicy()).isEqualTo(MaxSizePolicy.PER_NODE);
      assertThat(mapConfig.getEvictionConfig().getSize()).isEqualTo(2 * MAX_ENTRIES);
    } finally {
      a.close().await();
      b.close().await();
    }
  }
}
