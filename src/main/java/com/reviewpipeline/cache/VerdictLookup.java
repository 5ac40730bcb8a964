package com.reviewpipeline.cache;

import com.reviewpipeline.cache.VerdictCache.Hit;
import com.reviewpipeline.cache.VerdictKeys.Keys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The verdict cache as the pipeline uses it: this node's {@link VerdictCache} first, so the hot path pays no network
 * hop, then, on a miss and only when clustered, the members' {@link ClusterVerdicts}. One per process, shared by the
 * buffer instances (which ask it) and the publisher instances (which fill it with every verdict Kafka acknowledged).
 */
public final class VerdictLookup {

  private final VerdictCache local;
  /** Null when this process is the whole service. */
  private final ClusterVerdicts cluster;

  public VerdictLookup(VerdictCache local, ClusterVerdicts cluster) {
    this.local = local;
    this.cluster = cluster;
  }

  /** This node's fresh verdict for an event, or null. */
  public Hit local(Keys keys) {
    return local.get(keys);
  }

  /** Whether a local miss may still be answered by another member. */
  public boolean clustered() {
    return cluster != null;
  }

  /**
   * After a local miss: another member's fresh verdict (kept here from now on under the key that found it), or
   * null. Never fails; completes on the caller's context, so a verticle's handler runs on its own event loop whatever
   * thread the cluster manager answers on.
   */
  public Future<Hit> shared(Keys keys) {
    if (cluster == null) {
      return Future.succeededFuture();
    }
    Context caller = Vertx.currentContext();
    Promise<Hit> answer = Promise.promise();
    cluster.get(keys).onComplete(ar -> {
      Hit hit = ar.succeeded() ? ar.result() : null;
      Hit fresh = hit != null && local.remainingMs(hit.verdict()) > 0 ? hit : null;
      if (fresh != null) {
        local.put(fresh.key(), fresh.verdict());
      }
      if (caller == null || Vertx.currentContext() == caller) {
        answer.complete(fresh);
      } else {
        caller.runOnContext(v -> answer.complete(fresh));
      }
    });
    return answer.future();
  }

  /** A verdict Kafka has acknowledged: kept under both keys here, and shared for what is left of its TTL. */
  public void remember(Keys keys, CachedVerdict verdict) {
    local.put(keys, verdict);
    if (cluster != null) {
      long ttl = local.remainingMs(verdict);
      if (ttl > 0) {
        cluster.put(keys, verdict, ttl);
      }
    }
  }

  /** Keys this node holds (two per verdict). */
  public int localKeys() {
    return local.keys();
  }
}
