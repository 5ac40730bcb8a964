package com.reviewpipeline.devtools.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Message Batches API (https://platform.claude.com/docs/en/build-with-claude/batch-processing):
 * {@code POST /v1/messages/batches}, {@code GET /v1/messages/batches/{id}}, {@code GET .../{id}/results} (JSON Lines,
 * in an order unrelated to the requests') and {@code POST .../{id}/cancel}. A batch stays {@code in_progress} for
 * {@code batch_processing_ms}, then every request is processed as {@code /v1/messages} would answer it; its
 * {@code params} are validated only then, so a bad one is an {@code errored} result, as the API documents.
 */
final class SimMessageBatches {

  static final Pattern CUSTOM_ID = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
  static final int MAX_REQUESTS = 100_000;
  static final long MAX_BYTES = 256L * 1024 * 1024;
  private static final Set<String> BATCH_KEYS = Set.of("requests");
  private static final Set<String> REQUEST_KEYS = Set.of("custom_id", "params");

  private static final class Batch {
    final String id;
    final Instant created;
    /** Order of creation: the list's "most recently created first", whatever the clock's resolution. */
    final long sequence = CREATED.incrementAndGet();
    final Map<String, JsonObject> requests;
    final String beta;
    String status = "in_progress";
    Instant ended;
    Instant cancelInitiated;
    String resultsUrl;
    final List<JsonObject> results = new ArrayList<>();
    final Map<String, Integer> counts = new LinkedHashMap<>();

    Batch(String id, Instant created, Map<String, JsonObject> requests, String beta) {
      this.id = id;
      this.created = created;
      this.requests = requests;
      this.beta = beta;
    }
  }

  private final Vertx vertx;
  private final SimStats stats;
  private final BiFunction<JsonObject, String, JsonObject> process;
  private final Supplier<SimulatorSettings> settings;
  private final Map<String, Batch> batches = new ConcurrentHashMap<>();
  private static final java.util.concurrent.atomic.AtomicLong CREATED = new java.util.concurrent.atomic.AtomicLong();
  private final Random random = new Random();

  /** @param process one request's {@code params} (and the batch's beta header) to its {@code result} object */
  SimMessageBatches(Vertx vertx, SimStats stats, BiFunction<JsonObject, String, JsonObject> process,
      Supplier<SimulatorSettings> settings) {
    this.vertx = vertx;
    this.stats = stats;
    this.process = process;
    this.settings = settings;
  }

  void routes(Router router) {
    router.post("/v1/messages/batches").handler(this::create);
    router.get("/v1/messages/batches").handler(this::list);
    router.get("/v1/messages/batches/:id").handler(ctx -> withBatch(ctx, b -> ctx.json(describe(b))));
    router.get("/v1/messages/batches/:id/results").handler(ctx -> withBatch(ctx, b -> results(ctx, b)));
    router.post("/v1/messages/batches/:id/cancel").handler(ctx -> withBatch(ctx, b -> cancel(ctx, b)));
  }

  private boolean authenticated(RoutingContext ctx) {
    String key = RequestGate.apiKey(ctx);
    if (key == null || key.isBlank()) {
      Replies.error(ctx, stats, new ApiError(401, "authentication_error", "x-api-key header is required"), null);
      return false;
    }
    if (settings.get().invalidKeys().contains(key)) {
      Replies.error(ctx, stats, new ApiError(401, "authentication_error", "invalid x-api-key"), null);
      return false;
    }
    if (ctx.request().getHeader("anthropic-version") == null) {
      Replies.error(ctx, stats, ApiError.invalidRequest("anthropic-version: header is required"), null);
      return false;
    }
    return true;
  }

  private void create(RoutingContext ctx) {
    if (!authenticated(ctx)) {
      return;
    }
    if (ctx.body().length() > MAX_BYTES) {
      Replies.error(ctx, stats, new ApiError(413, "request_too_large", "Request exceeds the maximum allowed number of bytes."), null);
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      Replies.error(ctx, stats, ApiError.invalidRequest("request body must be a JSON object"), null);
      return;
    }
    String problem = problem(body);
    if (problem != null) {
      Replies.error(ctx, stats, ApiError.invalidRequest(problem), null);
      return;
    }
    Map<String, JsonObject> requests = new LinkedHashMap<>();
    for (Object o : body.getJsonArray("requests")) {
      JsonObject r = (JsonObject) o;
      requests.put(r.getString("custom_id"), r.getJsonObject("params"));
    }
    String id = "msgbatch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    Batch b = new Batch(id, Instant.now(), requests, ctx.request().getHeader("anthropic-beta"));
    io.vertx.core.net.HostAndPort authority = ctx.request().authority();
    String host = authority == null ? "127.0.0.1:" + ctx.request().localAddress().port()
        : authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
    b.resultsUrl = "http://" + host + "/v1/messages/batches/" + id + "/results";
    batches.put(id, b);
    stats.batchCreated(requests.keySet());
    stats.status(200);
    vertx.setTimer(Math.max(1, settings.get().batchProcessingMs()), t -> end(b));
    ctx.response().putHeader("request-id", Replies.requestId());
    long delay = settings.get().batchCreateDelayMs();
    if (delay > 0) {
      vertx.setTimer(delay, t -> {
        if (!ctx.response().closed()) {
          ctx.json(describe(b));
        }
      });
    } else {
      ctx.json(describe(b));
    }
  }

  /**
   * {@code GET /v1/messages/batches}: the workspace's batches, most recently created first, {@code limit} (1 to 1000,
   * default 20) per page, paged by {@code after_id} (older) and {@code before_id} (newer), with {@code has_more},
   * {@code first_id} and {@code last_id}.
   */
  private void list(RoutingContext ctx) {
    if (!authenticated(ctx)) {
      return;
    }
    int limit;
    try {
      limit = Integer.parseInt(ctx.request().getParam("limit", "20"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 1000) {
      Replies.error(ctx, stats, ApiError.invalidRequest("limit: Input should be between 1 and 1000"), null);
      return;
    }
    List<Batch> newestFirst = batches.values().stream()
        .sorted(java.util.Comparator.comparingLong((Batch b) -> b.sequence).reversed()).toList();
    String after = ctx.request().getParam("after_id");
    String before = ctx.request().getParam("before_id");
    int from = 0;
    int to = newestFirst.size();
    if (after != null) {
      from = indexOf(newestFirst, after) + 1;
    }
    if (before != null) {
      to = Math.max(0, indexOf(newestFirst, before));
      from = Math.max(from, to - limit);
    }
    List<Batch> page = from >= to ? List.of() : newestFirst.subList(from, Math.min(to, from + limit));
    io.vertx.core.json.JsonArray data = new io.vertx.core.json.JsonArray();
    page.forEach(b -> data.add(describe(b)));
    boolean more = before != null ? from > 0 : from + page.size() < newestFirst.size();
    stats.status(200);
    ctx.response().putHeader("request-id", Replies.requestId());
    ctx.json(new JsonObject().put("data", data).put("has_more", more)
        .put("first_id", page.isEmpty() ? null : page.get(0).id)
        .put("last_id", page.isEmpty() ? null : page.get(page.size() - 1).id));
  }

  private static int indexOf(List<Batch> batches, String id) {
    for (int i = 0; i < batches.size(); i++) {
      if (batches.get(i).id.equals(id)) {
        return i;
      }
    }
    return batches.size();
  }

  /** What the API refuses at creation (the envelope; each request's params are checked when it runs). */
  static String problem(JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!BATCH_KEYS.contains(key)) {
        return key + ": Extra inputs are not permitted";
      }
    }
    if (!(body.getValue("requests") instanceof JsonArray requests)) {
      return "requests: Field required";
    }
    if (requests.isEmpty() || requests.size() > MAX_REQUESTS) {
      return "requests: List should have at least 1 item and at most " + MAX_REQUESTS + " items, got " + requests.size();
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      if (!(requests.getValue(i) instanceof JsonObject r)) {
        return "requests." + i + ": Input should be an object";
      }
      for (String key : r.fieldNames()) {
        if (!REQUEST_KEYS.contains(key)) {
          return "requests." + i + "." + key + ": Extra inputs are not permitted";
        }
      }
      if (!(r.getValue("custom_id") instanceof String customId) || !CUSTOM_ID.matcher(customId).matches()) {
        return "requests." + i + ".custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'";
      }
      if (!seen.add(customId)) {
        return "requests: custom_id values must be unique within a Message Batch; '" + customId + "' is repeated";
      }
      if (!(r.getValue("params") instanceof JsonObject)) {
        return "requests." + i + ".params: Field required";
      }
    }
    return null;
  }

  private void end(Batch b) {
    synchronized (b) {
      if (b.ended != null) {
        return;
      }
      boolean expire = settings.get().batchExpire();
      for (Map.Entry<String, JsonObject> r : b.requests.entrySet()) {
        JsonObject result = b.cancelInitiated != null ? new JsonObject().put("type", "canceled")
            : expire ? new JsonObject().put("type", "expired")
            : process.apply(r.getValue(), b.beta);
        b.results.add(new JsonObject().put("custom_id", r.getKey()).put("result", result));
        b.counts.merge(result.getString("type"), 1, Integer::sum);
        stats.batchResult(result.getString("type"));
      }
      // "Results are not guaranteed to be in the same order as requests": callers must match by custom_id
      Collections.shuffle(b.results, random);
      b.status = "ended";
      b.ended = Instant.now();
    }
  }

  private void results(RoutingContext ctx, Batch b) {
    synchronized (b) {
      if (b.ended == null) {
        Replies.error(ctx, stats, ApiError.invalidRequest("Message Batch " + b.id + " has not ended yet: its results "
            + "are available once processing_status is ended"), null);
        return;
      }
      StringBuilder sb = new StringBuilder();
      for (JsonObject line : b.results) {
        sb.append(line.encode()).append('\n');
      }
      stats.status(200);
      ctx.response().putHeader("content-type", "application/x-jsonl").putHeader("request-id", Replies.requestId())
          .end(sb.toString());
    }
  }

  private void cancel(RoutingContext ctx, Batch b) {
    synchronized (b) {
      if (b.ended == null && b.cancelInitiated == null) {
        b.cancelInitiated = Instant.now();
        b.status = "canceling";
        vertx.setTimer(1, t -> end(b));
      }
      stats.status(200);
      ctx.json(describe(b));
    }
  }

  private void withBatch(RoutingContext ctx, java.util.function.Consumer<Batch> then) {
    if (!authenticated(ctx)) {
      return;
    }
    Batch b = batches.get(ctx.pathParam("id"));
    if (b == null) {
      Replies.error(ctx, stats, ApiError.notFound("message_batch_id: " + ctx.pathParam("id")), null);
      return;
    }
    then.accept(b);
  }

  private static JsonObject describe(Batch b) {
    synchronized (b) {
      int total = b.requests.size();
      int done = b.counts.values().stream().mapToInt(Integer::intValue).sum();
      return new JsonObject()
          .put("id", b.id)
          .put("type", "message_batch")
          .put("processing_status", b.status)
          .put("request_counts", new JsonObject()
              .put("processing", total - done)
              .put("succeeded", b.counts.getOrDefault("succeeded", 0))
              .put("errored", b.counts.getOrDefault("errored", 0))
              .put("canceled", b.counts.getOrDefault("canceled", 0))
              .put("expired", b.counts.getOrDefault("expired", 0)))
          .put("ended_at", b.ended == null ? null : b.ended.toString())
          .put("created_at", b.created.toString())
          .put("expires_at", b.created.plus(24, ChronoUnit.HOURS).toString())
          .put("archived_at", null)
          .put("cancel_initiated_at", b.cancelInitiated == null ? null : b.cancelInitiated.toString())
          .put("results_url", b.ended == null ? null : b.resultsUrl);
    }
  }
}
