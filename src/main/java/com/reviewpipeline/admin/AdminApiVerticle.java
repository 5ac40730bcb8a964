package com.reviewpipeline.admin;

import com.reviewpipeline.bus.ClusterNodes;
import com.reviewpipeline.bus.Membership;
import com.reviewpipeline.store.ModerationQueries;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.telemetry.Telemetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations surface: health, stats and Prometheus metrics. {@code /api/*} requires
 * {@code Authorization: Bearer <ADMIN_TOKEN>} when a token is configured.
 */
public final class AdminApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AdminApiVerticle.class);

  private final AppConfig app;
  private final Telemetry telemetry;
  private final Membership membership;
  private HttpServer server;
  private Admin kafkaAdmin;
  private ReviewQueueApi reviewQueue;
  private Router router;
  private ClusterNodes nodes;
  private io.vertx.core.eventbus.MessageConsumer<JsonObject> nodeRequests;

  private final com.reviewpipeline.admin.Scaler scaler;

  /** Without run-time scaling (tests, tools). */
  public AdminApiVerticle(AppConfig app, Telemetry telemetry) {
    this(app, telemetry, Membership.alone(), null);
  }

  public AdminApiVerticle(AppConfig app, Telemetry telemetry, Membership membership, Scaler scaler) {
    this.app = app;
    this.telemetry = telemetry;
    this.membership = membership;
    this.scaler = scaler;
  }

  @Override
  public Future<?> start() {
    Properties props = new Properties();
    props.put("bootstrap.servers", app.kafka().bootstrapServers());
    props.put("request.timeout.ms", "3000");
    props.put("default.api.timeout.ms", "3000");
    kafkaAdmin = Admin.create(props);
    nodes = new ClusterNodes(vertx, membership, app.cluster().enabled() ? app.cluster().displayName() : "local", ClusterNodes.ADMIN);
    nodeRequests = nodes.serve(this::onNodeRequest);
    router = Router.router(vertx);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(this::metrics);
    // the admin UI: static files from the classpath, nothing from a CDN
    router.get("/").handler(ctx -> ctx.reroute("/ui/index.html"));
    router.route("/ui/*").handler(io.vertx.ext.web.handler.StaticHandler.create("webroot").setCachingEnabled(false));
    router.get("/openapi.yaml").handler(ctx -> vertx.fileSystem().readFile("openapi.yaml")
        .onSuccess(b -> ctx.response().putHeader("content-type", "application/yaml").end(b))
        .onFailure(err -> error(ctx, 500, "openapi.yaml missing from the classpath")));
    router.route("/api/*").handler(this::authenticate);
    new OpsApi(vertx, app, kafkaAdmin, telemetry, scaler, nodes).mount(router);
    new BudgetApi(vertx).mount(router);
    if (!app.databaseUrl().isBlank()) {
      reviewQueue = new ReviewQueueApi(vertx, app, ModerationQueries.connect(vertx, app.databaseUrl(), 4));
      reviewQueue.mount(router);
    } else {
      router.route("/api/review-queue*").handler(ctx -> error(ctx, 503, "no database configured (DATABASE_URL)"));
      router.route("/api/results*").handler(ctx -> error(ctx, 503, "no database configured (DATABASE_URL)"));
    }
    router.get("/api/stats").handler(this::stats);
    router.route().last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
    router.route().failureHandler(ctx -> {
      LOG.warn("admin.request.failed path={} error={}", ctx.request().path(), String.valueOf(ctx.failure()));
      error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "internal error");
    });
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(app.httpPort())
        .onSuccess(s -> LOG.info("admin.started url=http://localhost:{}", s.actualPort()));
  }

  /** What this node answers to the other nodes' admin APIs (and to its own). */
  private Future<JsonObject> onNodeRequest(JsonObject request) {
    String op = request.getString("op", "");
    JsonObject me = new JsonObject().put("node_id", nodes.nodeId()).put("name", nodes.name());
    switch (op) {
      case "stats":
        return Future.succeededFuture(me.put("partitions", telemetry.partitions()).put("stats", telemetry.stats()));
      case "paused":
        JsonObject paused = new JsonObject();
        telemetry.pauseReasons().forEach((pipeline, reasons) ->
            paused.put(pipeline, new io.vertx.core.json.JsonArray(List.copyOf(reasons))));
        return Future.succeededFuture(me.put("paused", paused));
      case "deployments":
        return scaler == null ? Future.failedFuture(new IllegalStateException("scaling is not available in this process"))
            : Future.succeededFuture(me.put("deployments", scaler.deployments()));
      case "scale":
        if (scaler == null) {
          return Future.failedFuture(new IllegalStateException("scaling is not available in this process"));
        }
        return scaler.scale(request.getString("verticle"), request.getInteger("instances")).map(r -> me.mergeIn(r));
      default:
        return Future.failedFuture(new IllegalArgumentException("unknown node request '" + op + "'"));
    }
  }

  /** Cluster-wide stats: counters summed over every node, and each node with its partitions. */
  private void stats(RoutingContext ctx) {
    nodes.askAll(new JsonObject().put("op", "stats")).onSuccess(answers -> {
      JsonObject local = answers.stream().map(o -> (JsonObject) o)
          .filter(a -> nodes.nodeId().equals(a.getString("node_id")) && a.getJsonObject("stats") != null)
          .map(a -> a.getJsonObject("stats").copy()).findFirst().orElseGet(telemetry::stats);
      JsonObject merged = new JsonObject();
      io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
      for (Object o : answers) {
        JsonObject a = (JsonObject) o;
        JsonObject s = a.getJsonObject("stats");
        if (s == null) {
          list.add(a);
          continue;
        }
        JsonObject summable = s.copy();
        summable.remove("jvm");
        summable.remove("api_keys");
        summable.remove("token_estimate_error");
        // the same on every node (each folds the whole agreement topic): this node's, not a sum
        summable.remove("agreement");
        // each node's buffers wait by the API latency that node measured: a sum of waits means nothing
        summable.remove("buffer_waits");
        ClusterNodes.sum(merged, summable);
        list.add(new JsonObject().put("node_id", a.getString("node_id")).put("name", a.getString("name"))
            .put("local", nodes.nodeId().equals(a.getString("node_id")))
            .put("partitions", a.getJsonObject("partitions")).put("totals", s.getJsonObject("totals"))
            .put("paused", s.getJsonObject("paused")).put("jvm", s.getJsonObject("jvm")));
      }
      ClusterNodes.fixRatios(merged);
      if (merged.getJsonObject("totals") != null) {
        merged.getJsonObject("totals").put("uptime_s", local.getJsonObject("totals").getLong("uptime_s"));
      }
      // per-process views: this node's keys, estimate error, buffer waits and JVM
      JsonObject out = local.mergeIn(merged, false)
          .put("nodes", list)
          .put("cluster", new JsonObject().put("enabled", nodes.clustered()).put("node_id", nodes.nodeId())
              .put("node_name", nodes.name()).put("members", nodes.nodeIds().size()))
          // the embedded simulator (loopback), or any endpoint that answered as the simulator (e.g. in compose)
          .put("simulator", app.anthropic().baseUrl().startsWith("http://127.0.0.1")
              || answers.stream().map(o -> ((JsonObject) o).getJsonObject("stats"))
                  .anyMatch(st -> st != null && st.getBoolean("simulator_answered", false)));
      // budgets and today's spend are cluster-wide already (shared counters): added once, not summed over the nodes
      vertx.eventBus().<JsonObject>request(com.reviewpipeline.bus.Addresses.BUDGETS, new JsonObject().put("op", "get"),
              new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(3000))
          .onComplete(b -> ctx.json(b.succeeded() ? out.put("budgets", b.result().body()) : out));
    }).onFailure(err -> error(ctx, 500, "stats failed: " + err.getMessage()));
  }

  /** "METHOD /path" of every concrete route, with path parameters as {name}: checked against /openapi.yaml. */
  public java.util.Set<String> routes() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (var r : router.getRoutes()) {
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty() || r.getPath().endsWith("*")) {
        continue;
      }
      String path = r.getPath().replaceAll(":([a-zA-Z]+)", "{$1}");
      r.methods().forEach(m -> out.add(m.name() + " " + path));
    }
    return out;
  }

  public int port() {
    return server.actualPort();
  }

  private void authenticate(RoutingContext ctx) {
    String token = app.adminToken();
    if (token.isEmpty()) {
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String given = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
    if (MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, header == null ? "missing bearer token" : "invalid bearer token");
    }
  }

  private void ready(RoutingContext ctx) {
    Future<Boolean> kafka = vertx.executeBlocking(() -> kafkaAdmin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size() > 0)
        .otherwise(false);
    Future<Boolean> database = reviewQueue == null ? Future.succeededFuture(null) : reviewQueue.ping();
    Future.join(kafka, database).onComplete(ar -> {
      boolean kafkaUp = Boolean.TRUE.equals(kafka.result());
      Boolean dbUp = database.result();
      boolean assigned = telemetry.allConsumersJoined();
      boolean up = kafkaUp && assigned && (dbUp == null || dbUp);
      JsonObject checks = new JsonObject()
          .put("kafka", kafkaUp ? "UP" : "DOWN")
          .put("consumers_assigned", assigned ? "UP" : "DOWN");
      if (dbUp != null) {
        checks.put("database", dbUp ? "UP" : "DOWN");
      }
      ctx.response().setStatusCode(up ? 200 : 503);
      ctx.json(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
    });
  }

  private void metrics(RoutingContext ctx) {
    if (telemetry.registry() instanceof PrometheusMeterRegistry prometheus) {
      ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(prometheus.scrape());
    } else {
      error(ctx, 404, "Prometheus registry not enabled");
    }
  }

  static void error(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", message).put("status", status).encode());
  }

  @Override
  public Future<?> stop() {
    if (nodeRequests != null) {
      nodeRequests.unregister();
    }
    return vertx.executeBlocking(() -> {
      kafkaAdmin.close();
      return null;
    }).compose(v -> reviewQueue == null ? Future.succeededFuture() : reviewQueue.close())
        .compose(v -> server.close());
  }
}
