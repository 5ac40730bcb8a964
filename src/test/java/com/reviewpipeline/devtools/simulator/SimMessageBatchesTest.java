package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.models.ErrorObject;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchIndividualResponse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulator's Message Batches API, read by the official Anthropic Java SDK. */
class SimMessageBatchesTest {

  static Vertx vertx;
  static ClaudeSimulator sim;
  AnthropicClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0));
    vertx.deployVerticle(sim).toCompletionStage().toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void client() {
    sim.configure(SimulatorSettings.defaults(1, 0).merge(new JsonObject().put("batch_processing_ms", 300)).toJson());
    client = AnthropicOkHttpClient.builder().apiKey("sk-test").baseUrl(sim.baseUrl()).maxRetries(0).build();
  }

  static BatchCreateParams.Request request(String id, String model) {
    return BatchCreateParams.Request.builder().customId(id).params(BatchCreateParams.Request.Params.builder()
        .model(model).maxTokens(200).addUserMessage("Is this review spam? 'Great kettle, boils fast.'").build()).build();
  }

  @Test
  @DisplayName("a Message Batch is in_progress, then ended; its results, matched by custom_id in any order, hold a message per valid request and an errored invalid_request or not_found result for a bad one")
  void createPollAndReadResults() {
    // long enough that the batch is surely still running when its results are first asked for
    sim.configure(new JsonObject().put("batch_processing_ms", 2500));
    MessageBatch created = client.messages().batches().create(BatchCreateParams.builder()
        .addRequest(request("req-1", "claude-haiku-5-5"))
        .addRequest(request("req_2", "claude-sonnet-5-5"))
        .addRequest(request("req-3", "claude-no-such-model"))
        .build());
    assertThat(created.id()).startsWith("msgbatch_");
    assertThat(created.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.IN_PROGRESS);
    assertThat(created.requestCounts().processing()).isEqualTo(3);
    assertThat(created.resultsUrl()).isEmpty();
    assertThatThrownBy(() -> client.messages().batches().resultsStreaming(created.id()).stream().count())
        .as("results exist once the batch has ended").isInstanceOf(BadRequestException.class);

    await().atMost(Duration.ofSeconds(10)).until(() -> client.messages().batches().retrieve(created.id())
        .processingStatus().equals(MessageBatch.ProcessingStatus.ENDED));
    MessageBatch ended = client.messages().batches().retrieve(created.id());
    assertThat(ended.requestCounts().succeeded()).isEqualTo(2);
    assertThat(ended.requestCounts().errored()).isEqualTo(1);
    assertThat(ended.requestCounts().processing()).isZero();
    assertThat(ended.endedAt()).isPresent();
    assertThat(ended.resultsUrl()).hasValue(sim.baseUrl() + "/v1/messages/batches/" + created.id() + "/results");

    Map<String, MessageBatchIndividualResponse> byId = new HashMap<>();
    try (StreamResponse<MessageBatchIndividualResponse> results = client.messages().batches().resultsStreaming(created.id())) {
      results.stream().forEach(r -> byId.put(r.customId(), r));
    }
    assertThat(byId).containsOnlyKeys("req-1", "req_2", "req-3");
    assertThat(byId.get("req-1").result().asSucceeded().message().model().asString()).isEqualTo("claude-haiku-5-5");
    assertThat(byId.get("req_2").result().asSucceeded().message().usage().serviceTier())
        .hasValueSatisfying(t -> assertThat(t.asString()).isEqualTo("batch"));
    ErrorObject error = byId.get("req-3").result().asErrored().error().error();
    assertThat(error.type().toString()).isEqualTo("not_found_error");
    JsonObject stats = sim.stats().getJsonObject("message_batches");
    assertThat(stats.getLong("created")).isGreaterThanOrEqualTo(1);
    assertThat(stats.getJsonObject("results").getLong("succeeded")).isGreaterThanOrEqualTo(2);
  }

  @Test
  @DisplayName("what the API refuses at creation: an empty list, a custom_id outside ^[a-zA-Z0-9_-]{1,64}$, a repeated custom_id, an unknown field; an unknown batch id is 404")
  void refusedAtCreation() {
    assertThatThrownBy(() -> client.messages().batches().create(BatchCreateParams.builder()
        .addRequest(request("has space", "claude-haiku-5-5")).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("custom_id");
    assertThatThrownBy(() -> client.messages().batches().create(BatchCreateParams.builder()
        .addRequest(request("x".repeat(65), "claude-haiku-5-5")).build()))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> client.messages().batches().create(BatchCreateParams.builder()
        .addRequest(request("same", "claude-haiku-5-5")).addRequest(request("same", "claude-haiku-5-5")).build()))
        .isInstanceOf(BadRequestException.class).hasMessageContaining("unique");
    assertThat(SimMessageBatches.problem(new JsonObject().put("requests", new JsonArray()))).contains("at least 1");
    assertThat(SimMessageBatches.problem(new JsonObject().put("requests", new JsonArray()).put("model", "x")))
        .contains("Extra inputs");
    assertThat(SimMessageBatches.problem(new JsonObject().put("requests", new JsonArray().add(
        new JsonObject().put("custom_id", "a"))))).contains("params");
    assertThatThrownBy(() -> client.messages().batches().retrieve("msgbatch_nope"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  @DisplayName("batch_expire: every request of a batch ending then is expired; cancel ends a running batch with its requests canceled")
  void expiredAndCanceled() {
    sim.configure(new JsonObject().put("batch_expire", true).put("batch_processing_ms", 100));
    MessageBatch expiring = client.messages().batches().create(BatchCreateParams.builder()
        .addRequest(request("e1", "claude-haiku-5-5")).addRequest(request("e2", "claude-haiku-5-5")).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> client.messages().batches().retrieve(expiring.id())
        .processingStatus().equals(MessageBatch.ProcessingStatus.ENDED));
    List<String> types;
    try (StreamResponse<MessageBatchIndividualResponse> r = client.messages().batches().resultsStreaming(expiring.id())) {
      types = r.stream().map(x -> x.result().isExpired() ? "expired" : "other").collect(Collectors.toList());
    }
    assertThat(types).containsExactly("expired", "expired");

    sim.configure(new JsonObject().put("batch_expire", false).put("batch_processing_ms", 60_000));
    MessageBatch running = client.messages().batches().create(BatchCreateParams.builder()
        .addRequest(request("c1", "claude-haiku-5-5")).build());
    MessageBatch canceling = client.messages().batches().cancel(running.id());
    assertThat(canceling.cancelInitiatedAt()).isPresent();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.messages().batches().retrieve(running.id())
        .processingStatus().equals(MessageBatch.ProcessingStatus.ENDED));
    assertThat(client.messages().batches().retrieve(running.id()).requestCounts().canceled()).isEqualTo(1);
  }

  @Test
  @DisplayName("the list of Message Batches, newest first, pages through the official SDK by after_id; a limit out of 1..1000 is a 400")
  void listsBatchesNewestFirst() throws Exception {
    java.util.List<String> made = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      made.add(client.messages().batches().create(BatchCreateParams.builder()
          .addRequest(request("list-" + i, "claude-haiku-5-5")).build()).id());
    }
    var page = client.messages().batches().list(com.anthropic.models.messages.batches.BatchListParams.builder()
        .limit(2).build());
    java.util.List<String> firstPage = page.items().stream().map(MessageBatch::id).toList();
    assertThat(firstPage).hasSize(2);
    java.util.List<String> all = page.autoPager().stream().map(MessageBatch::id).toList();
    assertThat(all).as("every batch once, newest first").containsSubsequence(made.get(2), made.get(1), made.get(0));
    assertThat(all).doesNotHaveDuplicates();
    var http = java.net.http.HttpClient.newHttpClient();
    var bad = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.baseUrl()
            + "/v1/messages/batches?limit=0")).header("x-api-key", "sk-test").header("anthropic-version", "2023-06-01")
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
  }
}
