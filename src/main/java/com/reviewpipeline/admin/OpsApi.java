package com.reviewpipeline.admin;

import com.reviewpipeline.bus.ClusterNodes;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.telemetry.ConsumerLag;
import com.reviewpipeline.telemetry.Telemetry;
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
 * read consumer lag per group, topic and partition (instance counts: {@link ScalingApi}). Every mutation is logged with who (a token
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
  private final Scaler scaler;
  private final ClusterNodes nodes;

  OpsApi(Vertx vertx, AppConfig app, Admin kafkaAdmin, Telemetry telemetry, Scaler scaler,
      ClusterNodes nodes) {
    this.scaler = scaler;
    this.nodes = nodes;
    this.vertx = vertx;
    this.app = app;
    this.kafkaAdmin = kafkaAdmin;
    this.telemetry = telemetry;
    this.buffers = vertx.sharedData().getLocalMap("pipeline.buffer.settings");
    // buffer settings changed through any node's API reach this node's buffers and this map
    vertx.eventBus().<JsonObject>consumer(Addresses.BUFFER_CONFIG, m -> {
      JsonObject b = m.body();
      if (b != null && b.getString("pipeline") != null && b.getJsonObject("buffer") != null) {
        buffers.put(b.getString("pipeline"), b.getJsonObject("buffer"));
      }
    });
  }

  void mount(Router router) {
    router.get("/api/pipelines").handler(this::list);
    router.post("/api/pipelines/:name/pause").handler(ctx -> control(ctx, "pause"));
    router.post("/api/pipelines/:name/resume").handler(ctx -> control(ctx, "resume"));
    router.get("/api/pipelines/:name/buffer").handler(this::getBuffer);
    router.put("/api/pipelines/:name/buffer").handler(BodyHandler.create().setBodyLimit(16 * 1024)).handler(this::putBuffer);
    router.get("/api/lag").handler(this::lag);
    new ScalingApi(app, scaler, nodes).mount(router);
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
    nodes.askAll(new JsonObject().put("op", "paused")).onSuccess(all -> {
      Map<String, Set<String>> paused = new HashMap<>();
      for (Object o : all) {
        JsonObject p = ((JsonObject) o).getJsonObject("paused");
        if (p != null) {
          p.forEach(e -> ((JsonArray) e.getValue()).forEach(r -> paused.computeIfAbsent(e.getKey(),
              k -> new java.util.TreeSet<>()).add(String.valueOf(r))));
        }
      }
      list(ctx, paused);
    }).onFailure(err -> AdminApiVerticle.error(ctx, 500, "pipelines failed: " + err.getMessage()));
  }

  private void list(RoutingContext ctx, Map<String, Set<String>> paused) {
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
    JsonObject command = new JsonObject().put("action", action).put("pipeline", p.name()).put("reason", "admin").put("by", who);
    // remembered cluster-wide so that ingest instances starting later (scaling, a joining node) obey it too
    vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ADMIN_PAUSES)
        .compose(m -> action.equals("pause") ? m.put(p.name(), command) : m.remove(p.name()).mapEmpty())
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("admin.pause_state.failed pipeline={} error={}", p.name(), ar.cause().toString());
          }
          // published: every ingest instance on every node obeys
          vertx.eventBus().publish(Addresses.CONTROL, command);
          ctx.response().setStatusCode(202);
          ctx.json(new JsonObject().put("pipeline", p.name()).put("action", action).put("accepted", true)
              .put("nodes", nodes.nodeIds().size()));
        });
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
