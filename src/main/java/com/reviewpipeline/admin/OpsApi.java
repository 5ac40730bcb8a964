package com.reviewpipeline.admin;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.telemetry.ConsumerLag;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operating the pipelines: list them, pause and resume consumption, tune buffers at run time, and
 * read consumer lag per group, topic and partition. Every mutation is logged with who (a token
 * id: the first 8 hex characters of the token's SHA-256, never the token) and what.
 */
final class OpsApi {

  private static final Logger LOG = LoggerFactory.getLogger(OpsApi.class);
  private static final Set<String> BUFFER_KEYS = Set.of("max_size", "max_wait_ms", "max_tokens");

  private final Vertx vertx;
  private final AppConfig app;
  private final Admin kafkaAdmin;
  private final Telemetry telemetry;
  private final LocalMap<String, JsonObject> buffers;

  private final com.reviewpipeline.app.Scaler scaler;

  OpsApi(Vertx vertx, AppConfig app, Admin kafkaAdmin, Telemetry telemetry, com.reviewpipeline.app.Scaler scaler) {
    this.scaler = scaler;
    this.vertx = vertx;
    this.app = app;
    this.kafkaAdmin = kafkaAdmin;
    this.telemetry = telemetry;
    this.buffers = vertx.sharedData().getLocalMap("pipeline.buffer.settings");
  }

  void mount(Router router) {
    router.get("/api/pipelines").handler(this::list);
    router.post("/api/pipelines/:name/pause").handler(ctx -> control(ctx, "pause"));
    router.post("/api/pipelines/:name/resume").handler(ctx -> control(ctx, "resume"));
    router.get("/api/pipelines/:name/buffer").handler(this::getBuffer);
    router.put("/api/pipelines/:name/buffer").handler(BodyHandler.create().setBodyLimit(16 * 1024)).handler(this::putBuffer);
    router.get("/api/lag").handler(this::lag);
    router.get("/api/deployments").handler(this::deployments);
    router.put("/api/deployments/:verticle").handler(BodyHandler.create().setBodyLimit(16 * 1024)).handler(this::scale);
  }

  private void deployments(RoutingContext ctx) {
    if (scaler == null) {
      AdminApiVerticle.error(ctx, 503, "scaling is not available in this process");
      return;
    }
    ctx.json(new JsonObject().put("deployments", scaler.deployments()));
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
    Future<JsonObject> change;
    try {
      change = scaler.scale(verticle, n);
    } catch (IllegalArgumentException e) {
      AdminApiVerticle.error(ctx, scaler.deployments().containsKey(verticle) ? 400 : 404, e.getMessage());
      return;
    }
    LOG.warn("admin.mutation who={} what=scale verticle={} instances={}", who(ctx), verticle, n);
    change.onSuccess(ctx::json).onFailure(err -> AdminApiVerticle.error(ctx, 500, "scaling failed: " + err.getMessage()));
  }

  static String who(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return "anonymous";
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
      return "token:" + HexFormat.of().formatHex(digest).substring(0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      return "token";
    }
  }

  private PipelineConfig pipeline(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    PipelineConfig p = app.pipelines().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    if (p == null) {
      AdminApiVerticle.error(ctx, 404, "no pipeline '" + name + "'; pipelines: "
          + app.pipelines().stream().map(PipelineConfig::name).toList());
    }
    return p;
  }

  private JsonObject bufferOf(PipelineConfig p) {
    JsonObject b = buffers.get(p.name());
    return b != null ? b.copy() : p.buffer().toJson();
  }

  private void list(RoutingContext ctx) {
    Map<String, Set<String>> paused = telemetry.pauseReasons();
    JsonArray out = new JsonArray();
    for (PipelineConfig p : app.pipelines()) {
      Set<String> reasons = paused.getOrDefault(p.name(), Set.of());
      out.add(new JsonObject()
          .put("name", p.name())
          .put("group_id", p.groupId())
          .put("paused", !reasons.isEmpty())
          .put("pause_reasons", new JsonArray(List.copyOf(reasons)))
          .put("tool", p.toolName())
          .put("default_tier", p.defaultTier())
          .put("routing_rules", p.routes().size())
          .put("buffer", bufferOf(p)));
    }
    ctx.json(new JsonObject().put("pipelines", out));
  }

  private void control(RoutingContext ctx, String action) {
    PipelineConfig p = pipeline(ctx);
    if (p == null) {
      return;
    }
    String who = who(ctx);
    LOG.warn("admin.mutation who={} what={} pipeline={}", who, action, p.name());
    vertx.eventBus().publish(Addresses.CONTROL, new JsonObject().put("action", action).put("pipeline", p.name())
        .put("reason", "admin").put("by", who));
    ctx.response().setStatusCode(202);
    ctx.json(new JsonObject().put("pipeline", p.name()).put("action", action).put("accepted", true));
  }

  private void getBuffer(RoutingContext ctx) {
    PipelineConfig p = pipeline(ctx);
    if (p != null) {
      ctx.json(bufferOf(p));
    }
  }

  private void putBuffer(RoutingContext ctx) {
    PipelineConfig p = pipeline(ctx);
    if (p == null) {
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      AdminApiVerticle.error(ctx, 400, "body must be a JSON object");
      return;
    }
    if (body == null || body.isEmpty()) {
      AdminApiVerticle.error(ctx, 400, "body must set at least one of " + BUFFER_KEYS);
      return;
    }
    for (String key : body.fieldNames()) {
      if (!BUFFER_KEYS.contains(key)) {
        AdminApiVerticle.error(ctx, 400, "unknown buffer setting '" + key + "'; known: " + BUFFER_KEYS);
        return;
      }
      if (!(body.getValue(key) instanceof Integer) && !(body.getValue(key) instanceof Long)) {
        AdminApiVerticle.error(ctx, 400, key + " must be an integer");
        return;
      }
    }
    BufferConfig next;
    try {
      next = BufferConfig.fromJson(bufferOf(p).mergeIn(body));
    } catch (IllegalArgumentException e) {
      AdminApiVerticle.error(ctx, 400, e.getMessage());
      return;
    }
    String who = who(ctx);
    LOG.warn("admin.mutation who={} what=buffer pipeline={} buffer={}", who, p.name(), next.toJson().encode());
    buffers.put(p.name(), next.toJson());
    vertx.eventBus().publish(Addresses.BUFFER_CONFIG, new JsonObject().put("pipeline", p.name()).put("buffer", next.toJson()));
    ctx.json(next.toJson());
  }

  /** Lag per group, topic and partition: end offset minus committed offset, as kafka-consumer-groups reports it. */
  private void lag(RoutingContext ctx) {
    vertx.executeBlocking(() -> {
      JsonArray out = new JsonArray();
      ConsumerLag.measure(kafkaAdmin, ConsumerLag.groups(app)).forEach((group, parts) -> {
        JsonArray partitions = new JsonArray();
        long total = 0;
        for (ConsumerLag.Partition p : parts) {
          total += p.lag();
          partitions.add(new JsonObject().put("topic", p.topic()).put("partition", p.partition())
              .put("committed", p.committed()).put("end", p.end()).put("lag", p.lag()));
        }
        out.add(new JsonObject().put("group", group).put("lag", total).put("partitions", partitions));
      });
      return new JsonObject().put("groups", out);
    }).onSuccess(ctx::json).onFailure(err -> {
      LOG.warn("admin.lag.failed error={}", err.toString());
      AdminApiVerticle.error(ctx, 503, "Kafka did not answer: " + err.getClass().getSimpleName());
    });
  }
}
