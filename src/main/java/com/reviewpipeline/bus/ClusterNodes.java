package com.reviewpipeline.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The nodes of the service, asked over the event bus. Each node answers requests of one kind on
 * {@code <prefix><node-id>} (the admin verticle: stats, deployments, scaling on {@code pipeline.node.}; the alert
 * verticle: its judged totals on {@code pipeline.monitor.}); any node can then ask every node. Without clustering
 * there is one node, {@code local}, reached the same way.
 */
public final class ClusterNodes {

  public static final String ADMIN = "pipeline.node.";
  public static final String MONITOR = "pipeline.monitor.";
  private static final long ASK_TIMEOUT_MS = 3000;

  private final Vertx vertx;
  private final Membership membership;
  private final String nodeId;
  private final String name;
  private final String prefix;

  public ClusterNodes(Vertx vertx, Membership membership, String name, String prefix) {
    this.vertx = vertx;
    this.membership = membership;
    this.nodeId = membership.nodeId();
    this.name = name;
    this.prefix = prefix;
  }

  public boolean clustered() {
    return membership.clustered();
  }

  public String nodeId() {
    return nodeId;
  }

  public String name() {
    return name;
  }

  public List<String> nodeIds() {
    return membership.nodeIds();
  }

  /** Answers this node's requests; a failed future becomes a reply failure with its message. */
  public MessageConsumer<JsonObject> serve(Function<JsonObject, Future<JsonObject>> handler) {
    return vertx.eventBus().<JsonObject>consumer(prefix + nodeId, msg -> {
      Future<JsonObject> answer;
      try {
        answer = handler.apply(msg.body());
      } catch (IllegalArgumentException e) {
        answer = Future.failedFuture(e);
      }
      answer.onSuccess(msg::reply).onFailure(err -> msg.fail(
          err instanceof IllegalArgumentException ? 400 : 500, String.valueOf(err.getMessage())));
    });
  }

  /** Asks one node; its id and name are added to the answer. */
  public Future<JsonObject> ask(String id, JsonObject request) {
    return ask(id, request, ASK_TIMEOUT_MS);
  }

  /** Asks one node, waiting up to {@code timeoutMs} for work that takes long (a scale-down drains first). */
  public Future<JsonObject> ask(String id, JsonObject request, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(prefix + id, request, new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(m -> m.body());
  }

  /**
   * Asks every node; a node that does not answer appears as {@code {node_id, error}} rather than failing the whole
   * answer, so one dead node never hides the others.
   */
  public Future<JsonArray> askAll(JsonObject request) {
    List<String> ids = nodeIds();
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String id : ids) {
      answers.add(ask(id, request).recover(err -> Future.succeededFuture(new JsonObject().put("node_id", id)
          .put("error", err instanceof ReplyException re ? re.failureType() + ": " + re.getMessage() : err.toString()))));
    }
    return Future.all(answers).map(all -> {
      JsonArray out = new JsonArray();
      answers.forEach(f -> out.add(f.result()));
      return out;
    });
  }

  /** Adds numbers field by field (recursively into objects); other values keep the first seen. */
  public static JsonObject sum(JsonObject acc, JsonObject add) {
    for (String key : add.fieldNames()) {
      Object a = acc.getValue(key);
      Object b = add.getValue(key);
      if (a == null) {
        acc.put(key, b instanceof JsonObject o ? sum(new JsonObject(), o) : b);
      } else if (a instanceof JsonObject ao && b instanceof JsonObject bo) {
        sum(ao, bo);
      } else if (a instanceof Number an && b instanceof Number bn) {
        boolean integral = !(an instanceof Double || an instanceof Float || bn instanceof Double || bn instanceof Float);
        acc.put(key, integral ? (Object) (an.longValue() + bn.longValue()) : (Object) (an.doubleValue() + bn.doubleValue()));
      } else if (a instanceof JsonArray aa && b instanceof JsonArray ba) {
        ba.forEach(v -> {
          if (!aa.contains(v)) {
            aa.add(v);
          }
        });
      }
    }
    return acc;
  }

  /**
   * The share of a model's (or pipeline's) input tokens read from the prompt cache: {@code cache_read_tokens} over
   * every input token billed ({@code input_tokens} uncached, {@code cache_write_tokens}, {@code cache_read_tokens}),
   * rounded to four places; null before any input.
   */
  public static Double cacheReadShare(JsonObject tokens) {
    long read = tokens.getLong("cache_read_tokens", 0L);
    long all = tokens.getLong("input_tokens", 0L) + tokens.getLong("cache_write_tokens", 0L) + read;
    return all == 0 ? null : Math.round(read * 10_000.0 / all) / 10_000.0;
  }

  /**
   * Recomputes cost per 1000 events wherever a summed object has cost and processed counts, the hit rate
   * wherever it has verdict-cache hits and misses, the verdict cache's bytes per entry from its heap and entries, and
   * the cache read share from the token counts (a sum of ratios
   * means nothing).
   */
  public static JsonObject fixRatios(JsonObject o) {
    if (o.getValue("cost_usd") instanceof Number cost && o.getValue("processed") instanceof Number n) {
      o.put("cost_usd", Math.round(cost.doubleValue() * 1_000_000) / 1_000_000.0);
      o.put("cost_per_1000_events_usd", n.longValue() == 0 ? 0.0
          : Math.round(cost.doubleValue() / n.longValue() * 1000 * 1_000_000) / 1_000_000.0);
    }
    if (o.containsKey("hit_rate") && o.getValue("hits") instanceof Number h && o.getValue("misses") instanceof Number m) {
      long lookups = h.longValue() + m.longValue();
      o.put("hit_rate", lookups == 0 ? 0.0 : Math.round(h.longValue() * 10_000.0 / lookups) / 10_000.0);
    }
    // a shadow field's agreement (telemetry's CascadeStats): summed counts, the share recomputed from them
    if (o.getValue("agree") instanceof Number a && o.getValue("disagree") instanceof Number d) {
      long total = a.longValue() + d.longValue();
      o.put("agreement", total == 0 ? null : Math.round(a.doubleValue() / total * 10_000) / 10_000.0);
    }
    // the verdict cache's heap per verdict held (telemetry's VerdictCacheMeters): summed heap over summed verdicts
    if (o.containsKey("bytes_per_entry") && o.getValue("heap_bytes") instanceof Number heap
        && o.getValue("entries") instanceof Number entries) {
      o.put("bytes_per_entry", entries.longValue() == 0 ? null : Math.round(heap.doubleValue() / entries.longValue()));
    }
    if (o.containsKey("cache_read_share")) {
      o.put("cache_read_share", cacheReadShare(o));
    }
    if (o.getValue("escalated") instanceof Number up && o.getValue("first_verdicts") instanceof Number first) {
      o.put("escalation_share", first.longValue() == 0 ? null
          : Math.round(up.doubleValue() / first.longValue() * 10_000) / 10_000.0);
    }
    o.forEach(e -> {
      if (e.getValue() instanceof JsonObject child) {
        fixRatios(child);
      }
    });
    return o;
  }
}
