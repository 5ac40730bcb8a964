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
import com.reviewpipeline.model.BufferEvents;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.telemetry.Telemetry;
import com.reviewpipeline.tokens.TokenCalibration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The restart grace path of Message Batches (docs/claude-stage.md "Message Batches"), against the simulator's Message
 * Batches API: a restored batch whose requests were read again only in part.
 */
class MessageBatchGraceTest {

  static final long GRACE_MS = 800;

  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  static PipelineEvent event(PipelineConfig p, String id, long offset) {
    return new PipelineEvent(p.name(), new ReviewEvent(id, "p", "u", "Kettle " + id + " boils fast.", 5,
        "2026-11-30T00:00:00Z", "web"), new SourceRef("events", 0, offset, "ack"), 0, 0);
  }

  @Test
  @DisplayName("after a restart, a request whose events are all read again is answered from the batch; one read again in part is judged again directly for the events that came back once restore_grace_ms has passed; the batch is then forgotten and tombstoned")
  void partlyReadAgainRequestIsJudgedAgainAfterTheGrace() throws Exception {
    PipelineApp.registerCodecs(vertx);
    ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0)
        .merge(new JsonObject().put("batch_processing_ms", 200)));
    vertx.deployVerticle(sim).await();
    AppConfig base = TestConfig.load(vertx, new JsonObject());
    AppConfig config = base.withAnthropic(base.anthropic().withEndpoint(sim.baseUrl(), List.of("sk-grace")))
        .withMessageBatches(base.messageBatches().withTimings(100, 100, GRACE_MS));
    PipelineConfig p = config.pipelines().get(0);
    String model = config.modelFor(p.defaultTier());
    ClaudeRequests requests = new ClaudeRequests(config.models(), config.anthropic(), new TokenCalibration(10));
    PipelineEvent e1 = event(p, "e1", 1);
    PipelineEvent e2 = event(p, "e2", 2);
    PipelineEvent e3 = event(p, "e3", 3);

    // the batch the process submitted before it died, as the API and the durable record know it
    JsonObject created = WebClient.create(vertx).postAbs(sim.baseUrl() + "/v1/messages/batches")
        .putHeader("x-api-key", "sk-grace").putHeader("anthropic-version", config.anthropic().apiVersion())
        .sendJsonObject(new JsonObject().put("requests", new JsonArray()
            .add(new JsonObject().put("custom_id", "partly").put("params",
                requests.request(model, p, List.of(e1.event(), e2.event()))))
            .add(new JsonObject().put("custom_id", "whole").put("params", requests.request(model, p, List.of(e3.event()))))))
        .await().bodyAsJsonObject();
    String id = created.getString("id");
    MessageBatchStore store = MessageBatchStore.inMemory();
    store.put(new MessageBatchLedger.Submitted(id, System.currentTimeMillis(), List.of(
        new MessageBatchLedger.Request("partly", p.name(), p.defaultTier(), model, List.of("e1", "e2"), 500, 60, 600),
        new MessageBatchLedger.Request("whole", p.name(), p.defaultTier(), model, List.of("e3"), 500, 30, 570))));

    List<Deferred> answered = new CopyOnWriteArrayList<>();
    List<PipelineEvent> judgedAgain = new CopyOnWriteArrayList<>();
    List<Long> judgedAgainAt = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Deferred>localConsumer(Addresses.DEFERRED_ANSWER, Handoff.<Deferred>receiver(answered::add));
    vertx.eventBus().<BufferEvents>localConsumer(Addresses.events(p.name()), Handoff.<BufferEvents>receiver(in -> {
      judgedAgain.addAll(in.events());
      in.events().forEach(e -> judgedAgainAt.add(System.currentTimeMillis()));
    }));
    MessageBatchLedger ledger = new MessageBatchLedger();
    vertx.deployVerticle(new MessageBatchVerticle(config, new Telemetry(new SimpleMeterRegistry()), ledger, store))
        .await();
    assertThat(ledger.describe().getLong("restored")).isEqualTo(1);
    // ingest reads e1 and e3 again; e2 was done before the restart and is never read again
    assertThat(ledger.park(e1)).isTrue();
    assertThat(ledger.park(e3)).isTrue();
    long parkedAt = System.currentTimeMillis();

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> !judgedAgain.isEmpty());
    assertThat(answered).as("the whole request answered from the batch").singleElement().satisfies(d -> {
      assertThat(d.batch().id()).isEqualTo("whole");
      assertThat(d.batch().events()).extracting(PipelineEvent::id).containsExactly("e3");
      assertThat(d.result().getString("type")).isEqualTo("succeeded");
    });
    assertThat(judgedAgain).as("only the event of the partial request that came back").singleElement()
        .satisfies(e -> {
          assertThat(e.id()).isEqualTo("e1");
          assertThat(e.resends()).isEqualTo(1);
        });
    assertThat(judgedAgainAt.get(0) - parkedAt).as("not before the grace").isGreaterThanOrEqualTo(GRACE_MS - 300);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.load().isEmpty());
    assertThat(ledger.describe().getInteger("pending")).as("forgotten").isZero();
    assertThat(ledger.park(event(p, "e2", 2))).as("no longer awaited").isFalse();
    // e1 went back to judging; e3's answer went to a Claude verticle, which counts it off when it takes the answer
    assertThat(ledger.deferredIn(p.name(), "events", java.util.Set.of(0))).as("only e3 waits, for its answer").isEqualTo(1);
  }
}
