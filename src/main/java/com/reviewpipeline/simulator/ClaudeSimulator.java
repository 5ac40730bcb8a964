package com.reviewpipeline.simulator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import com.reviewpipeline.ratelimit.TokenBucket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline stand-in for the Anthropic Messages API: {@code POST /v1/messages} and
 * {@code POST /v1/messages/count_tokens} with the documented headers, error shapes and usage
 * fields, answering forced tool calls with {@link VerdictHeuristic} verdicts. Faults are injected
 * through {@code POST /_sim/config}; {@code GET /_sim/stats} reports what it received.
 */
public final class ClaudeSimulator extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClaudeSimulator.class);

  private final int requestedPort;
  private final double charsPerToken;
  private final int toolUseSystemTokens;
  private final AtomicReference<SimulatorSettings> settings;
  private final VerdictHeuristic heuristic = new VerdictHeuristic();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong items = new AtomicLong();
  private final Map<String, AtomicLong[]> tokensByModel = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> toolRequests = new ConcurrentHashMap<>();
  private final Map<String, KeyBudget> budgets = new ConcurrentHashMap<>();
  private final Map<String, Long> promptCache = new ConcurrentHashMap<>();
  private final AtomicLong cacheWrites = new AtomicLong();
  private final AtomicLong cacheReads = new AtomicLong();
  private static final long CACHE_TTL_MS = 5 * 60_000;

  /**
   * The API pools rate limits per model class: every Haiku model shares one budget, every Sonnet model another,
   * every Opus model a third. The class is the family word of the model id ({@code claude-haiku-4-5},
   * {@code claude-3-5-haiku-20241022} → {@code haiku}); an id without one is its own class.
   */
  public static String modelClass(String model) {
    java.util.regex.Matcher m = MODEL_FAMILY.matcher(model);
    return m.find() ? m.group(1) : model;
  }

  private static final java.util.regex.Pattern MODEL_FAMILY =
      java.util.regex.Pattern.compile("^claude-(?:[0-9]+(?:-[0-9]+)*-)?([a-z]+)");

  /** Per API key and model class: requests, input tokens, output tokens per minute, as the API enforces them. */
  private record KeyBudget(long rpm, long itpm, long otpm, TokenBucket requests, TokenBucket input, TokenBucket output) {
    static KeyBudget of(SimulatorSettings s) {
      return new KeyBudget(s.requestsPerMinute(), s.inputTokensPerMinute(), s.outputTokensPerMinute(),
          new TokenBucket(Math.max(1, s.requestsPerMinute()), System::currentTimeMillis),
          new TokenBucket(Math.max(1, s.inputTokensPerMinute()), System::currentTimeMillis),
          new TokenBucket(Math.max(1, s.outputTokensPerMinute()), System::currentTimeMillis));
    }

    boolean matches(SimulatorSettings s) {
      return rpm == s.requestsPerMinute() && itpm == s.inputTokensPerMinute() && otpm == s.outputTokensPerMinute();
    }
  }
  private final java.util.Queue<Runnable> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private HttpServer server;

  public ClaudeSimulator(int port, SimulatorSettings initial, double charsPerToken, int toolUseSystemTokens) {
    this.requestedPort = port;
    this.settings = new AtomicReference<>(initial);
    this.charsPerToken = charsPerToken;
    this.toolUseSystemTokens = toolUseSystemTokens;
  }

  public int port() {
    return server.actualPort();
  }

  private String bindHost = "127.0.0.1";

  /** Response header on every simulator answer. */
  public static final String SIMULATOR_HEADER = "x-claude-simulator";

  /** Binds to another interface (e.g. 0.0.0.0 in a container); default loopback only. Call before deploying. */
  public ClaudeSimulator bindTo(String host) {
    this.bindHost = host;
    return this;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public SimulatorSettings settings() {
    return settings.get();
  }

  /** Applies new knobs; switching {@code hold} off answers every request held so far. */
  public void configure(JsonObject changes) {
    SimulatorSettings now = settings.updateAndGet(s -> s.merge(changes));
    failed.set(0);
    if (!now.hold() && context != null) {
      // Requests are answered on the simulator's own context, so a request that checks hold after
      // this update answers directly and one queued before it is drained here.
      context.runOnContext(v -> {
        Runnable r;
        while ((r = held.poll()) != null) {
          r.run();
        }
      });
    }
  }

  public int held() {
    return held.size();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    // every answer says it comes from the simulator, so a pipeline pointed at it by any URL can show that
    router.route().handler(ctx -> {
      ctx.response().putHeader(SIMULATOR_HEADER, "true");
      ctx.next();
    });
    router.route().handler(BodyHandler.create().setBodyLimit(32L * 1024 * 1024));
    router.post("/v1/messages").handler(this::messages);
    router.post("/v1/messages/count_tokens").handler(this::countTokens);
    router.get("/_sim/stats").handler(ctx -> ctx.json(stats()));
    router.get("/_sim/config").handler(ctx -> ctx.json(settings.get().toJson()));
    router.post("/_sim/config").handler(this::configureRoute);
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(requestedPort, bindHost)
        .onSuccess(s -> LOG.info("simulator.started url=http://127.0.0.1:{}", s.actualPort()));
  }

  private void configureRoute(RoutingContext ctx) {
    try {
      configure(ctx.body().asJsonObject());
      ctx.json(settings.get().toJson());
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", e.getMessage()).encode());
    }
  }

  public JsonObject stats() {
    JsonObject byModel = new JsonObject();
    tokensByModel.forEach((model, t) -> byModel.put(model, new JsonObject()
        .put("requests", t[0].get())
        .put("input_tokens", t[1].get())
        .put("output_tokens", t[2].get())
        .put("items", t[3].get())));
    JsonObject tools = new JsonObject();
    toolRequests.forEach((name, n) -> tools.put(name, n.get()));
    JsonObject byStatus = new JsonObject();
    statuses.forEach((s, n) -> byStatus.put(String.valueOf(s), n.get()));
    return new JsonObject()
        .put("requests", requests.get())
        .put("items", items.get())
        .put("by_model", byModel)
        .put("by_status", byStatus)
        .put("tools", tools)
        .put("cache_write_tokens", cacheWrites.get())
        .put("cache_read_tokens", cacheReads.get());
  }

  /**
   * The caller's credential: {@code x-api-key} as documented, or {@code Authorization: Bearer}
   * as the official Java SDK 3.x sends it.
   */
  static String apiKey(RoutingContext ctx) {
    String key = ctx.request().getHeader("x-api-key");
    if (key != null && !key.isBlank()) {
      return key;
    }
    String auth = ctx.request().getHeader("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
      return auth.substring(7).trim();
    }
    return null;
  }

  private boolean checkHeaders(RoutingContext ctx) {
    String key = apiKey(ctx);
    if (key == null || key.isBlank()) {
      error(ctx, 401, "authentication_error", "x-api-key header is required");
      return false;
    }
    if (ctx.request().getHeader("anthropic-version") == null) {
      error(ctx, 400, "invalid_request_error", "anthropic-version: header is required");
      return false;
    }
    return true;
  }

  private JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        error(ctx, 400, "invalid_request_error", "request body must be a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "invalid_request_error", "request body is not valid JSON");
      return null;
    }
  }

  private void countTokens(RoutingContext ctx) {
    if (!checkHeaders(ctx)) {
      return;
    }
    JsonObject body = body(ctx);
    if (body != null) {
      ctx.response().putHeader("request-id", requestId());
      ctx.json(new JsonObject().put("input_tokens", inputTokensOf(body)));
    }
  }

  private void messages(RoutingContext ctx) {
    requests.incrementAndGet();
    if (!checkHeaders(ctx)) {
      return;
    }
    JsonObject body = body(ctx);
    if (body == null) {
      return;
    }
    String model = body.getString("model");
    Integer maxTokens = body.getValue("max_tokens") instanceof Integer i ? i : null;
    JsonArray messages = body.getJsonArray("messages");
    if (model == null || maxTokens == null || maxTokens < 1 || messages == null || messages.isEmpty()) {
      error(ctx, 400, "invalid_request_error", "model, max_tokens (positive integer) and messages are required");
      return;
    }
    SimulatorSettings s = settings.get();
    String key = apiKey(ctx);
    if (s.invalidKeys().contains(key)) {
      error(ctx, 401, "authentication_error", "invalid x-api-key");
      return;
    }
    if (s.spendLimit()) {
      count(429);
      String id = requestId();
      ctx.response().setStatusCode(429).putHeader("content-type", "application/json").putHeader("request-id", id)
          .end(new JsonObject().put("type", "error")
              .put("error", new JsonObject().put("type", "rate_limit_error")
                  .put("message", "You have reached your specified workspace API usage limits.")
                  .put("details", new JsonObject().put("error_code", "enforced_spend_limit_reached")))
              .put("request_id", id).encode());
      return;
    }
    KeyBudget budget = null;
    long in = inputTokensOf(body);
    if (s.requestsPerMinute() > 0 || s.inputTokensPerMinute() > 0 || s.outputTokensPerMinute() > 0) {
      budget = budgets.compute(key + "\u0000" + modelClass(model), (k, b) -> b != null && b.matches(s) ? b : KeyBudget.of(s));
      if (!admit(budget, s, in, maxTokens)) {
        long wait = Math.max(
            s.requestsPerMinute() > 0 ? budget.requests().msUntil(1) : 0,
            Math.max(s.inputTokensPerMinute() > 0 ? budget.input().msUntil(Math.min(in, s.inputTokensPerMinute())) : 0,
                s.outputTokensPerMinute() > 0 ? budget.output().msUntil(Math.min(maxTokens, s.outputTokensPerMinute())) : 0));
        rateLimitHeaders(ctx, budget, s);
        ctx.response().putHeader("retry-after", String.valueOf(Math.max(1, (wait + 999) / 1000)));
        error(ctx, 429, "rate_limit_error", "This request would exceed the rate limit for your organization");
        return;
      }
      rateLimitHeaders(ctx, budget, s);
    }
    KeyBudget admitted = budget;
    String toolName = forcedTool(body);
    long delay = s.latencyMs() + (s.jitterMs() > 0 ? ThreadLocalRandom.current().nextLong(-s.jitterMs(), s.jitterMs() + 1) : 0);
    vertx.setTimer(Math.max(1, delay), t -> respond(ctx, body, model, maxTokens, toolName, admitted));
  }

  private static boolean admit(KeyBudget b, SimulatorSettings s, long in, long maxTokens) {
    boolean req = s.requestsPerMinute() <= 0 || b.requests().msUntil(1) == 0;
    boolean inp = s.inputTokensPerMinute() <= 0 || b.input().msUntil(in) == 0;
    boolean out = s.outputTokensPerMinute() <= 0 || b.output().msUntil(maxTokens) == 0;
    if (!(req && inp && out)) {
      return false;
    }
    if (s.requestsPerMinute() > 0) {
      b.requests().take(1);
    }
    if (s.inputTokensPerMinute() > 0) {
      b.input().take(in);
    }
    if (s.outputTokensPerMinute() > 0) {
      b.output().take(maxTokens);
    }
    return true;
  }

  private static void rateLimitHeaders(RoutingContext ctx, KeyBudget b, SimulatorSettings s) {
    var h = ctx.response().headers();
    if (s.requestsPerMinute() > 0) {
      put(h, "requests", b.requests());
    }
    if (s.inputTokensPerMinute() > 0) {
      put(h, "input-tokens", b.input());
    }
    if (s.outputTokensPerMinute() > 0) {
      put(h, "output-tokens", b.output());
    }
  }

  private static void put(io.vertx.core.MultiMap h, String kind, TokenBucket bucket) {
    h.set("anthropic-ratelimit-" + kind + "-limit", String.valueOf(bucket.capacity()));
    h.set("anthropic-ratelimit-" + kind + "-remaining", String.valueOf(bucket.remaining()));
    h.set("anthropic-ratelimit-" + kind + "-reset",
        java.time.Instant.ofEpochMilli(System.currentTimeMillis() + bucket.msUntilFull())
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
  }

  private void respond(RoutingContext ctx, JsonObject body, String model, int maxTokens, String toolName,
      KeyBudget budget) {
    SimulatorSettings s = settings.get();
    boolean toolMatches = s.failTool().isEmpty() || s.failTool().equals(toolName);
    if (s.hold()) {
      held.add(() -> respond(ctx, body, model, maxTokens, toolName, budget));
      return;
    }
    if (s.failStatus() != 0 && toolMatches && (s.failCount() < 0 || failed.getAndIncrement() < s.failCount())) {
      fail(ctx, s.failStatus());
      return;
    }
    answer(ctx, body, model, maxTokens, toolName, s, budget);
  }

  private void fail(RoutingContext ctx, int status) {
    String type = switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 529 -> "overloaded_error";
      default -> "api_error";
    };
    if (status == 429) {
      ctx.response().putHeader("retry-after", "1");
    }
    error(ctx, status, type, "simulated " + type);
  }

  private void answer(RoutingContext ctx, JsonObject body, String model, int maxTokens, String toolName,
      SimulatorSettings s, KeyBudget budget) {
    if (s.malformedBody()) {
      count(200);
      ctx.response().putHeader("content-type", "application/json").putHeader("request-id", requestId())
          .end("{\"id\":\"msg_broken\",\"type\":\"message\",\"content\":[{\"type\":");
      return;
    }
    JsonArray reviews = reviews(body);
    JsonObject itemSchema = itemSchema(body, toolName);
    toolRequests.computeIfAbsent(String.valueOf(toolName), k -> new AtomicLong()).incrementAndGet();
    JsonArray results = new JsonArray();
    int n = 0;
    for (Object o : reviews) {
      n++;
      if (!(o instanceof JsonObject r) || (s.dropEvery() > 0 && n % s.dropEvery() == 0)) {
        continue;
      }
      String text = r.getString("text", "");
      int rating = r.getValue("rating") instanceof Number num ? num.intValue() : 3;
      JsonObject item = heuristic.judge(String.valueOf(r.getValue("id")), text, rating, itemSchema);
      if (s.invalidEvery() > 0 && n % s.invalidEvery() == 0 && item.containsKey("sentiment")) {
        item.put("sentiment", "ecstatic");
      }
      results.add(item);
    }
    if (s.unknownIds() && !reviews.isEmpty()) {
      results.add(heuristic.judge("not-asked-" + UUID.randomUUID(), "unrequested", 3, itemSchema));
    }
    items.addAndGet(reviews.size());
    JsonArray content = new JsonArray();
    String stopReason;
    if (s.refuse()) {
      stopReason = "refusal";
    } else if (toolName == null || s.textInsteadOfTool()) {
      content.add(new JsonObject().put("type", "text").put("text", new JsonObject().put("results", results).encode()));
      stopReason = "end_turn";
    } else if (s.truncateAbove() > 0 && reviews.size() > s.truncateAbove()) {
      stopReason = "max_tokens";
    } else {
      content.add(new JsonObject()
          .put("type", "tool_use")
          .put("id", "toolu_sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20))
          .put("name", toolName)
          .put("input", new JsonObject().put("results", results)));
      stopReason = "tool_use";
    }
    long total = inputTokensOf(body);
    long cachedPrefix = cacheablePrefix(body, model, s);
    long cacheWrite = 0;
    long cacheRead = 0;
    if (cachedPrefix > 0) {
      String cacheKey = model + "|" + body.getValue("tools") + "|" + body.getValue("system");
      long now = System.currentTimeMillis();
      Long expires = promptCache.get(cacheKey);
      if (expires != null && expires > now) {
        cacheRead = cachedPrefix;
        cacheReads.addAndGet(cachedPrefix);
      } else {
        cacheWrite = cachedPrefix;
        cacheWrites.addAndGet(cachedPrefix);
      }
      promptCache.put(cacheKey, now + CACHE_TTL_MS);
    }
    long in = total - cacheWrite - cacheRead;
    long out = "max_tokens".equals(stopReason) ? maxTokens
        : Math.min(maxTokens, tokens(content.encode().length()));
    if (!"max_tokens".equals(stopReason) && out >= maxTokens) {
      stopReason = "max_tokens";
      content.clear();
    }
    AtomicLong[] t = tokensByModel.computeIfAbsent(model,
        m -> new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()});
    t[0].incrementAndGet();
    t[1].addAndGet(in);
    t[2].addAndGet(out);
    t[3].addAndGet(reviews.size());
    if (budget != null && s.outputTokensPerMinute() > 0) {
      budget.output().give(maxTokens - out);
    }
    if (budget != null) {
      // the budget as it stands when the answer leaves, not as it stood when the request was admitted
      rateLimitHeaders(ctx, budget, s);
    }
    count(200);
    JsonObject response = new JsonObject()
        .put("id", "msg_sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24))
        .put("type", "message")
        .put("role", "assistant")
        .put("model", model)
        .put("content", content)
        .put("stop_reason", stopReason)
        .put("stop_sequence", null)
        .put("usage", new JsonObject()
            .put("input_tokens", in)
            .put("output_tokens", out)
            .put("cache_creation_input_tokens", cacheWrite)
            .put("cache_read_input_tokens", cacheRead)
            .put("cache_creation", new JsonObject()
                .put("ephemeral_5m_input_tokens", cacheWrite)
                .put("ephemeral_1h_input_tokens", 0))
            .put("service_tier", "standard"));
    ctx.response().putHeader("request-id", requestId());
    ctx.json(response);
  }

  /**
   * Tokens of the prefix (tools, then system) up to the last block that carries a
   * {@code cache_control} marker, when that reaches the model's minimum; otherwise 0.
   */
  long cacheablePrefix(JsonObject body, String model, SimulatorSettings s) {
    long prefix = 0;
    long marked = 0;
    JsonArray tools = body.getJsonArray("tools");
    if (tools != null) {
      for (Object t : tools) {
        JsonObject tool = ((JsonObject) t).copy();
        boolean mark = tool.remove("cache_control") != null;
        prefix += tokens(tool.encode().length());
        if (mark) {
          marked = prefix + toolUseSystemTokens;
        }
      }
      prefix += toolUseSystemTokens;
    }
    if (body.getValue("system") instanceof JsonArray blocks) {
      for (Object o : blocks) {
        JsonObject b = (JsonObject) o;
        prefix += tokens(b.getString("text", "").length());
        if (b.containsKey("cache_control")) {
          marked = prefix;
        }
      }
    }
    Integer min = s.cacheMinTokens().getInteger(model);
    return marked > 0 && min != null && marked >= min ? marked : 0;
  }

  private static String forcedTool(JsonObject body) {
    JsonObject choice = body.getJsonObject("tool_choice");
    if (choice != null && "tool".equals(choice.getString("type"))) {
      return choice.getString("name");
    }
    return null;
  }

  private static JsonObject itemSchema(JsonObject body, String toolName) {
    for (Object o : body.getJsonArray("tools", new JsonArray())) {
      JsonObject tool = (JsonObject) o;
      if (tool.getString("name", "").equals(toolName)) {
        try {
          return tool.getJsonObject("input_schema").getJsonObject("properties").getJsonObject("results")
              .getJsonObject("items");
        } catch (RuntimeException e) {
          return new JsonObject();
        }
      }
    }
    return new JsonObject();
  }

  /** Finds the JSON array of reviews in the last user message, between the first '[' and the last ']'. */
  static JsonArray reviews(JsonObject body) {
    JsonArray messages = body.getJsonArray("messages");
    Object content = ((JsonObject) messages.getValue(messages.size() - 1)).getValue("content");
    String text = content instanceof String s ? s : textOf((JsonArray) content);
    int start = text.indexOf('[');
    int end = text.lastIndexOf(']');
    if (start < 0 || end < start) {
      return new JsonArray();
    }
    try {
      return new JsonArray(text.substring(start, end + 1));
    } catch (DecodeException e) {
      return new JsonArray();
    }
  }

  private static String textOf(JsonArray blocks) {
    StringBuilder sb = new StringBuilder();
    for (Object o : blocks) {
      if (o instanceof JsonObject b && "text".equals(b.getString("type"))) {
        sb.append(b.getString("text"));
      }
    }
    return sb.toString();
  }

  /** Same rule as the client's estimate: characters / chars-per-token per part, plus tool-use overhead. */
  public long inputTokensOf(JsonObject body) {
    long n = 0;
    Object system = body.getValue("system");
    if (system instanceof String s) {
      n += tokens(s.length());
    } else if (system instanceof JsonArray blocks) {
      n += tokens(textOf(blocks).length());
    }
    JsonArray tools = body.getJsonArray("tools");
    if (tools != null) {
      for (Object t : tools) {
        JsonObject tool = ((JsonObject) t).copy();
        tool.remove("cache_control");
        n += tokens(tool.encode().length());
      }
      n += toolUseSystemTokens;
    }
    for (Object m : body.getJsonArray("messages", new JsonArray())) {
      Object content = ((JsonObject) m).getValue("content");
      n += tokens((content instanceof String s ? s : textOf((JsonArray) content)).length());
    }
    return n;
  }

  private long tokens(int chars) {
    return (long) Math.ceil(chars / charsPerToken);
  }

  private void error(RoutingContext ctx, int status, String type, String message) {
    count(status);
    String id = requestId();
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("request-id", id)
        .end(new JsonObject()
            .put("type", "error")
            .put("error", new JsonObject().put("type", type).put("message", message))
            .put("request_id", id)
            .encode());
  }

  private void count(int status) {
    statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
  }

  private static String requestId() {
    return "req_sim_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
