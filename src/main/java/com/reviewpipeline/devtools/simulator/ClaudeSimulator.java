package com.reviewpipeline.devtools.simulator;

import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline stand-in for the Anthropic Messages API: {@code POST /v1/messages} and
 * {@code POST /v1/messages/count_tokens} with the documented headers, error shapes and usage fields. It rejects
 * what the API rejects for each model ({@link RequestRules}, rules from {@code conf/simulator/api-models.json}),
 * counts tokens with its own rule ({@link SimTokenizer}) and answers with {@link VerdictHeuristic} verdicts in the
 * API's shapes ({@link Answers}). Faults are injected through {@code POST /_sim/config}; {@code GET /_sim/stats}
 * reports what it received; beyond loopback those need a control token ({@link ControlGuard}).
 */
public final class ClaudeSimulator extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ClaudeSimulator.class);

  /** Response header on every simulator answer (the pipeline recognises it: {@link Telemetry#SIMULATOR_HEADER}). */
  public static final String SIMULATOR_HEADER = Telemetry.SIMULATOR_HEADER;

  private static final Pattern MODEL_FAMILY = Pattern.compile("^claude-(?:[0-9]+(?:-[0-9]+)*-)?([a-z]+)");

  private final int requestedPort;
  private final AtomicReference<SimulatorSettings> settings;
  private final ApiModels models = ApiModels.standard();
  private final VerdictHeuristic heuristic = new VerdictHeuristic();
  private final AtomicInteger failed = new AtomicInteger();
  private final SimStats stats = new SimStats();
  private final Map<String, KeyBudget> budgets = new ConcurrentHashMap<>();
  private final PromptCache cache = new PromptCache();
  private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();
  private String bindHost = "127.0.0.1";
  private String controlToken = "";
  private HttpServer server;
  private SimMessageBatches messageBatches;

  public ClaudeSimulator(int port, SimulatorSettings initial) {
    this.requestedPort = port;
    this.settings = new AtomicReference<>(initial);
  }

  /**
   * The API pools rate limits per model class: every Haiku model shares one budget, every Sonnet model another,
   * every Opus model a third. The class is the family word of the model id ({@code claude-haiku-4-5},
   * {@code claude-3-5-haiku-20241022} → {@code haiku}); an id without one is its own class.
   */
  public static String modelClass(String model) {
    Matcher m = MODEL_FAMILY.matcher(model);
    return m.find() ? m.group(1) : model;
  }

  /** Binds to another interface (e.g. 0.0.0.0 in a container); default loopback only. Call before deploying. */
  public ClaudeSimulator bindTo(String host) {
    this.bindHost = host;
    return this;
  }

  /** Requires {@code Authorization: Bearer <token>} on {@code /_sim/*} (needed beyond loopback); before deploying. */
  public ClaudeSimulator controlToken(String token) {
    this.controlToken = token;
    return this;
  }

  public int port() {
    return server.actualPort();
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

  public JsonObject stats() {
    return stats.toJson(cache);
  }

  /** Input tokens of a request by the simulator's rule, at its model's ratio (1.0 for a model it does not know). */
  public long inputTokensOf(JsonObject body) {
    double ratio = models.find(body.getString("model", "")).map(ApiModel::tokenRatio).orElse(1.0);
    return SimTokenizer.inputTokens(body, ratio);
  }

  @Override
  public Future<?> start() {
    try {
      ControlGuard.requireTokenBeyondLoopback(bindHost, controlToken);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Router router = Router.router(vertx);
    // every answer says it comes from the simulator, so a pipeline pointed at it by any URL can show that
    router.route().handler(ctx -> {
      ctx.response().putHeader(SIMULATOR_HEADER, "true");
      ctx.next();
    });
    router.route("/_sim/*").handler(new ControlGuard(controlToken));
    // the Message Batches API takes up to 256 MB per batch, the other endpoints 32 MB
    router.route("/v1/messages/batches*").handler(BodyHandler.create().setBodyLimit(SimMessageBatches.MAX_BYTES));
    router.routeWithRegex("^(?!/v1/messages/batches).*").handler(BodyHandler.create().setBodyLimit(32L * 1024 * 1024));
    router.post("/v1/messages").handler(this::messages);
    router.post("/v1/messages/count_tokens").handler(this::countTokens);
    messageBatches = new SimMessageBatches(vertx, stats, this::batchResult, () -> settings.get());
    messageBatches.routes(router);
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

  private void countTokens(RoutingContext ctx) {
    RequestGate.Admitted r = RequestGate.admit(ctx, stats, settings.get(), models, false);
    if (r == null) {
      return;
    }
    ApiError rejected = RequestRules.checkCountTokens(r.body(), r.model());
    if (rejected != null) {
      Replies.error(ctx, stats, rejected, null);
      return;
    }
    ctx.response().putHeader("request-id", Replies.requestId());
    ctx.json(new JsonObject().put("input_tokens", SimTokenizer.inputTokens(r.body(), r.model().tokenRatio())));
  }

  private void messages(RoutingContext ctx) {
    stats.request();
    SimulatorSettings s = settings.get();
    RequestGate.Admitted r = RequestGate.admit(ctx, stats, s, models, true);
    if (r == null) {
      return;
    }
    JsonObject body = r.body();
    ApiModel model = r.model();
    stats.retryAfter.arrived(body, System.currentTimeMillis());
    String nextMonth = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1).toString();
    if (s.workspaceSpendLimit()) {
      // a user-set spend limit is a 400 without details (https://platform.claude.com/docs/en/api/errors)
      Replies.error(ctx, stats, ApiError.invalidRequest("You have reached your specified workspace API usage limits. "
          + "You will regain access on " + nextMonth + " at 00:00 UTC."), null);
      return;
    }
    if (s.spendLimit()) {
      // the tier cap: 429 with details.error_code and no retry-after (https://platform.claude.com/docs/en/api/rate-limits)
      Replies.error(ctx, stats, new ApiError(429, "rate_limit_error", "You have reached your API usage limits: your "
          + "organization has crossed its monthly API usage threshold, set based on your organization's API tier. "
          + "You will regain access on " + nextMonth + " at 00:00 UTC."),
          new JsonObject().put("error_code", "enforced_spend_limit_reached"));
      return;
    }
    ApiError rejected = RequestRules.check(body, model, ctx.request().getHeader("anthropic-beta"));
    // the reviews are parsed here only when the knob is on: the benchmarks run the simulator in-process
    if (rejected == null && !s.rejectMarker().isEmpty()
        && ReviewBatch.indexOfMarker(ReviewBatch.reviews(body), s.rejectMarker()) >= 0) {
      // a 400 specific to one batch's content, as the failure path must handle
      int last = body.getJsonArray("messages").size() - 1;
      rejected = ApiError.invalidRequest("messages." + last + ".content.0.text: simulated content rejection");
    }
    if (rejected != null) {
      Replies.error(ctx, stats, rejected, null);
      return;
    }
    int maxTokens = body.getInteger("max_tokens");
    long in = SimTokenizer.inputTokens(body, model.tokenRatio());
    KeyBudget budget = null;
    if (KeyBudget.enabled(s)) {
      budget = budgets.compute(r.apiKey() + "\u0000" + modelClass(model.id()),
          (k, b) -> b != null && b.matches(s) ? b : KeyBudget.of(s));
      if (!budget.admit(s, in, maxTokens)) {
        budget.putHeaders(ctx.response().headers(), s);
        long retryAfter = budget.retryAfterSeconds(s, in, maxTokens);
        ctx.response().putHeader("retry-after", String.valueOf(retryAfter));
        stats.rateLimited(model.id(), body, retryAfter);
        Replies.error(ctx, stats, new ApiError(429, "rate_limit_error",
            "This request would exceed the rate limit for your organization"), null);
        return;
      }
      budget.putHeaders(ctx.response().headers(), s);
    }
    KeyBudget admitted = budget;
    long delay = s.latencyMs() + (s.jitterMs() > 0 ? ThreadLocalRandom.current().nextLong(-s.jitterMs(), s.jitterMs() + 1) : 0);
    vertx.setTimer(Math.max(1, delay), t -> respond(ctx, body, model, admitted));
  }

  private void respond(RoutingContext ctx, JsonObject body, ApiModel model, KeyBudget budget) {
    SimulatorSettings s = settings.get();
    if (s.hold()) {
      held.add(() -> respond(ctx, body, model, budget));
      return;
    }
    // matched on the system prompt, which every request carries, not on a tool name json_schema requests lack
    boolean matches = (s.failSystemContains().isEmpty() || SimTokenizer.systemText(body).contains(s.failSystemContains()))
        && (s.failModels().isEmpty() || s.failModels().contains(body.getString("model")));
    if (s.failStatus() != 0 && matches && (s.failCount() < 0 || failed.getAndIncrement() < s.failCount())) {
      if (s.failStatus() == 429) {
        ctx.response().putHeader("retry-after", "1");
        stats.rateLimited(model.id(), body, 1);
      }
      String type = ApiError.typeOf(s.failStatus());
      Replies.error(ctx, stats, new ApiError(s.failStatus(), type, "simulated " + type), null);
      return;
    }
    answer(ctx, body, model, s, budget);
  }

  private void answer(RoutingContext ctx, JsonObject body, ApiModel model, SimulatorSettings s, KeyBudget budget) {
    if (s.malformedBody()) {
      stats.status(200);
      ctx.response().putHeader("content-type", "application/json").putHeader("request-id", Replies.requestId())
          .end("{\"id\":\"msg_broken\",\"type\":\"message\",\"content\":[{\"type\":");
      return;
    }
    int maxTokens = body.getInteger("max_tokens");
    JsonObject message = produce(body, model, s);
    long outputTokens = message.getJsonObject("usage").getLong("output_tokens");
    if (budget != null) {
      if (s.outputTokensPerMinute() > 0) {
        budget.output().give(maxTokens - outputTokens);
      }
      // the budget as it stands when the answer leaves, not as it stood when the request was admitted
      budget.putHeaders(ctx.response().headers(), s);
    }
    stats.status(200);
    ctx.response().putHeader("request-id", Replies.requestId());
    ctx.json(message);
  }

  /** The message the model answers to a request that passed every rule (counted in the stats). */
  JsonObject produce(JsonObject body, ApiModel model, SimulatorSettings s) {
    int maxTokens = body.getInteger("max_tokens");
    JsonArray reviews = ReviewBatch.reviews(body);
    Answers.Shape shape = Answers.shape(body, s.textInsteadOfTool());
    Answers.Answer answer;
    if (s.refuse()) {
      answer = Answers.refusal();
    } else {
      Answers.Cut cut = s.truncateAbove() > 0 && reviews.size() > s.truncateAbove()
          ? new Answers.Cut(s.truncateAbove(), "max_tokens")
          : s.contextWindowExceededAbove() > 0 && reviews.size() > s.contextWindowExceededAbove()
              ? new Answers.Cut(s.contextWindowExceededAbove(), "model_context_window_exceeded") : null;
      ThinkingPlan plan = ThinkingPlan.of(body, model);
      boolean upFront = plan.mode() == ThinkingPlan.Mode.ADAPTIVE || plan.mode() == ThinkingPlan.Mode.ENABLED;
      long extra = upFront && ReviewBatch.indexOfMarker(reviews, s.longThinkingMarker()) >= 0 ? s.longThinkingTokens() : 0;
      answer = Answers.build(shape, ReviewBatch.verdicts(reviews, shape.itemSchema(), s, heuristic, model.liteJudge()), reviews.size(),
          ReviewBatch.indexOfMarker(reviews, s.refuseMarker()), cut, plan, extra, maxTokens, model.tokenRatio());
    }
    PromptCache.Use cached = cache.use(body, model, s.cacheMinTokens().getInteger(model.id(), model.cacheMinTokens()));
    long in = SimTokenizer.inputTokens(body, model.tokenRatio()) - cached.write() - cached.read();
    String kind = switch (shape.kind()) {
      case TOOL -> shape.toolName();
      case JSON -> "json_schema";
      case PROSE -> "text";
    };
    stats.answered(model.id(), kind, reviews.size(), in, answer.outputTokens(), answer.thinkingTokens(), cached);
    return Replies.message(model.id(), answer, in, cached);
  }

  /**
   * One request of a Message Batch, as the API processes it: its {@code params} checked as {@code /v1/messages}
   * checks a body (the API validates them only once the batch runs, so a bad request is an {@code errored} result,
   * not a 400 at creation), then answered. Returns the {@code result} object of its results line.
   */
  JsonObject batchResult(JsonObject params, String betaHeader) {
    SimulatorSettings s = settings.get();
    ApiError rejected = RequestGate.checkParams(params, s, models);
    ApiModel model = rejected != null ? null : models.find(params.getString("model")).orElseThrow();
    if (rejected == null) {
      rejected = RequestRules.check(params, model, betaHeader);
    }
    if (rejected == null && !s.rejectMarker().isEmpty()
        && ReviewBatch.indexOfMarker(ReviewBatch.reviews(params), s.rejectMarker()) >= 0) {
      int last = params.getJsonArray("messages").size() - 1;
      rejected = ApiError.invalidRequest("messages." + last + ".content.0.text: simulated content rejection");
    }
    if (rejected != null) {
      return new JsonObject().put("type", "errored").put("error", new JsonObject().put("type", "error")
          .put("error", new JsonObject().put("type", rejected.type()).put("message", rejected.message()))
          .put("request_id", Replies.requestId()));
    }
    JsonObject message = produce(params, model, s);
    message.getJsonObject("usage").put("service_tier", "batch");
    return new JsonObject().put("type", "succeeded").put("message", message);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
