package com.reviewpipeline.bus;

import io.vertx.core.spi.cluster.ClusterManager;
import java.util.List;

/**
 * Who this process is among the service's processes: alone, or a member of a cluster whose manager the entry point
 * created and passes in (no reach into Vert.x internals for it).
 */
public final class Membership {

  private static final Membership ALONE = new Membership(null);

  private final ClusterManager cluster;

  private Membership(ClusterManager cluster) {
    this.cluster = cluster;
  }

  /** A process that is the whole service. */
  public static Membership alone() {
    return ALONE;
  }

  /** A member of the cluster {@code cluster} manages (joined: the clustered Vert.x is built). */
  public static Membership of(ClusterManager cluster) {
    return new Membership(java.util.Objects.requireNonNull(cluster, "cluster manager"));
  }

  public boolean clustered() {
    return cluster != null;
  }

  /** This member's id, {@code local} when alone. */
  public String nodeId() {
    return cluster != null ? cluster.getNodeId() : "local";
  }

  /** Every member's id, oldest first (the same order on every member); only this one when alone. */
  public List<String> nodeIds() {
    return cluster != null ? List.copyOf(cluster.getNodes()) : List.of(nodeId());
  }

  /** How many processes share the service's budgets (at least 1). */
  public int size() {
    return Math.max(1, nodeIds().size());
  }

  /** Whether this is the oldest member, the one that speaks for the whole service; alone, it is. */
  public boolean oldest() {
    List<String> members = nodeIds();
    return members.isEmpty() || nodeId().equals(members.get(0));
  }
}
