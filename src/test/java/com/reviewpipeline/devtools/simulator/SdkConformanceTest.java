package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.JsonOutputFormat;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.OutputConfig;
import com.anthropic.models.messages.RefusalStopDetails;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ThinkingBlock;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolUseBlock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK against the simulator: if the SDK parses the simulator's
 * messages, tool_use blocks, usage and errors, the simulator speaks the documented wire format.
 */
class SdkConformanceTest {

  /** The test's own minimum for Sonnet 4.6 (the model table says 1,024), to exercise the override knob. */
  static final JsonObject CACHE_MIN = new JsonObject().put("cache_min_tokens", new JsonObject().put("claude-sonnet-4-6", 2048));

  static Vertx vertx;
  static ClaudeSimulator sim;
  AnthropicClient client;

  @BeforeAll
  static void startSimulator() throws Exception {
    vertx = Vertx.vertx();
    sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0).merge(CACHE_MIN));
    vertx.deployVerticle(sim).toCompletionStage().toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void client() {
    sim.configure(SimulatorSettings.defaults(1, 0).merge(CACHE_MIN).toJson());
    client = AnthropicOkHttpClient.builder().apiKey("sk-test").baseUrl(sim.baseUrl()).maxRetries(0).build();
  }

  static Tool verdictTool() {
    return Tool.builder()
        .name("record_verdicts")
        .description("Record one verdict per review.")
        .inputSchema(Tool.InputSchema.builder()
            .properties(JsonValue.from(Map.of("results", Map.of("type", "array", "items", Map.of(
                "type", "object",
                "properties", Map.of(
                    "id", Map.of("type", "string"),
                    "is_spam", Map.of("type", "boolean"),
                    "sentiment", Map.of("type", "string", "enum", List.of("positive", "neutral", "negative"))),
                "required", List.of("id", "is_spam", "sentiment"))))))
            .addRequired("results")
            .build())
        .build();
  }

  static MessageCreateParams.Builder request(String system, boolean cache) {
    TextBlockParam.Builder sys = TextBlockParam.builder().text(system);
    if (cache) {
      sys.cacheControl(CacheControlEphemeral.builder().build());
    }
    String reviews = new JsonArray()
        .add(new JsonObject().put("id", "r1").put("text", "Buy now at www.cheap.example").put("rating", 5))
        .add(new JsonObject().put("id", "r2").put("text", "Lovely kettle, works well.").put("rating", 5))
        .encode();
    return MessageCreateParams.builder()
        .model("claude-sonnet-4-6")
        .maxTokens(1024)
        .systemOfTextBlockParams(List.of(sys.build()))
        .addTool(verdictTool())
        .toolChoice(ToolChoiceTool.builder().name("record_verdicts").build())
        .addUserMessage("<reviews>\n" + reviews + "\n</reviews>");
  }

  @Test
  @DisplayName("the SDK parses a forced tool answer: tool_use block by type, input, stop_reason tool_use, usage; strict validation passes")
  void parsesToolUseMessage() {
    Message m = client.messages().create(request("Judge the reviews.", false).build());
    m.validate();
    assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
    ToolUseBlock tool = m.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
    assertThat(tool.name()).isEqualTo("record_verdicts");
    assertThat(tool.id()).startsWith("toolu_");
    JsonObject input = new JsonObject(tool._input().convert(Map.class));
    JsonArray results = input.getJsonArray("results");
    assertThat(results).hasSize(2);
    JsonObject r1 = results.getJsonObject(0);
    assertThat(r1.getString("id")).isEqualTo("r1");
    assertThat(r1.getBoolean("is_spam")).isTrue();
    assertThat(results.getJsonObject(1).getString("sentiment")).isEqualTo("positive");
    assertThat(m.usage().inputTokens()).isPositive();
    assertThat(m.usage().outputTokens()).isPositive();
    assertThat(m.usage().cacheCreationInputTokens()).contains(0L);
    assertThat(m.usage().cacheReadInputTokens()).contains(0L);
  }

  @Test
  @DisplayName("cache_control on a prefix over the model's minimum: first call writes the cache, the second reads it; below the minimum nothing is cached")
  void promptCachingUsage() {
    String longSystem = "Judge each review for spam, abuse and fake praise. ".repeat(200);
    Message first = client.messages().create(request(longSystem, true).build());
    Message second = client.messages().create(request(longSystem, true).build());
    assertThat(first.usage().cacheCreationInputTokens().orElse(0L)).isGreaterThanOrEqualTo(2048);
    assertThat(first.usage().cacheReadInputTokens()).contains(0L);
    assertThat(second.usage().cacheReadInputTokens()).isEqualTo(first.usage().cacheCreationInputTokens());
    assertThat(second.usage().cacheCreationInputTokens()).contains(0L);
    assertThat(second.usage().inputTokens()).isEqualTo(first.usage().inputTokens());

    Message small = client.messages().create(request("Short prompt. ".repeat(10), true).build());
    assertThat(small.usage().cacheCreationInputTokens()).contains(0L);
    assertThat(small.usage().cacheReadInputTokens()).contains(0L);
  }

  @Test
  @DisplayName("typed errors: 401 UnauthorizedException, 400 BadRequestException, 429 RateLimitException with retry-after and rate-limit headers (limits pooled per model class), 500 InternalServerException, 529 OverloadedException, spend limit carries error.details.error_code")
  void typedErrors() {
    sim.configure(new JsonObject().put("invalid_keys", new JsonArray().add("sk-revoked")));
    AnthropicClient revoked = AnthropicOkHttpClient.builder().apiKey("sk-revoked").baseUrl(sim.baseUrl()).maxRetries(0).build();
    assertThatThrownBy(() -> revoked.messages().create(request("x", false).build()))
        .isInstanceOf(UnauthorizedException.class)
        .satisfies(e -> assertThat(((AnthropicServiceException) e).requestId()).isPresent());

    sim.configure(new JsonObject().put("fail_status", 400));
    assertThatThrownBy(() -> client.messages().create(request("x", false).build())).isInstanceOf(BadRequestException.class);
    sim.configure(new JsonObject().put("fail_status", 500));
    assertThatThrownBy(() -> client.messages().create(request("x", false).build())).isInstanceOf(InternalServerException.class);
    sim.configure(new JsonObject().put("fail_status", 529));
    assertThatThrownBy(() -> client.messages().create(request("x", false).build())).isInstanceOf(OverloadedException.class);
    sim.configure(new JsonObject().put("fail_status", 0));

    sim.configure(new JsonObject().put("requests_per_minute", 1));
    client.messages().create(request("x", false).build());
    assertThatThrownBy(() -> client.messages().create(request("x", false).build()))
        .isInstanceOf(RateLimitException.class)
        .satisfies(e -> {
          var headers = ((RateLimitException) e).headers();
          assertThat(headers.values("retry-after")).isNotEmpty();
          assertThat(headers.values("anthropic-ratelimit-requests-limit")).containsExactly("1");
          assertThat(headers.values("anthropic-ratelimit-requests-remaining")).containsExactly("0");
          assertThat(headers.values("anthropic-ratelimit-requests-reset")).isNotEmpty();
        });
    // limits are pooled per model class: Haiku has its own budget, another Sonnet model shares Sonnet's
    assertThat(client.messages().create(request("x", false).model("claude-haiku-4-5").build()).content()).isNotEmpty();
    assertThatThrownBy(() -> client.messages().create(request("x", false).model("claude-sonnet-4-5").build()))
        .isInstanceOf(RateLimitException.class);
    sim.configure(new JsonObject().put("requests_per_minute", 0).put("spend_limit", true));
    assertThatThrownBy(() -> client.messages().create(request("x", false).build()))
        .isInstanceOf(RateLimitException.class)
        .satisfies(e -> assertThat(((RateLimitException) e).errorCode()).contains("enforced_spend_limit_reached"));
  }

  static JsonOutputFormat verdictFormat() {
    return JsonOutputFormat.builder()
        .schema(JsonOutputFormat.Schema.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("results", Map.of("type", "array", "items", Map.of(
                "type", "object",
                "properties", Map.of(
                    "id", Map.of("type", "string"),
                    "is_spam", Map.of("type", "boolean"),
                    "sentiment", Map.of("type", "string", "enum", List.of("positive", "neutral", "negative"))),
                "required", List.of("id", "is_spam", "sentiment"),
                "additionalProperties", false)))))
            .putAdditionalProperty("required", JsonValue.from(List.of("results")))
            .putAdditionalProperty("additionalProperties", JsonValue.from(false))
            .build())
        .build();
  }

  /** A request without tools: reviews in the user turn, the answer shape left to the caller. */
  static MessageCreateParams.Builder plainRequest(String model) {
    String reviews = new JsonArray()
        .add(new JsonObject().put("id", "r1").put("text", "Buy now at www.cheap.example").put("rating", 5))
        .add(new JsonObject().put("id", "r2").put("text", "Lovely kettle, works well.").put("rating", 5))
        .encode();
    return MessageCreateParams.builder()
        .model(model)
        .maxTokens(4096)
        .system("Judge the reviews.")
        .addUserMessage("<reviews>\n" + reviews + "\n</reviews>");
  }

  @Test
  @DisplayName("the SDK parses a structured-output answer: after the 5.5 thinking block, one text block whose JSON follows the format's schema")
  void parsesStructuredOutput() {
    Message m = client.messages().create(plainRequest("claude-sonnet-5-5")
        .outputConfig(OutputConfig.builder().format(verdictFormat()).build())
        .build());
    m.validate();
    assertThat(m.stopReason()).contains(StopReason.END_TURN);
    assertThat(m.content()).hasSize(2);
    assertThat(m.content().get(0).isThinking()).isTrue();
    JsonObject json = new JsonObject(m.content().get(1).asText().text());
    assertThat(json.getJsonArray("results")).hasSize(2);
    assertThat(json.getJsonArray("results").getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("id", "is_spam", "sentiment");
    assertThat(json.getJsonArray("results").getJsonObject(0).getBoolean("is_spam")).isTrue();
  }

  @Test
  @DisplayName("a 5.5 answer without a thinking field starts with a ThinkingBlock (empty text, a signature), and its tokens are in output_tokens")
  void parsesDefaultThinking() {
    Message m = client.messages().create(plainRequest("claude-haiku-5-5").build());
    m.validate();
    ThinkingBlock thinking = m.content().get(0).asThinking();
    assertThat(thinking.thinking()).isEmpty();
    assertThat(thinking.signature()).isNotBlank();
    assertThat(m.content().get(1).isText()).isTrue();
    // Haiku 5.5 defaults to medium effort: 150 + 20 per review, by the simulator's assumption
    assertThat(m.usage().outputTokens()).isGreaterThan(150 + 20 * 2);
  }

  @Test
  @DisplayName("a refusal parses with stop_reason refusal, empty content and its stop details")
  void parsesRefusal() {
    sim.configure(new JsonObject().put("refuse", true));
    Message m = client.messages().create(plainRequest("claude-opus-5-5").build());
    m.validate();
    assertThat(m.stopReason()).contains(StopReason.REFUSAL);
    assertThat(m.content()).isEmpty();
    RefusalStopDetails details = m.stopDetails().orElseThrow();
    assertThat(details.category()).contains(RefusalStopDetails.Category.GENERAL_HARMS);
    assertThat(details.explanation()).isPresent();
    assertThat(m.usage().outputTokens()).isZero();
  }

  @Test
  @DisplayName("a forced tool_choice on claude-sonnet-5-5 raises BadRequestException with the documented message")
  void forcedToolRejectedOnSonnet55() {
    assertThatThrownBy(() -> client.messages().create(request("x", false).model("claude-sonnet-5-5").build()))
        .isInstanceOf(BadRequestException.class)
        .satisfies(e -> assertThat(((BadRequestException) e).apiMessage())
            .contains("tool_choice: type \"tool\" and \"any\" are not supported for this model."));
  }
}
