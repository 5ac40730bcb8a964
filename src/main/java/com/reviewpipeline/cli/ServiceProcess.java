package com.reviewpipeline.cli;

import com.reviewpipeline.bus.Membership;
import com.reviewpipeline.cache.ClusterVerdicts;
import com.reviewpipeline.config.ClusterSettings;
import com.reviewpipeline.config.VerdictCacheSettings;
import com.reviewpipeline.telemetry.Telemetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Shared process plumbing for the subcommands, the composition root: a metered (optionally clustered) Vert.x with
 * the telemetry and the cluster membership handed to the service, and graceful SIGTERM/SIGINT handling.
 */
final class ServiceProcess {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceProcess.class);

  /** A started Vert.x and what the service is given with it. */
  record Node(Vertx vertx, Telemetry telemetry, Membership membership) {}

  /** A step of the shutdown sequence; steps run in the order they were added. */
  interface Step {
    void run() throws Exception;
  }

  private final List<Step> shutdown = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile int exitCode;

  static Node meteredVertx() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = metered(new VertxOptions(), registry).build();
    return new Node(vertx, new Telemetry(registry), Membership.alone());
  }

  /** A Vert.x builder with Micrometer metrics into {@code registry} (bind Telemetry once it is built). */
  private static io.vertx.core.VertxBuilder metered(VertxOptions options, PrometheusMeterRegistry registry) {
    return Vertx.builder()
        .with(options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  /**
   * A clustered, metered Vert.x: Hazelcast with a TCP/IP member list (multicast and auto-detection off), bound to
   * the configured interface; the event bus binds there too, advertises the public host and, with
   * {@code cluster.tls.enabled}, speaks mutual TLS only.
   */
  static Node clusteredVertx(ClusterSettings c, VerdictCacheSettings verdictCache) {
    com.hazelcast.config.Config hz = io.vertx.spi.cluster.hazelcast.ConfigUtil.loadConfig();
    hz.setClusterName(c.name());
    // the shared verdict map is bounded per member like each node's own cache (docs/claude-stage.md "Verdict cache")
    hz.addMapConfig(ClusterVerdicts.hazelcastMap(verdictCache.maxEntries()));
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "1");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(c.heartbeatTimeoutS()));
    com.hazelcast.config.NetworkConfig net = hz.getNetworkConfig();
    net.setPort(c.port()).setPortAutoIncrement(false);
    if (!c.publicHost().isBlank()) {
      net.setPublicAddress(c.publicHost() + ":" + c.port());
    }
    boolean any = c.host().equals("0.0.0.0");
    hz.setProperty("hazelcast.socket.bind.any", String.valueOf(any));
    if (!any) {
      net.getInterfaces().setEnabled(true).setInterfaces(List.of(resolve(c.host())));
    }
    com.hazelcast.config.JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new ArrayList<>(c.members());
    if (members.isEmpty()) {
      members.add(c.advertisedHost() + ":" + c.port());
    }
    join.getTcpIpConfig().setEnabled(true).setMembers(members);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(c.tls().applyTo(new io.vertx.core.eventbus.EventBusOptions()
            .setHost(c.host()).setPort(c.eventBusPort()).setClusterPublicHost(c.advertisedHost())));
    LOG.info("cluster.joining name={} bind={}:{} public={} members={} eventbus_port={} eventbus_tls={}", c.name(),
        c.host(), c.port(), c.advertisedHost(), members, c.eventBusPort(), c.tls().enabled());
    HazelcastClusterManager cm = new HazelcastClusterManager(hz);
    Vertx vertx = metered(options, registry).withClusterManager(cm).buildClustered().await();
    LOG.info("cluster.joined node_id={} name={} members={}", cm.getNodeId(), c.displayName(), cm.getNodes().size());
    return new Node(vertx, new Telemetry(registry), Membership.of(cm));
  }

  private static String resolve(String host) {
    try {
      return java.net.InetAddress.getByName(host).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("cluster.host '" + host + "' does not resolve");
    }
  }

  void onShutdown(Step step) {
    shutdown.add(step);
  }

  /** The exit code of a stop that left work behind (see {@link #exitCode(int)}); docs/delivery.md "Delivery guarantees". */
  static final int EXIT_UNCLEAN = 3;

  /** What {@link #awaitSignal()} returns; a shutdown step sets it when the stop was not clean. */
  void exitCode(int code) {
    exitCode = code;
  }

  /**
   * Blocks until SIGTERM or SIGINT, runs the shutdown steps, and returns the exit code: 0, or what a step set
   * ({@value #EXIT_UNCLEAN} when events were still in flight at the drain deadline or a final commit failed).
   */
  int awaitSignal() throws InterruptedException {
    Signal.handle(new Signal("TERM"), s -> stopAsync("SIGTERM"));
    Signal.handle(new Signal("INT"), s -> stopAsync("SIGINT"));
    stopped.await();
    return exitCode;
  }

  private void stopAsync(String signal) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      LOG.info("shutdown.signal signal={}", signal);
      for (Step step : shutdown) {
        try {
          step.run();
        } catch (Exception e) {
          LOG.warn("shutdown.step.failed error={}", e.toString());
          exitCode = EXIT_UNCLEAN;
        }
      }
      LOG.info("shutdown.complete");
      stopped.countDown();
    }, "shutdown");
    t.start();
  }
}
