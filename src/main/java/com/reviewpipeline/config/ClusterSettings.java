package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Clustering of several processes into one service (Hazelcast cluster manager, TCP/IP member list, no multicast).
 *
 * @param enabled start a clustered Vert.x ({@code run --cluster} or {@code CLUSTER_ENABLED=true})
 * @param name Hazelcast cluster name: only members with the same name join
 * @param host interface (IP) the cluster and the event bus bind to
 * @param publicHost address other members use to reach this one (NAT, containers); empty: {@code host}
 * @param port Hazelcast member port
 * @param eventBusPort event-bus TCP port (0: any free port)
 * @param members other members, {@code host} or {@code host:port}
 * @param heartbeatTimeoutS a member silent this long is removed (Hazelcast {@code max.no.heartbeat.seconds})
 * @param nodeName human-readable name of this node in stats (empty: host:port)
 * @param tls mutual TLS on the event bus between nodes
 */
public record ClusterSettings(boolean enabled, String name, String host, String publicHost, int port, int eventBusPort,
    List<String> members, int heartbeatTimeoutS, String nodeName, ClusterTls tls) {

  public static ClusterSettings fromJson(JsonObject j) {
    JsonObject o = Declaration.withDefaults("cluster", j);
    Object rawMembers = o.getValue("members");
    List<String> members = rawMembers instanceof JsonArray a
        ? a.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList()
        : rawMembers instanceof String s
            ? java.util.Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList()
            : List.of();
    ClusterSettings c = new ClusterSettings(
        o.getBoolean("enabled"),
        o.getString("name"),
        o.getString("host"),
        o.getString("public_host"),
        o.getInteger("port"),
        o.getInteger("eventbus_port"),
        members,
        o.getInteger("heartbeat_timeout_s"),
        o.getString("node_name"),
        ClusterTls.fromJson(o.getJsonObject("tls")));
    if (c.port < 1 || c.port > 65535 || c.eventBusPort < 0 || c.eventBusPort > 65535) {
      throw new IllegalArgumentException("cluster.port must be 1..65535 and cluster.eventbus_port 0..65535: " + o.encode());
    }
    if (c.heartbeatTimeoutS < 2) {
      throw new IllegalArgumentException("cluster.heartbeat_timeout_s must be at least 2");
    }
    if (c.host.isBlank()) {
      throw new IllegalArgumentException("cluster.host (CLUSTER_HOST) must name the interface to bind");
    }
    return c;
  }

  public ClusterSettings withEnabled(boolean on) {
    return new ClusterSettings(on, name, host, publicHost, port, eventBusPort, members, heartbeatTimeoutS, nodeName,
        tls);
  }

  public String advertisedHost() {
    return publicHost.isBlank() ? host : publicHost;
  }

  public String displayName() {
    return nodeName.isBlank() ? advertisedHost() + ":" + port : nodeName;
  }
}
