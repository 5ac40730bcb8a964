package com.reviewpipeline.claude.batches;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.claude.api.ApiError;
import com.reviewpipeline.claude.api.MessagesClient;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits gathered requests as one Message Batch: writes the create intent ({@link CreateIntents}), creates the batch
 * (tried again on 408, 409, 429, 5xx and connection errors), records it under its id before any of its events can be
 * done, then removes the intent. A batch the API refuses for good answers each request as errored, so it is judged
 * directly. Used from the Message Batches verticle's event loop.
 */
final class BatchSubmitter {

  private static final Logger LOG = LoggerFactory.getLogger(BatchSubmitter.class);

  private final Vertx vertx;
  private final AppConfig app;
  private final Telemetry telemetry;
  private final MessageBatchLedger ledger;
  private final MessageBatchStore store;
  private final MessagesClient client;
  private final CreateIntents intents;
  /** Batches between their create intent and their record (or the intent's removal): a stop waits for them. */
  private int unsettled;

  BatchSubmitter(Vertx vertx, AppConfig app, Telemetry telemetry, MessageBatchLedger ledger, MessageBatchStore store,
      MessagesClient client, CreateIntents intents) {
    this.vertx = vertx;
    this.app = app;
    this.telemetry = telemetry;
    this.ledger = ledger;
    this.store = store;
    this.client = client;
    this.intents = intents;
  }

  /** Batches between their create intent and their record: a stop waits for these to settle. */
  int unsettled() {
    return unsettled;
  }

  void submit(List<Deferred> batch) {
    if (app.anthropic().apiKeys().isEmpty()) {
      answerAll(batch, Deferred.errored("authentication_error", "no API key configured for the Message Batches API"));
      return;
    }
    unsettled++;
    intents.record(requests(batch)).onSuccess(intent -> create(batch, intent, 1));
  }

  private void create(List<Deferred> batch, MessageBatchLedger.Submitted intent, int attempt) {
    JsonArray requests = new JsonArray();
    for (Deferred d : batch) {
      requests.add(new JsonObject().put("custom_id", d.batch().id()).put("params", d.params()));
    }
    client.createBatch(new JsonObject().put("requests", requests), app.anthropic().apiKeys().get(0)).onComplete(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        submitted(ar.result().bodyAsJsonObject().getString("id"), batch, intent);
        return;
      }
      int status = ar.succeeded() ? ar.result().statusCode() : 0;
      String problem = ar.succeeded() ? ApiError.of(ar.result()).message() : ar.cause().toString();
      boolean retryable = status == 0 || status == 408 || status == 409 || status == 429 || status >= 500;
      LOG.warn("message_batches.submit.failed requests={} status={} attempt={} problem={}", batch.size(), status,
          attempt, problem);
      if (retryable && attempt < app.anthropic().maxAttempts()) {
        vertx.setTimer(Math.min(60_000, 1000L << Math.min(6, attempt)), t -> create(batch, intent, attempt + 1));
      } else {
        // each request is answered as errored and so retried directly: a refused envelope (too large, say) is no
        // verdict on the reviews, so nothing is dead-lettered for it; a bad request fails again on its own
        intents.remove(intent);
        unsettled--;
        answerAll(batch, Deferred.errored("api_error", "Message Batch not created (status " + status + "): " + problem));
      }
    });
  }

  private void answerAll(List<Deferred> batch, JsonObject result) {
    batch.forEach(d -> Handoff.send(vertx, Addresses.DEFERRED_ANSWER, d.answered(d.batch(), result)));
  }

  private static List<MessageBatchLedger.Request> requests(List<Deferred> batch) {
    List<MessageBatchLedger.Request> requests = new ArrayList<>();
    for (Deferred d : batch) {
      Batch b = d.batch();
      requests.add(new MessageBatchLedger.Request(b.id(), b.pipeline(), b.tier(), d.model(),
          b.events().stream().map(PipelineEvent::id).toList(), d.estimate().rawFixed(), d.estimate().rawItems(),
          d.estimate().tokens(), MessageBatchLedger.Request.escalationsOf(b.events())));
    }
    return List.copyOf(requests);
  }

  private void submitted(String id, List<Deferred> batch, MessageBatchLedger.Submitted intent) {
    Map<String, List<PipelineEvent>> events = new HashMap<>();
    batch.forEach(d -> events.put(d.batch().id(), d.batch().events()));
    MessageBatchLedger.Submitted s = new MessageBatchLedger.Submitted(id, System.currentTimeMillis(), intent.requests());
    ledger.submitted(s, events);
    telemetry.claude().messageBatch("submitted", batch.size());
    LOG.info("message_batches.submitted id={} requests={} events={}", id, s.requests().size(), s.events());
    // durable before any of its events can be done: their results only come from this batch's results; then the
    // intent goes (a restart finding both keeps the record)
    writeDurable(s, 1, intent);
  }

  private void writeDurable(MessageBatchLedger.Submitted s, int attempt, MessageBatchLedger.Submitted intent) {
    store.put(s).onSuccess(v -> {
      unsettled--;
      intents.remove(intent);
    }).onFailure(err -> {
      LOG.warn("message_batches.durable.failed id={} attempt={} error={}", s.id(), attempt, err.toString());
      vertx.setTimer(Math.min(30_000, 500L * attempt), t -> writeDurable(s, attempt + 1, intent));
    });
  }
}
