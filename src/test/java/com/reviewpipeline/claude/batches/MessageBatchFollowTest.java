package com.reviewpipeline.claude.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.telemetry.Telemetry;
import com.reviewpipeline.tokens.TokenCalibration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing the store of submitted Message Batches (docs/claude-stage.md "Message Batches"): each learns the
 * other's batches while it runs, not only at start. Each node is its own Vert.x (its own event bus and ledger); the
 * store is one in-memory instance, which both follow as the nodes of a cluster follow the compacted topic.
 */
class MessageBatchFollowTest {

  Vertx sim = Vertx.vertx();
  Vertx nodeA = Vertx.vertx();
  Vertx nodeB = Vertx.vertx();

  @AfterEach
  void close() {
    nodeB.close().await();
    nodeA.close().await();
    sim.close().await();
  }

  record Node(MessageBatchLedger ledger, List<Deferred> answered) {}

  static Node deploy(Vertx vertx, AppConfig config, MessageBatchStore store) {
    PipelineApp.registerCodecs(vertx);
    List<Deferred> answered = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Deferred>localConsumer(Addresses.DEFERRED_ANSWER, Handoff.<Deferred>receiver(answered::add));
    MessageBatchLedger ledger = new MessageBatchLedger();
    vertx.deployVerticle(new MessageBatchVerticle(config, new Telemetry(new SimpleMeterRegistry()), ledger, store))
        .await();
    return new Node(ledger, answered);
  }

  /** What a Claude verticle of the node sends to defer a batch of {@code events}. */
  static void defer(Vertx vertx, AppConfig config, String batchId, List<PipelineEvent> events) {
    PipelineConfig p = config.pipelines().get(0);
    String model = config.modelFor(p.defaultTier());
    ClaudeRequests requests = new ClaudeRequests(config.models(), config.anthropic(), new TokenCalibration(10));
    var reviews = events.stream().map(PipelineEvent::event).toList();
    Batch batch = new Batch(batchId, p.name(), p.defaultTier(), events, FlushTrigger.COUNT, 0);
    vertx.eventBus().send(Addresses.DEFER, new Deferred(batch, model, requests.request(model, p, reviews),
        requests.inputEstimate(model, p, reviews), null));
  }

  @Test
  @DisplayName("a node learns the Message Batches another submits while both run: when their events move to it (the "
      + "other stopped), it hands the batch's results over instead of judging them again, and the API created one "
      + "batch; a batch the other node handled is forgotten, without anything handed over here")
  void nodesLearnEachOthersBatches() throws Exception {
    ClaudeSimulator simulator = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0)
        .merge(new JsonObject().put("batch_processing_ms", 1500)));
    sim.deployVerticle(simulator).await();
    AppConfig base = TestConfig.load(nodeA, new JsonObject());
    AppConfig config = base.withAnthropic(base.anthropic().withEndpoint(simulator.baseUrl(), List.of("sk-follow")))
        .withMessageBatches(base.messageBatches().withTimings(100, 100, 60_000));
    PipelineConfig p = config.pipelines().get(0);
    MessageBatchStore store = MessageBatchStore.inMemory();
    Node a = deploy(nodeA, config, store);
    Node b = deploy(nodeB, config, store);

    // 1. A submits a batch and handles it: B learns it, never polls it, and forgets it once A removes it
    defer(nodeA, config, "handled-by-a", List.of(MessageBatchGraceTest.event(p, "h1", 1),
        MessageBatchGraceTest.event(p, "h2", 2)));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.ledger().describe().getInteger("pending") == 1);
    assertThat(b.ledger().describe().getLong("learned")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(15)).until(() -> a.answered().size() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> b.ledger().describe().getInteger("pending") == 0);
    assertThat(b.answered()).as("nothing of A's batch handed over on B").isEmpty();
    assertThat(store.load()).isEmpty();

    // 2. A submits a batch and stops before it ends; ingest on B reads its events again (their partitions moved)
    PipelineEvent e3 = MessageBatchGraceTest.event(p, "e3", 3);
    PipelineEvent e4 = MessageBatchGraceTest.event(p, "e4", 4);
    defer(nodeA, config, "left-by-a", List.of(e3, e4));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.ledger().describe().getInteger("pending") == 1);
    nodeA.close().await();
    assertThat(b.ledger().park(e3)).as("e3 waits for A's batch").isTrue();
    assertThat(b.ledger().park(e4)).as("e4 waits for A's batch").isTrue();
    await().atMost(Duration.ofSeconds(15)).until(() -> b.answered().size() == 1);
    assertThat(b.answered().get(0)).satisfies(d -> {
      assertThat(d.batch().id()).isEqualTo("left-by-a");
      assertThat(d.batch().events()).extracting(PipelineEvent::id).containsExactly("e3", "e4");
      assertThat(d.result().getString("type")).isEqualTo("succeeded");
    });
    JsonObject created = simulator.stats().getJsonObject("message_batches");
    assertThat(created.getLong("created")).as("one Message Batch per deferred batch, none submitted again")
        .isEqualTo(2);
    assertThat(created.getLong("custom_ids_submitted_again")).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> store.load().isEmpty());
    assertThat(b.ledger().describe().getInteger("pending")).isZero();
  }
}
