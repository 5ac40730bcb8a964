package com.reviewpipeline.admin;

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
  private Telemetry telemetry;
  private HttpServer server;
  private Admin kafkaAdmin;
  private ReviewQueueApi reviewQueue;
  private Router router;

  private final com.reviewpipeline.app.Scaler scaler;

  /** Without run-time scaling (tests, tools). */
  public AdminApiVerticle(AppConfig app) {
    this(app, null);
  }

  public AdminApiVerticle(AppConfig app, com.reviewpipeline.app.Scaler scaler) {
    this.app = app;
    this.scaler = scaler;
  }

  @Override
  public Future<?> start() {
    telemetry = Telemetry.of(vertx);
    Properties props = new Properties();
    props.put("bootstrap.servers", app.kafka().bootstrapServers());
    props.put("request.timeout.ms", "3000");
    props.put("default.api.timeout.ms", "3000");
    kafkaAdmin = Admin.create(props);
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
    new OpsApi(vertx, app, kafkaAdmin, telemetry, scaler).mount(router);
    if (!app.databaseUrl().isBlank()) {
      reviewQueue = new ReviewQueueApi(vertx, app, com.reviewpipeline.store.Database.pool(vertx, app.databaseUrl(), 4));
      reviewQueue.mount(router);
    } else {
      router.route("/api/review-queue*").handler(ctx -> error(ctx, 503, "no database configured (DATABASE_URL)"));
      router.route("/api/results*").handler(ctx -> error(ctx, 503, "no database configured (DATABASE_URL)"));
    }
    router.get("/api/stats").handler(ctx -> ctx.json(telemetry.stats()
        .put("simulator", app.anthropic().baseUrl().startsWith("http://127.0.0.1"))));
    router.route().last().handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
    router.route().failureHandler(ctx -> {
      LOG.warn("admin.request.failed path={} error={}", ctx.request().path(), String.valueOf(ctx.failure()));
      error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "internal error");
    });
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(app.httpPort())
        .onSuccess(s -> LOG.info("admin.started url=http://localhost:{}", s.actualPort()));
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
    return vertx.executeBlocking(() -> {
      kafkaAdmin.close();
      return null;
    }).compose(v -> reviewQueue == null ? Future.succeededFuture() : reviewQueue.close())
        .compose(v -> server.close());
  }
}
