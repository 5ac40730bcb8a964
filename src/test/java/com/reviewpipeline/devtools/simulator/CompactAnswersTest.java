package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.claude.request.ParsedResponse;
import com.reviewpipeline.claude.request.ResponseReader;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.tokens.TokenCalibration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shipped moderator's compact schema against the simulator: the pipeline's own requests (forced tool on Haiku 5.5,
 * {@code output_config.format} on Sonnet and Opus 5.5) are answered in compact codes that the pipeline's reader maps
 * back to the verdicts the simulator's judge gives, and {@code output_tokens} count the JSON returned.
 */
class CompactAnswersTest {

  static Vertx vertx;
  static ClaudeSimulator sim;
  static AppConfig compact;
  static AppConfig verbose;
  static final VerdictHeuristic JUDGE = new VerdictHeuristic();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0));
    vertx.deployVerticle(sim).toCompletionStage().toCompletableFuture().get();
    compact = load(List.of());
    verbose = load(List.of("pipelines.0.tool_file=pipelines/moderator.verbose.tool.json",
        "pipelines.0.prompt_file=pipelines/moderator.verbose.prompt.txt", "pipelines.0.output_chars_per_item=140"));
  }

  static AppConfig load(List<String> sets) throws Exception {
    List<String> all = new ArrayList<>(List.of("pipelines.1.enabled=false"));
    all.addAll(sets);
    return ConfigLoader.load(vertx, ConfigLoader.DEFAULT_PATH, Map.of(), new JsonObject(), all)
        .toCompletionStage().toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  static List<ReviewEvent> batch() {
    ReviewGenerator g = new ReviewGenerator(17);
    List<ReviewEvent> out = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      out.add(g.next());
    }
    out.add(new ReviewEvent("link", "p", "u", "Best deals at www.cheap.example, you idiots", 1, "2026-01-01T00:00:00Z", "web"));
    out.add(new ReviewEvent("fake", "p", "u", "Best product ever, highly recommend!!", 5, "2026-01-01T00:00:00Z", "web"));
    return out;
  }

  record Answer(JsonObject body, ParsedResponse parsed) {}

  static Answer judge(AppConfig config, String model, List<ReviewEvent> batch) throws Exception {
    PipelineConfig moderator = config.pipelines().get(0);
    ClaudeRequests requests = new ClaudeRequests(config.models(), config.anthropic(), new TokenCalibration(10));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/messages"))
        .header("x-api-key", "sk-test").header("anthropic-version", "2023-06-01").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(requests.request(model, moderator, batch).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    return new Answer(body, ResponseReader.of(moderator)
        .read(body, config.models().of(model).output(), ClaudeRequests.batchIds(batch.size())));
  }

  /** The answer's own JSON: the tool input or the text block. */
  static String answerJson(JsonObject body) {
    for (Object o : body.getJsonArray("content")) {
      JsonObject b = (JsonObject) o;
      if ("tool_use".equals(b.getString("type"))) {
        return b.getJsonObject("input").encode();
      }
      if ("text".equals(b.getString("type"))) {
        return b.getString("text");
      }
    }
    throw new AssertionError("no answer block: " + body.encode());
  }

  @Test
  @DisplayName("on every 5.5 tier the compact answer maps back to the judge's verdicts: flags, sentiment, confidence, reason only when flagged")
  void compactAnswersMapBackToTheJudgesVerdicts() throws Exception {
    List<ReviewEvent> batch = batch();
    for (String model : List.of("claude-haiku-5-5", "claude-sonnet-5-5", "claude-opus-5-5")) {
      Answer a = judge(compact, model, batch);
      assertThat(a.parsed().invalid()).as(model).isEmpty();
      assertThat(a.parsed().missing()).as(model).isEmpty();
      JsonArray items = new JsonObject(answerJson(a.body())).getJsonArray("results");
      assertThat(items).as(model).hasSize(batch.size()).allSatisfy(o ->
          assertThat(((JsonObject) o).fieldNames()).isSubsetOf("i", "f", "s", "c", "r"));
      // Haiku judges with the lite judge (api-models.json judge: lite): its own fake and sentiment rules
      boolean lite = model.contains("haiku");
      for (int k = 0; k < batch.size(); k++) {
        ReviewEvent e = batch.get(k);
        JsonObject v = a.parsed().verdicts().get(String.valueOf(k + 1));
        boolean spam = JUDGE.isSpam(e.reviewText());
        boolean abusive = JUDGE.isAbusive(e.reviewText());
        boolean fake = lite ? JUDGE.isFakeLite(e.reviewText(), e.rating()) : JUDGE.isFake(e.reviewText(), e.rating());
        assertThat(v.getBoolean("is_spam")).as(model + " " + e.reviewText()).isEqualTo(spam);
        assertThat(v.getBoolean("is_abusive")).isEqualTo(abusive);
        assertThat(v.getBoolean("is_fake")).isEqualTo(fake);
        assertThat(v.getString("sentiment")).isEqualTo(lite ? JUDGE.sentimentLite(e.rating())
            : JUDGE.sentiment(e.reviewText(), e.rating()));
        assertThat(v.getDouble("confidence")).isEqualTo(e.rating() == 3 ? 0.6 : 0.9);
        assertThat(v.containsKey("reason")).as("a reason exactly when flagged").isEqualTo(spam || abusive || fake);
      }
      assertThat(a.parsed().verdicts().get("21").getBoolean("is_abusive")).isTrue();
      assertThat(a.parsed().verdicts().get("22").getBoolean("is_fake")).isTrue();
    }
  }

  @Test
  @DisplayName("output_tokens count the compact JSON returned (Haiku, no thinking): a third fewer than for the documented fields, same verdicts")
  void outputTokensCountTheReturnedJson() throws Exception {
    List<ReviewEvent> batch = batch();
    Answer small = judge(compact, "claude-haiku-5-5", batch);
    Answer large = judge(verbose, "claude-haiku-5-5", batch);
    long smallTokens = small.body().getJsonObject("usage").getLong("output_tokens");
    long largeTokens = large.body().getJsonObject("usage").getLong("output_tokens");
    assertThat(smallTokens).isEqualTo(SimTokenizer.scale(SimTokenizer.raw(answerJson(small.body())), 1.3));
    assertThat(largeTokens).isEqualTo(SimTokenizer.scale(SimTokenizer.raw(answerJson(large.body())), 1.3));
    // the reasons are the same text either way; the keys, flags, sentiment and confidence are what shrinks
    assertThat(smallTokens).as("compact vs documented fields for the same 22 reviews").isLessThan(largeTokens * 2 / 3);
    assertThat(small.parsed().verdicts()).as("the same verdicts either way").isEqualTo(large.parsed().verdicts()
        .entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, en -> {
          JsonObject v = en.getValue().copy();
          v.put("confidence", Math.round(v.getDouble("confidence") * 10) / 10.0);
          return v;
        })));
  }
}
