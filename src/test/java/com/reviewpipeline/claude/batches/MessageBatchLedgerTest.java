package com.reviewpipeline.claude.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.claude.api.MessagesClient;
import com.reviewpipeline.config.MessageBatchSettings;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MessageBatchLedgerTest {

  static PipelineEvent event(String id, int partition, long offset) {
    return new PipelineEvent("mod", new ReviewEvent(id, "p", "u", "text " + id, 4, "2026-11-30T00:00:00Z", "web"),
        new SourceRef("events", partition, offset, "ack"), 0, 0);
  }

  static MessageBatchLedger.Submitted batch() {
    return new MessageBatchLedger.Submitted("msgbatch_1", 1000, List.of(
        new MessageBatchLedger.Request("b1", "mod", "fast", "claude-haiku-5-5", List.of("e1", "e2"), 500, 80, 600),
        new MessageBatchLedger.Request("b2", "mod", "fast", "claude-haiku-5-5", List.of("e3"), 500, 40, 560)));
  }

  @Test
  @DisplayName("a restored batch: its events read again are parked, a request is answerable once all its events are, in the submitted order; done forgets it")
  void restoredBatchParksItsEvents() {
    MessageBatchLedger ledger = new MessageBatchLedger();
    MessageBatchLedger.Submitted s = MessageBatchLedger.Submitted.fromJson(new JsonObject(batch().toJson().encode()));
    assertThat(s).isEqualTo(batch());
    ledger.restore(s);
    ledger.restore(s);
    assertThat(ledger.describe().getLong("restored")).as("restored once").isEqualTo(1);
    assertThat(ledger.park(event("other", 0, 9))).as("not in a batch").isFalse();
    assertThat(ledger.park(event("e2", 1, 5))).isTrue();
    assertThat(ledger.events(s.requests().get(0))).as("e1 not read again yet").isNull();
    assertThat(ledger.present(s.requests().get(0))).extracting(PipelineEvent::id).containsExactly("e2");
    assertThat(ledger.park(event("e1", 0, 3))).isTrue();
    assertThat(ledger.events(s.requests().get(0))).extracting(PipelineEvent::id).containsExactly("e1", "e2");
    assertThat(ledger.deferredIn("mod", "events", Set.of(0, 1))).isEqualTo(2);
    assertThat(ledger.deferredIn("mod", "events", Set.of(1))).isEqualTo(1);
    assertThat(ledger.park(event("e1", 0, 7))).as("a second copy replaces the first").isTrue();
    assertThat(ledger.deferredIn("mod", "events", Set.of(0))).isEqualTo(1);
    PipelineEvent shadow = event("e3", 2, 1).shadow("deep",
        new com.reviewpipeline.model.Rejudge.Prior("m", "fast", new JsonObject(), false, "", 0, 0, 0));
    assertThat(ledger.park(shadow)).as("a shadow is never parked").isFalse();
    ledger.done("msgbatch_1");
    assertThat(ledger.park(event("e3", 2, 1))).as("forgotten once done").isFalse();
    assertThat(ledger.describe().getInteger("pending")).isZero();
  }

  @Test
  @DisplayName("an escalation restored after a restart keeps its earlier verdicts: the event read again is answered, and published, as escalated from them")
  void restoredEscalationKeepsItsEarlierVerdicts() {
    com.reviewpipeline.model.Rejudge.Prior first = new com.reviewpipeline.model.Rejudge.Prior("claude-haiku-5-5", "fast",
        new JsonObject().put("is_spam", true).put("confidence", 0.9), true, "flagged", 0.00002, 90, 30);
    PipelineEvent escalated = event("e1", 0, 3).escalated("balanced", first);
    List<PipelineEvent> sent = List.of(escalated, event("e2", 0, 4));
    MessageBatchLedger.Request request = new MessageBatchLedger.Request("b9", "mod", "balanced", "claude-sonnet-5-5",
        List.of("e1", "e2"), 500, 80, 600, MessageBatchLedger.Request.escalationsOf(sent));
    MessageBatchLedger.Submitted s = MessageBatchLedger.Submitted.fromJson(new JsonObject(
        new MessageBatchLedger.Submitted("msgbatch_9", 1000, List.of(request)).toJson().encode()));
    assertThat(s.requests().get(0)).as("the durable record round-trips").isEqualTo(request);
    assertThat(s.requests().get(0).escalations()).containsOnlyKeys("e1");

    MessageBatchLedger ledger = new MessageBatchLedger();
    ledger.restore(s);
    assertThat(ledger.park(event("e1", 0, 3))).isTrue();
    assertThat(ledger.park(event("e2", 0, 4))).isTrue();
    List<PipelineEvent> answered = ledger.events(s.requests().get(0));
    assertThat(answered.get(0).isEscalated()).isTrue();
    assertThat(answered.get(0).rejudge()).isEqualTo(escalated.rejudge());
    assertThat(answered.get(1).rejudge()).as("a first judgement stays one").isNull();
    assertThat(ledger.present(s.requests().get(0)).get(0).rejudge()).isEqualTo(escalated.rejudge());
  }

  @Test
  @DisplayName("a batch this process submitted answers with the events it sent; waiting counts go up and down per partition")
  void submittedBatchHoldsItsEvents() {
    MessageBatchLedger ledger = new MessageBatchLedger();
    List<PipelineEvent> b1 = List.of(event("e1", 0, 1), event("e2", 0, 2));
    ledger.waiting(b1, 1);
    ledger.submitted(batch(), Map.of("b1", b1, "b2", List.of(event("e3", 1, 1))));
    assertThat(ledger.events(batch().requests().get(0))).isEqualTo(b1);
    assertThat(ledger.park(event("e1", 0, 1))).as("only restored batches park").isFalse();
    assertThat(ledger.deferredIn("mod", "events", Set.of(0))).isEqualTo(2);
    ledger.waiting(b1, -1);
    assertThat(ledger.deferredIn("mod", "events", Set.of(0))).isZero();
    assertThat(ledger.describe().getInteger("pending_events")).isEqualTo(3);
  }

  @Test
  @DisplayName("results are fetched only from the configured API origin: another host, scheme or port is refused")
  void resultsOnlyFromTheApiOrigin() {
    assertThat(MessagesClient.sameOrigin("https://api.anthropic.com/v1/messages/batches/x/results", "https://api.anthropic.com")).isTrue();
    assertThat(MessagesClient.sameOrigin("https://api.anthropic.com:443/v1/x", "https://api.anthropic.com")).isTrue();
    assertThat(MessagesClient.sameOrigin("https://evil.example/v1/x", "https://api.anthropic.com")).isFalse();
    assertThat(MessagesClient.sameOrigin("http://api.anthropic.com/v1/x", "https://api.anthropic.com")).isFalse();
    assertThat(MessagesClient.sameOrigin("http://127.0.0.1:8081/x", "http://127.0.0.1:8080")).isFalse();
    assertThat(MessagesClient.sameOrigin("not a url", "http://127.0.0.1:8080")).isFalse();
  }

  @Test
  @DisplayName("message_batches settings: modes per pipeline, and what refuses the start naming the key")
  void settings() {
    MessageBatchSettings s = MessageBatchSettings.fromJson(new JsonObject().put("pipelines", new JsonObject()
        .put("mod", new JsonObject().put("mode", "backlog").put("backlog_lag", 500))), Set.of("mod", "ana"));
    assertThat(s.mode("mod")).isEqualTo("backlog");
    assertThat(s.backlogLag("mod")).isEqualTo(500);
    assertThat(s.mode("ana")).isEqualTo("off");
    assertThat(s.maxRequests()).isEqualTo(10_000);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessageBatchSettings.fromJson(new JsonObject()
        .put("pipelines", new JsonObject().put("mod", new JsonObject().put("mode", "sometimes"))), Set.of("mod")))
        .hasMessageContaining("message_batches.pipelines.mod.mode");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessageBatchSettings.fromJson(new JsonObject()
        .put("pipelines", new JsonObject().put("nope", new JsonObject().put("mode", "always"))), Set.of("mod")))
        .hasMessageContaining("no such pipeline");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MessageBatchSettings.fromJson(new JsonObject()
        .put("max_requests", 100_001), Set.of("mod"))).hasMessageContaining("max_requests");
  }

  @Test
  @DisplayName("a create intent restored after a crash parks its events like a batch; adopted under the batch's id it keeps them parked, and the batch is found by the intent's custom ids")
  void adoptedIntentKeepsItsEventsParked() {
    MessageBatchLedger ledger = new MessageBatchLedger();
    MessageBatchLedger.Submitted intent = new MessageBatchLedger.Submitted(MessageBatchLedger.INTENT + "x", 1000,
        batch().requests());
    ledger.restore(intent);
    assertThat(ledger.park(event("e1", 0, 3))).isTrue();
    assertThat(ledger.park(event("e2", 0, 4))).isTrue();
    assertThat(ledger.intentFor(batch())).as("the batch made by the intent's create call").isEqualTo(intent);
    ledger.adopt(intent.id(), batch());
    assertThat(ledger.knows(intent.id())).isFalse();
    assertThat(ledger.knows("msgbatch_1")).isTrue();
    assertThat(ledger.intentFor(batch())).as("no intent left").isNull();
    assertThat(ledger.events(batch().requests().get(0))).extracting(PipelineEvent::id).containsExactly("e1", "e2");
    assertThat(ledger.describe().getInteger("pending")).isEqualTo(1);
  }
}
