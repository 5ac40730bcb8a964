package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The simulator's request rules and answer shapes over plain HTTP, one test per rule of the model table and of
 * the notes it was built from (/work/research/claude55.md): what the real API rejects is rejected with its
 * status, type and message, and answers have the API's shapes.
 */
class SimulatorRulesTest {

  static Vertx vertx;
  static ClaudeSimulator sim;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** A response: status, body (null when it is not JSON) and the raw text. */
  record Reply(int status, JsonObject body, String raw, HttpResponse<String> http) {
    String errorType() {
      return body.getJsonObject("error").getString("type");
    }

    String errorMessage() {
      return body.getJsonObject("error").getString("message");
    }

    JsonArray content() {
      return body.getJsonArray("content");
    }

    JsonObject block(int i) {
      return content().getJsonObject(i);
    }

    long outputTokens() {
      return body.getJsonObject("usage").getLong("output_tokens");
    }
  }

  @BeforeAll
  static void startSimulator() throws Exception {
    vertx = Vertx.vertx();
    sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0));
    vertx.deployVerticle(sim).toCompletionStage().toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void reset() {
    sim.configure(SimulatorSettings.defaults(1, 0).toJson());
  }

  static Reply post(String path, JsonObject body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .header("x-api-key", "sk-test")
        .header("anthropic-version", "2023-06-01")
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
    JsonObject json;
    try {
      json = new JsonObject(r.body());
    } catch (DecodeException e) {
      json = null;
    }
    return new Reply(r.statusCode(), json, r.body(), r);
  }

  static Reply messages(JsonObject body) throws Exception {
    return post("/v1/messages", body);
  }

  static JsonArray reviews(int n) {
    JsonArray a = new JsonArray()
        .add(new JsonObject().put("id", "1").put("text", "Buy now at www.cheap.example").put("rating", 5))
        .add(new JsonObject().put("id", "2").put("text", "Lovely kettle, works well.").put("rating", 5));
    for (int i = 3; i <= n; i++) {
      a.add(new JsonObject().put("id", String.valueOf(i)).put("text", "Arrived late, the lid broke in a week.").put("rating", 2));
    }
    return new JsonArray(a.getList().subList(0, n));
  }

  /** A request with {@code n} reviews in the user turn and nothing that decides the answer's shape. */
  static JsonObject request(String model, int n) {
    return new JsonObject()
        .put("model", model)
        .put("max_tokens", 16000)
        .put("system", "You are the content-moderation stage. Judge each review.")
        .put("messages", new JsonArray().add(new JsonObject()
            .put("role", "user")
            .put("content", "<reviews>\n" + reviews(n).encode() + "\n</reviews>")));
  }

  /** The item schema, valid for structured outputs. */
  static JsonObject itemSchema() {
    return new JsonObject()
        .put("type", "object")
        .put("properties", new JsonObject()
            .put("id", new JsonObject().put("type", "string"))
            .put("is_spam", new JsonObject().put("type", "boolean"))
            .put("sentiment", new JsonObject().put("type", "string").put("enum", new JsonArray().add("positive").add("neutral").add("negative"))))
        .put("required", new JsonArray().add("id").add("is_spam").add("sentiment"))
        .put("additionalProperties", false);
  }

  static JsonObject resultsSchema(JsonObject items) {
    return new JsonObject()
        .put("type", "object")
        .put("properties", new JsonObject().put("results", new JsonObject().put("type", "array").put("items", items)))
        .put("required", new JsonArray().add("results"))
        .put("additionalProperties", false);
  }

  static JsonObject tool(String name, JsonObject items, boolean strict) {
    JsonObject t = new JsonObject().put("name", name).put("description", "Record one verdict per review.")
        .put("input_schema", resultsSchema(items));
    return strict ? t.put("strict", true) : t;
  }

  static JsonObject withTool(JsonObject body, String choice) {
    body.put("tools", new JsonArray().add(tool("record_verdicts", itemSchema(), false)));
    if ("tool".equals(choice)) {
      body.put("tool_choice", new JsonObject().put("type", "tool").put("name", "record_verdicts"));
    } else if (choice != null) {
      body.put("tool_choice", new JsonObject().put("type", choice));
    }
    return body;
  }

  static JsonObject withFormat(JsonObject body, JsonObject schema) {
    return body.put("output_config", new JsonObject().put("format", new JsonObject().put("type", "json_schema").put("schema", schema)));
  }

  static JsonObject thinking(String type) {
    return new JsonObject().put("type", type);
  }

  static void assertInvalid(Reply r, String message) {
    assertThat(r.status()).as(r.raw()).isEqualTo(400);
    assertThat(r.errorType()).isEqualTo("invalid_request_error");
    assertThat(r.errorMessage()).isEqualTo(message);
  }

  static long thinkingTokens(String model) {
    JsonObject m = sim.stats().getJsonObject("by_model").getJsonObject(model);
    return m == null ? 0 : m.getLong("thinking_tokens");
  }

  @Test
  @DisplayName("a forced tool_choice (tool or any) on Sonnet 5.5 and Opus 5.5 is a 400 with the documented message, on count_tokens too")
  void forcedToolRejected() throws Exception {
    for (String model : List.of("claude-sonnet-5-5", "claude-opus-5-5")) {
      for (String choice : List.of("tool", "any")) {
        assertInvalid(messages(withTool(request(model, 2), choice)), RequestRules.FORCED_TOOL);
        JsonObject count = withTool(request(model, 2), choice);
        count.remove("max_tokens");
        assertInvalid(post("/v1/messages/count_tokens", count), RequestRules.FORCED_TOOL);
      }
    }
    assertThat(messages(withTool(request("claude-sonnet-5-5", 2), "auto")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("Haiku 5.5 accepts a forced tool and answers with the tool call first, without a thinking block or thinking tokens")
  void haikuForcedToolHasNoThinking() throws Exception {
    long before = thinkingTokens("claude-haiku-5-5");
    Reply r = messages(withTool(request("claude-haiku-5-5", 2), "tool"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.content()).hasSize(1);
    assertThat(r.block(0).getString("type")).isEqualTo("tool_use");
    assertThat(r.body().getString("stop_reason")).isEqualTo("tool_use");
    assertThat(thinkingTokens("claude-haiku-5-5")).isEqualTo(before);
  }

  @Test
  @DisplayName("thinking disabled is a 400 on Opus 5.5 and Sonnet 5.5 (each with its message), accepted on Haiku 5.5 up to high effort with no thinking block")
  void thinkingDisabled() throws Exception {
    assertInvalid(messages(request("claude-opus-5-5", 2).put("thinking", thinking("disabled"))),
        String.format(RequestRules.USE_ADAPTIVE, "disabled"));
    assertInvalid(messages(request("claude-sonnet-5-5", 2).put("thinking", thinking("disabled"))),
        "To turn thinking off on this model, send \"thinking\": {\"type\": \"between_tools\"} instead of {\"type\": \"disabled\"}. "
            + "The model does not think before responding. The short updates it writes between tool calls come back as thinking blocks.");

    JsonObject haiku = withFormat(request("claude-haiku-5-5", 2).put("thinking", thinking("disabled")), resultsSchema(itemSchema()));
    haiku.getJsonObject("output_config").put("effort", "high");
    Reply r = messages(haiku);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.content()).extracting(b -> ((JsonObject) b).getString("type")).containsExactly("text");
    long visible = SimTokenizer.scale(SimTokenizer.raw(r.block(0).getString("text")), 1.3);
    assertThat(r.outputTokens()).isEqualTo(visible);

    haiku.getJsonObject("output_config").put("effort", "xhigh");
    assertInvalid(messages(haiku), "output_config.effort 'xhigh' is not supported when thinking is disabled on this model. "
        + "Use effort 'high' or below, or enable thinking.");
  }

  @Test
  @DisplayName("manual thinking budgets are a 400 on every 5.5 model and accepted on the 4.x models, which then think within the budget")
  void thinkingBudgets() throws Exception {
    JsonObject budget = new JsonObject().put("type", "enabled").put("budget_tokens", 2048);
    for (String model : List.of("claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5")) {
      assertInvalid(messages(request(model, 2).put("thinking", budget.copy())), String.format(RequestRules.USE_ADAPTIVE, "enabled"));
    }
    long before = thinkingTokens("claude-haiku-4-5");
    Reply r = messages(withTool(request("claude-haiku-4-5", 2), "auto").put("thinking", budget.copy()));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.block(0).getString("type")).isEqualTo("thinking");
    assertThat(r.block(1).getString("type")).isEqualTo("tool_use");
    // min(budget, the high-effort figure 400 + 50 per review)
    assertThat(thinkingTokens("claude-haiku-4-5") - before).isEqualTo(500);
    // the 4.x models refuse thinking under a forced tool
    assertInvalid(messages(withTool(request("claude-haiku-4-5", 2), "tool").put("thinking", budget.copy())),
        RequestRules.THINKING_WITH_FORCED_TOOL);
  }

  @Test
  @DisplayName("between_tools: Sonnet 5.5 only, effort high or below, no other field; a tool call gets one progress-update thinking block, a JSON answer none")
  void betweenTools() throws Exception {
    long before = thinkingTokens("claude-sonnet-5-5");
    Reply tool = messages(withTool(request("claude-sonnet-5-5", 2), "auto").put("thinking", thinking("between_tools")));
    assertThat(tool.status()).as(tool.raw()).isEqualTo(200);
    assertThat(tool.content()).extracting(b -> ((JsonObject) b).getString("type")).containsExactly("thinking", "tool_use");
    assertThat(thinkingTokens("claude-sonnet-5-5") - before).isEqualTo(ThinkingPlan.PROGRESS_UPDATE_TOKENS);

    Reply json = messages(withFormat(request("claude-sonnet-5-5", 2), resultsSchema(itemSchema())).put("thinking", thinking("between_tools")));
    assertThat(json.content()).extracting(b -> ((JsonObject) b).getString("type")).containsExactly("text");

    assertInvalid(messages(request("claude-sonnet-5-5", 2).put("thinking", thinking("between_tools").put("display", "omitted"))),
        "thinking.between_tools.display: Extra inputs are not permitted");
    JsonObject max = request("claude-sonnet-5-5", 2).put("thinking", thinking("between_tools"))
        .put("output_config", new JsonObject().put("effort", "max"));
    assertThat(messages(max).status()).isEqualTo(400);
    for (String model : List.of("claude-opus-5-5", "claude-haiku-5-5", "claude-sonnet-4-6")) {
      assertInvalid(messages(request(model, 2).put("thinking", thinking("between_tools"))), RequestRules.BETWEEN_TOOLS_UNSUPPORTED);
    }
  }

  @Test
  @DisplayName("adaptive thinking is accepted on the 5.5 and 4.6 models (4.6 summarizes it) and a 400 on the 4.5 models")
  void adaptiveThinking() throws Exception {
    assertInvalid(messages(request("claude-sonnet-4-5", 2).put("thinking", thinking("adaptive"))), RequestRules.ADAPTIVE_UNSUPPORTED);
    assertInvalid(messages(request("claude-haiku-4-5-20251001", 2).put("thinking", thinking("adaptive"))), RequestRules.ADAPTIVE_UNSUPPORTED);
    Reply r = messages(withTool(request("claude-sonnet-4-6", 2), "auto").put("thinking", thinking("adaptive")));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.block(0).getString("type")).isEqualTo("thinking");
    assertThat(r.block(0).getString("thinking")).isNotEmpty();
    Reply off = messages(withTool(request("claude-sonnet-4-6", 2), "auto"));
    assertThat(off.content()).extracting(b -> ((JsonObject) b).getString("type")).containsExactly("tool_use");
  }

  @Test
  @DisplayName("output_config.effort must be one of low, medium, high, xhigh, max and a level the model has")
  void effortValues() throws Exception {
    JsonObject bad = request("claude-sonnet-5-5", 2).put("output_config", new JsonObject().put("effort", "extreme"));
    assertThat(messages(bad).status()).isEqualTo(400);
    JsonObject xhigh46 = request("claude-opus-4-6", 2).put("output_config", new JsonObject().put("effort", "xhigh"));
    assertThat(messages(xhigh46).status()).isEqualTo(400);
    JsonObject onHaiku45 = request("claude-haiku-4-5", 2).put("output_config", new JsonObject().put("effort", "low"));
    assertThat(messages(onHaiku45).status()).isEqualTo(400);
    JsonObject low = request("claude-opus-5-5", 2).put("output_config", new JsonObject().put("effort", "low"));
    assertThat(messages(low).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("sampling: Sonnet/Opus 5.5 reject any temperature but 1, any top_p or top_k; Haiku 5.5 takes temperature 1 or top_p 0.99, never both, never top_k")
  void sampling() throws Exception {
    assertThat(messages(request("claude-sonnet-5-5", 2).put("temperature", 0.5)).status()).isEqualTo(400);
    assertThat(messages(request("claude-opus-5-5", 2).put("top_p", 0.9)).status()).isEqualTo(400);
    assertThat(messages(request("claude-opus-5-5", 2).put("top_k", 40)).status()).isEqualTo(400);
    assertThat(messages(request("claude-sonnet-5-5", 2).put("temperature", 1)).status()).isEqualTo(200);

    assertThat(messages(request("claude-haiku-5-5", 2).put("temperature", 1)).status()).isEqualTo(200);
    assertThat(messages(request("claude-haiku-5-5", 2).put("top_p", 0.99)).status()).isEqualTo(200);
    assertThat(messages(request("claude-haiku-5-5", 2).put("top_p", 1)).status()).isEqualTo(400);
    assertThat(messages(request("claude-haiku-5-5", 2).put("temperature", 0.7)).status()).isEqualTo(400);
    assertThat(messages(request("claude-haiku-5-5", 2).put("top_k", 5)).status()).isEqualTo(400);
    Reply both = messages(request("claude-haiku-5-5", 2).put("temperature", 1).put("top_p", 0.99));
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.errorType()).isEqualTo("invalid_request_error");

    // the 4.x models limit sampling only while thinking is on
    assertThat(messages(request("claude-sonnet-4-6", 2).put("temperature", 0.2)).status()).isEqualTo(200);
    assertThat(messages(request("claude-sonnet-4-6", 2).put("temperature", 0.2).put("thinking", thinking("adaptive"))).status())
        .isEqualTo(400);
  }

  @Test
  @DisplayName("assistant prefill is a 400 with the documented message on 4.6 and 5.5 models, accepted on 4.5")
  void prefill() throws Exception {
    for (String model : List.of("claude-sonnet-4-6", "claude-opus-4-6", "claude-haiku-5-5", "claude-sonnet-5-5")) {
      JsonObject body = request(model, 2);
      body.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("content", "{\"results\":["));
      assertInvalid(messages(body), RequestRules.PREFILL);
    }
    JsonObject old = request("claude-sonnet-4-5-20250929", 2);
    old.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("content", "{\"results\":["));
    assertThat(messages(old).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("structured outputs: an unsupported keyword in a json_schema format or a strict tool is a 400 naming it and its path; objects need additionalProperties false")
  void schemaKeywords() throws Exception {
    JsonObject withMinimum = itemSchema();
    withMinimum.getJsonObject("properties").put("confidence", new JsonObject().put("type", "number").put("minimum", 0));
    Reply format = messages(withFormat(request("claude-sonnet-5-5", 2), resultsSchema(withMinimum)));
    assertThat(format.status()).isEqualTo(400);
    assertThat(format.errorMessage()).contains("'minimum'")
        .contains("output_config.format.schema.properties.results.items.properties.confidence");

    JsonObject withMaxLength = itemSchema();
    withMaxLength.getJsonObject("properties").getJsonObject("id").put("maxLength", 10);
    JsonObject strict = request("claude-sonnet-5-5", 2)
        .put("tools", new JsonArray().add(tool("record_verdicts", withMaxLength, true)));
    Reply tool = messages(strict);
    assertThat(tool.status()).isEqualTo(400);
    assertThat(tool.errorMessage()).contains("'maxLength'").contains("tools.0.input_schema.properties.results.items.properties.id");
    // the same schema on a tool that is not strict is not checked
    strict.getJsonArray("tools").getJsonObject(0).remove("strict");
    assertThat(messages(strict).status()).isEqualTo(200);

    JsonObject open = itemSchema();
    open.remove("additionalProperties");
    Reply missing = messages(withFormat(request("claude-opus-5-5", 2), resultsSchema(open)));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.errorMessage()).contains("additionalProperties").contains("properties.results.items");

    JsonObject twoItems = resultsSchema(itemSchema());
    twoItems.getJsonObject("properties").getJsonObject("results").put("minItems", 2);
    assertThat(messages(withFormat(request("claude-opus-5-5", 2), twoItems)).status()).isEqualTo(400);
  }

  @Test
  @DisplayName("more than 20 strict tools and an unknown output_config.format type are 400s")
  void strictToolLimitAndFormatType() throws Exception {
    JsonArray tools = new JsonArray();
    for (int i = 0; i < 21; i++) {
      tools.add(tool("t" + i, itemSchema(), true));
    }
    assertThat(messages(request("claude-sonnet-5-5", 2).put("tools", tools)).status()).isEqualTo(400);
    tools.remove(20);
    assertThat(messages(request("claude-sonnet-5-5", 2).put("tools", tools)).status()).isEqualTo(200);

    JsonObject yaml = request("claude-sonnet-5-5", 2)
        .put("output_config", new JsonObject().put("format", new JsonObject().put("type", "yaml")));
    Reply r = messages(yaml);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorType()).isEqualTo("invalid_request_error");
  }

  @Test
  @DisplayName("an unknown model id and a model the knob retires are answered 404 not_found_error 'model: <id>'")
  void unknownAndRetiredModels() throws Exception {
    Reply unknown = messages(request("claude-sonnet-9-9", 2));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorType()).isEqualTo("not_found_error");
    assertThat(unknown.errorMessage()).isEqualTo("model: claude-sonnet-9-9");

    sim.configure(new JsonObject().put("retired_models", new JsonArray().add("claude-sonnet-4-5")));
    Reply retired = messages(request("claude-sonnet-4-5", 2));
    assertThat(retired.status()).isEqualTo(404);
    assertThat(retired.errorMessage()).isEqualTo("model: claude-sonnet-4-5");
    assertThat(messages(request("claude-sonnet-4-5-20250929", 2)).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a 5.5 request without a thinking field thinks: a thinking block with an empty text and a signature first, its tokens in output_tokens and in the stats")
  void defaultThinking() throws Exception {
    long before = thinkingTokens("claude-sonnet-5-5");
    Reply r = messages(withTool(request("claude-sonnet-5-5", 4), "auto"));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    JsonObject thinking = r.block(0);
    assertThat(thinking.fieldNames()).containsExactlyInAnyOrder("type", "thinking", "signature");
    assertThat(thinking.getString("thinking")).isEmpty();
    assertThat(thinking.getString("signature")).isNotBlank();
    assertThat(r.block(1).getString("type")).isEqualTo("tool_use");
    // Sonnet 5.5 defaults to high effort: 400 + 50 per review
    long expected = 400 + 50 * 4;
    assertThat(thinkingTokens("claude-sonnet-5-5") - before).isEqualTo(expected);
    long visible = SimTokenizer.scale(SimTokenizer.raw(r.block(1).getJsonObject("input").encode()), 1.3);
    assertThat(r.outputTokens()).isEqualTo(expected + visible);
    assertThat(r.body().getJsonObject("usage").fieldNames()).noneMatch(f -> f.contains("thinking"));

    long low = thinkingTokens("claude-sonnet-5-5");
    messages(withTool(request("claude-sonnet-5-5", 4), "auto").put("output_config", new JsonObject().put("effort", "low")));
    assertThat(thinkingTokens("claude-sonnet-5-5") - low).isEqualTo(12 + 2 * 4);
  }

  @Test
  @DisplayName("a json_schema answer is one text block whose JSON has every review in the schema's item shape, stop_reason end_turn, stop_details null")
  void jsonSchemaAnswer() throws Exception {
    Reply r = messages(withFormat(request("claude-opus-5-5", 3), resultsSchema(itemSchema())));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.content()).extracting(b -> ((JsonObject) b).getString("type")).containsExactly("thinking", "text");
    JsonArray results = new JsonObject(r.block(1).getString("text")).getJsonArray("results");
    assertThat(results).hasSize(3);
    for (Object o : results) {
      assertThat(((JsonObject) o).fieldNames()).containsExactlyInAnyOrder("id", "is_spam", "sentiment");
    }
    assertThat(results.getJsonObject(0).getBoolean("is_spam")).isTrue();
    assertThat(r.body().getString("stop_reason")).isEqualTo("end_turn");
    assertThat(r.body().containsKey("stop_details")).isTrue();
    assertThat(r.body().getValue("stop_details")).isNull();
  }

  @Test
  @DisplayName("a truncated tool call keeps the complete items and one incomplete item missing required fields; output_tokens is max_tokens")
  void truncatedToolInput() throws Exception {
    sim.configure(new JsonObject().put("truncate_above", 2));
    Reply r = messages(withTool(request("claude-haiku-5-5", 5), "tool"));
    assertThat(r.body().getString("stop_reason")).isEqualTo("max_tokens");
    assertThat(r.outputTokens()).isEqualTo(16000);
    JsonArray results = r.block(0).getJsonObject("input").getJsonArray("results");
    assertThat(results).hasSize(3);
    assertThat(results.getJsonObject(0).fieldNames()).contains("id", "is_spam", "sentiment");
    assertThat(results.getJsonObject(1).fieldNames()).contains("id", "is_spam", "sentiment");
    assertThat(results.getJsonObject(2).getString("id")).isEqualTo("3");
    assertThat(results.getJsonObject(2).fieldNames()).doesNotContain("sentiment");

    // the same cut when max_tokens runs out (Sonnet 4.6 does not think by default)
    sim.configure(new JsonObject().put("truncate_above", 0));
    Reply small = messages(withTool(request("claude-sonnet-4-6", 20), "tool").put("max_tokens", 60));
    assertThat(small.body().getString("stop_reason")).isEqualTo("max_tokens");
    assertThat(small.outputTokens()).isEqualTo(60);
    JsonArray cut = small.block(0).getJsonObject("input").getJsonArray("results");
    assertThat(cut.size()).isBetween(1, 19);
    assertThat(cut.getJsonObject(cut.size() - 1).fieldNames()).doesNotContain("sentiment");
  }

  @Test
  @DisplayName("a truncated json_schema text is unparseable but starts with the complete items; thinking that fills max_tokens leaves only the thinking block")
  void truncatedJsonText() throws Exception {
    sim.configure(new JsonObject().put("truncate_above", 2));
    Reply r = messages(withFormat(request("claude-opus-5-5", 4), resultsSchema(itemSchema())));
    assertThat(r.body().getString("stop_reason")).isEqualTo("max_tokens");
    String text = r.block(1).getString("text");
    assertThatThrownBy(() -> new JsonObject(text)).isInstanceOf(DecodeException.class);
    sim.configure(new JsonObject().put("truncate_above", 0));
    JsonArray full = new JsonObject(messages(withFormat(request("claude-opus-5-5", 4), resultsSchema(itemSchema())))
        .block(1).getString("text")).getJsonArray("results");
    assertThat(text).startsWith("{\"results\":[" + full.getJsonObject(0).encode() + "," + full.getJsonObject(1).encode() + ",");
    assertThat(text.length()).isGreaterThan(("{\"results\":[" + full.getJsonObject(0).encode() + "," + full.getJsonObject(1).encode() + ",").length());

    // Opus 5.5 at medium effort thinks 150 + 20 per review, more than this max_tokens
    Reply thinkingOnly = messages(withFormat(request("claude-opus-5-5", 4), resultsSchema(itemSchema())).put("max_tokens", 100));
    assertThat(thinkingOnly.body().getString("stop_reason")).isEqualTo("max_tokens");
    assertThat(thinkingOnly.content()).extracting(b -> ((JsonObject) b).getString("type")).containsExactly("thinking");
    assertThat(thinkingOnly.outputTokens()).isEqualTo(100);
  }

  @Test
  @DisplayName("context_window_exceeded_above cuts like a truncation but with stop_reason model_context_window_exceeded")
  void contextWindowExceeded() throws Exception {
    sim.configure(new JsonObject().put("context_window_exceeded_above", 1));
    Reply r = messages(withTool(request("claude-haiku-5-5", 3), "tool"));
    assertThat(r.body().getString("stop_reason")).isEqualTo("model_context_window_exceeded");
    JsonArray results = r.block(0).getJsonObject("input").getJsonArray("results");
    assertThat(results).hasSize(2);
    assertThat(results.getJsonObject(1).fieldNames()).doesNotContain("sentiment");
  }

  @Test
  @DisplayName("refuse_marker stops at the first review containing it: the items before it as partial content, stop_reason refusal with stop_details")
  void refuseMarker() throws Exception {
    sim.configure(new JsonObject().put("refuse_marker", "LID BROKE"));
    Reply tool = messages(withTool(request("claude-haiku-5-5", 4), "tool"));
    assertThat(tool.body().getString("stop_reason")).isEqualTo("refusal");
    assertThat(tool.body().getJsonObject("stop_details").getString("type")).isEqualTo("refusal");
    assertThat(tool.body().getJsonObject("stop_details").getString("category")).isEqualTo("general_harms");
    assertThat(tool.body().getJsonObject("stop_details").getString("explanation")).isNotBlank();
    JsonArray results = tool.block(0).getJsonObject("input").getJsonArray("results");
    assertThat(results).extracting(o -> ((JsonObject) o).getString("id")).containsExactly("1", "2");

    Reply json = messages(withFormat(request("claude-haiku-5-5", 4), resultsSchema(itemSchema())));
    assertThat(json.body().getString("stop_reason")).isEqualTo("refusal");
    String text = json.block(json.content().size() - 1).getString("text");
    assertThat(text).startsWith("{\"results\":[{\"id\":\"1\"").contains("{\"id\":\"2\"").doesNotContain("\"id\":\"3\"");

    sim.configure(new JsonObject().put("refuse_marker", "").put("refuse", true));
    Reply all = messages(withTool(request("claude-haiku-5-5", 4), "tool"));
    assertThat(all.content()).isEmpty();
    assertThat(all.outputTokens()).isZero();
    assertThat(all.body().getJsonObject("stop_details").getString("category")).isEqualTo("general_harms");
  }

  @Test
  @DisplayName("workspace_spend_limit is a 400 invalid_request_error without details naming the first day of next month; spend_limit a 429 with error_code and no retry-after")
  void spendLimits() throws Exception {
    sim.configure(new JsonObject().put("workspace_spend_limit", true));
    Reply r = messages(request("claude-sonnet-5-5", 2));
    String nextMonth = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1).toString();
    assertInvalid(r, "You have reached your specified workspace API usage limits. You will regain access on "
        + nextMonth + " at 00:00 UTC.");
    assertThat(r.body().getJsonObject("error").containsKey("details")).isFalse();

    sim.configure(new JsonObject().put("workspace_spend_limit", false).put("spend_limit", true));
    Reply cap = messages(request("claude-sonnet-5-5", 2));
    assertThat(cap.status()).isEqualTo(429);
    assertThat(cap.body().getJsonObject("error").getJsonObject("details").getString("error_code")).isEqualTo("enforced_spend_limit_reached");
    assertThat(cap.http().headers().firstValue("retry-after")).isEmpty();
  }

  @Test
  @DisplayName("fail_status answers each documented status with its error type (402 billing_error, 403 permission_error, ...), only for matching system prompts")
  void failStatuses() throws Exception {
    for (int status : List.of(402, 403, 409, 413, 504, 529)) {
      sim.configure(new JsonObject().put("fail_status", status));
      Reply r = messages(request("claude-haiku-5-5", 2));
      assertThat(r.status()).isEqualTo(status);
      assertThat(r.errorType()).isEqualTo(ApiError.typeOf(status));
    }
    assertThat(ApiError.typeOf(402)).isEqualTo("billing_error");
    assertThat(ApiError.typeOf(403)).isEqualTo("permission_error");

    sim.configure(new JsonObject().put("fail_status", 500).put("fail_system_contains", "analysis stage"));
    assertThat(messages(request("claude-haiku-5-5", 2)).status()).isEqualTo(200);
    sim.configure(new JsonObject().put("fail_system_contains", "content-moderation stage"));
    assertThat(messages(request("claude-haiku-5-5", 2)).status()).isEqualTo(500);

    assertThatThrownBy(() -> sim.configure(new JsonObject().put("fail_status", 418))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("reject_marker answers a batch containing it with a 400 invalid_request_error, and other batches normally")
  void rejectMarker() throws Exception {
    sim.configure(new JsonObject().put("reject_marker", "www.cheap"));
    Reply r = messages(request("claude-haiku-5-5", 2));
    assertInvalid(r, "messages.0.content.0.text: simulated content rejection");
    JsonObject clean = request("claude-haiku-5-5", 3);
    clean.getJsonArray("messages").getJsonObject(0).put("content",
        "<reviews>\n" + new JsonArray(reviews(3).getList().subList(1, 3)).encode() + "\n</reviews>");
    assertThat(messages(clean).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("the 5.5 models count about 1.3 times the tokens of the 4.x models for the same request, tools add 346 (auto) or 313 (forced) times the ratio, and the rule is not characters / 3.5")
  void tokenCounts() throws Exception {
    JsonObject body = withTool(request("claude-sonnet-4-6", 30), "auto");
    body.remove("max_tokens");
    long legacy = post("/v1/messages/count_tokens", body).body().getLong("input_tokens");
    long current = post("/v1/messages/count_tokens", body.copy().put("model", "claude-haiku-5-5")).body().getLong("input_tokens");
    assertThat((double) current / legacy).isBetween(1.29, 1.31);

    long forced = post("/v1/messages/count_tokens", body.copy()
        .put("tool_choice", new JsonObject().put("type", "tool").put("name", "record_verdicts"))).body().getLong("input_tokens");
    assertThat(legacy - forced).isEqualTo(346 - 313);

    // the answer's usage counts the same input
    JsonObject send = body.copy().put("max_tokens", 4096);
    assertThat(messages(send).body().getJsonObject("usage").getLong("input_tokens")).isEqualTo(legacy);

    long chars = SimTokenizer.systemText(body).length() + body.getJsonArray("tools").encode().length()
        + body.getJsonArray("messages").getJsonObject(0).getString("content").length();
    assertThat(Math.abs(legacy - 346 - chars / 3.5) / (chars / 3.5)).isGreaterThan(0.1);
  }
}
