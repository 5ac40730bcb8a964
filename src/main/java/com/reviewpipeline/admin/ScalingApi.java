package com.reviewpipeline.admin;

import com.reviewpipeline.bus.ClusterNodes;
import com.reviewpipeline.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verticle instance counts at run time: {@code GET /api/deployments} on every node, {@code PUT
 * /api/deployments/{verticle}} on all nodes, one ({@code ?node=}) or this one; each mutation is logged with who.
 */
final class ScalingApi {

  private static final Logger LOG = LoggerFactory.getLogger(ScalingApi.class);

  private final AppConfig app;
  private final Scaler scaler;
  private final ClusterNodes nodes;

  ScalingApi(AppConfig app, Scaler scaler, ClusterNodes nodes) {
    this.app = app;
    this.scaler = scaler;
    this.nodes = nodes;
  }

  void mount(Router router) {
    router.get("/api/deployments").handler(this::deployments);
    router.put("/api/deployments/:verticle").handler(BodyHandler.create().setBodyLimit(16 * 1024)).handler(this::scale);
  }

  private void deployments(RoutingContext ctx) {
    if (scaler == null) {
      AdminApiVerticle.error(ctx, 503, "scaling is not available in this process");
      return;
    }
    nodes.askAll(new JsonObject().put("op", "deployments")).onSuccess(all -> ctx.json(new JsonObject()
        .put("deployments", scaler.deployments()).put("node_id", nodes.nodeId()).put("nodes", all)))
        .onFailure(err -> AdminApiVerticle.error(ctx, 500, "deployments failed: " + err.getMessage()));
  }

  /** The node ids a {@code ?node=} parameter names: {@code all} (default), {@code local}, a node id or name. */
  private Future<List<String>> targets(String node) {
    if (node == null || node.isBlank() || node.equals("all")) {
      return Future.succeededFuture(nodes.nodeIds());
    }
    if (node.equals("local") || node.equals(nodes.nodeId())) {
      return Future.succeededFuture(List.of(nodes.nodeId()));
    }
    if (nodes.nodeIds().contains(node)) {
      return Future.succeededFuture(List.of(node));
    }
    return nodes.askAll(new JsonObject().put("op", "deployments")).map(all -> all.stream().map(o -> (JsonObject) o)
        .filter(n -> node.equals(n.getString("name"))).map(n -> n.getString("node_id")).toList());
  }

  private void scale(RoutingContext ctx) {
    if (scaler == null) {
      AdminApiVerticle.error(ctx, 503, "scaling is not available in this process");
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      AdminApiVerticle.error(ctx, 400, "body must be a JSON object like {\"instances\": 2}");
      return;
    }
    if (body == null || !(body.getValue("instances") instanceof Integer n)) {
      AdminApiVerticle.error(ctx, 400, "body must be a JSON object like {\"instances\": 2}");
      return;
    }
    String verticle = ctx.pathParam("verticle");
    JsonObject local = scaler.deployments().getJsonObject(verticle);
    if (local == null) {
      AdminApiVerticle.error(ctx, 404, "no verticle '" + verticle + "'; verticles: " + scaler.deployments().fieldNames());
      return;
    }
    if (!local.getBoolean("scalable", false)) {
      AdminApiVerticle.error(ctx, 400, "'" + verticle + "' runs as a single instance and cannot be scaled");
      return;
    }
    if (n < 1 || n > 64) {
      AdminApiVerticle.error(ctx, 400, "instances must be between 1 and 64");
      return;
    }
    String node = ctx.request().getParam("node");
    String who = OpsApi.who(ctx);
    targets(node).onSuccess(ids -> {
      if (ids.isEmpty()) {
        AdminApiVerticle.error(ctx, 404, "no node '" + node + "'; use all, local, a node id or a node name");
        return;
      }
      LOG.warn("admin.mutation who={} what=scale verticle={} instances={} nodes={}", who, verticle, n, ids);
      JsonObject request = new JsonObject().put("op", "scale").put("verticle", verticle).put("instances", n);
      // replacing a deployment drains the old instances first, up to the shutdown deadline
      long timeoutMs = app.shutdownTimeoutMs() + 10_000;
      List<Future<JsonObject>> changes = ids.stream().map(id -> nodes.ask(id, request, timeoutMs)
          .recover(err -> Future.succeededFuture(new JsonObject().put("node_id", id).put("error", err.getMessage()))))
          .toList();
      Future.all(changes).onComplete(ar -> {
        JsonArray results = new JsonArray();
        changes.forEach(f -> results.add(f.result()));
        boolean anyFailed = changes.stream().anyMatch(f -> f.result().containsKey("error"));
        ctx.response().setStatusCode(anyFailed ? 502 : 200);
        ctx.json(new JsonObject().put("verticle", verticle).put("instances", n).put("nodes", results)
            .put("complete", !anyFailed));
      });
    }).onFailure(err -> AdminApiVerticle.error(ctx, 500, "scaling failed: " + err.getMessage()));
  }
}
