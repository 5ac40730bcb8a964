package com.reviewpipeline.claude.batches;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.claude.api.ApiError;
import com.reviewpipeline.claude.api.MessagesClient;
import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.MessageBatchSettings;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Message Batches API for backlogs (docs/claude-stage.md "Message Batches"). One instance per node:
 * <ul>
 *   <li>gathers the batches the Claude verticles defer ({@link Addresses#DEFER}) for {@code collect_ms} or
 *       {@code max_requests}, and submits them as one Message Batch (custom_id: our batch id);</li>
 *   <li>writes each submitted Message Batch to the compacted topic before its events can be done, and at start reads
 *       that topic back: a restart polls the batches already submitted, and the events ingest reads again wait for
 *       them ({@link MessageBatchLedger#park}) instead of being submitted twice;</li>
 *   <li>polls every {@code poll_interval_ms}; once a batch has ended, reads its results and hands each request's
 *       result to a Claude verticle ({@link Addresses#DEFERRED_ANSWER}), which publishes, retries or dead-letters as
 *       for a direct answer; then removes the batch from the topic (a tombstone);</li>
 *   <li>keeps {@link Addresses#MESSAGE_BATCH_PIPELINES}: the pipelines whose batches are deferred now.</li>
 * </ul>
 */
public final class MessageBatchVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MessageBatchVerticle.class);

  private final AppConfig app;
  private final Telemetry telemetry;
  private final MessageBatchLedger ledger;
  private MessageBatchSettings settings;
  private MessagesClient client;
  private MessageBatchStore store;
  private DeferringPipelines deferring;
  private final List<Deferred> gathering = new ArrayList<>();
  private long gatherTimer = -1;
  private final Set<String> polling = new HashSet<>();
  /** Per ended batch: results not yet handed over (their events not all read again), and since when. */
  private final Map<String, Map<String, JsonObject>> waiting = new HashMap<>();
  private final Map<String, Long> waitingSince = new HashMap<>();
  private CreateIntents intents;
  private BatchSubmitter submitter;
  /** Create intents a dead process left (read at start): what their create calls made is asked of the API. */
  private final Set<String> restoredIntents = new HashSet<>();

  /** In service: submitted batches kept in the compacted topic {@code message_batches.topic}. */
  public MessageBatchVerticle(AppConfig app, Telemetry telemetry, MessageBatchLedger ledger) {
    this(app, telemetry, ledger, false);
  }

  /** @param inMemory keep submitted batches in memory only (the cost bench, which has no broker) */
  public MessageBatchVerticle(AppConfig app, Telemetry telemetry, MessageBatchLedger ledger, boolean inMemory) {
    this(app, telemetry, ledger, inMemory ? MessageBatchStore.inMemory() : null);
  }

  /** @param store where submitted batches are kept; null: the compacted topic {@code message_batches.topic} */
  MessageBatchVerticle(AppConfig app, Telemetry telemetry, MessageBatchLedger ledger, MessageBatchStore store) {
    this.app = app;
    this.telemetry = telemetry;
    this.ledger = ledger;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    settings = app.messageBatches();
    client = new MessagesClient(vertx, app.anthropic());
    deferring = new DeferringPipelines(vertx, app);
    if (store == null) {
      store = MessageBatchStore.topic(vertx, app.kafka(), settings.topic());
    }
    telemetry.registerView("message_batches", this::describe);
    intents = new CreateIntents(vertx, store, client);
    submitter = new BatchSubmitter(vertx, app, telemetry, ledger, store, client, intents);
    return vertx.executeBlocking(store::load)
        .compose(restored -> {
          restoredIntents.addAll(intents.restore(restored, ledger));
          if (!restored.isEmpty()) {
            LOG.info("message_batches.restored batches={} events={}", restored.size(),
                restored.stream().mapToInt(MessageBatchLedger.Submitted::events).sum());
          }
          vertx.eventBus().<Deferred>localConsumer(Addresses.DEFER, m -> gather(m.body()));
          vertx.setPeriodic(settings.pollIntervalMs(), t -> pollAll());
          deferring.startLagChecks();
          return store.follow(vertx, this::followed);
        });
  }

  /**
   * What the store says any process put or removed since start. A batch another node submitted is learned: if that
   * node stops, or a rebalance moves the partitions of its events here, the events read again wait for its results
   * instead of being judged (and billed) again. A batch another node handled is forgotten, unless events of it are
   * here (then this node hands its results over itself: they stay readable).
   */
  private void followed(String id, MessageBatchLedger.Submitted batch) {
    if (intents.own(id)) {
      return; // this process's create intent: its batch is this process's own
    }
    MessageBatchLedger.Submitted intent = batch == null ? null : ledger.intentFor(batch);
    if (batch != null && intent != null && !batch.id().startsWith(MessageBatchLedger.INTENT)) {
      ledger.adopt(intent.id(), batch); // another process's create intent, now recorded under its batch's id
    } else if (batch != null) {
      if (!ledger.knows(id)) {
        ledger.learn(batch);
        LOG.info("message_batches.learned id={} requests={} events={} (submitted by another process)", id,
            batch.requests().size(), batch.events());
      }
    } else if (ledger.foreign(id)) {
      ledger.done(id);
      waiting.remove(id);
      waitingSince.remove(id);
      LOG.info("message_batches.handled_elsewhere id={}", id);
    }
  }

  private JsonObject describe() {
    return ledger.describe().put("deferring", new JsonArray(List.copyOf(deferring.names())))
        .put("gathering", gathering.size());
  }

  private void gather(Deferred d) {
    gathering.add(d);
    if (gathering.size() >= settings.maxRequests()) {
      submit();
    } else if (gatherTimer < 0) {
      gatherTimer = vertx.setTimer(settings.collectMs(), t -> {
        gatherTimer = -1;
        submit();
      });
    }
  }

  private void submit() {
    if (gatherTimer >= 0) {
      vertx.cancelTimer(gatherTimer);
      gatherTimer = -1;
    }
    if (gathering.isEmpty()) {
      return;
    }
    List<Deferred> batch = List.copyOf(gathering);
    gathering.clear();
    submitter.submit(batch);
  }

  private void pollAll() {
    for (MessageBatchLedger.Submitted s : ledger.pending()) {
      if (ledger.foreign(s.id())) {
        continue; // another node's, none of its events here: that node polls it (see followed)
      }
      if (s.id().startsWith(MessageBatchLedger.INTENT)) {
        // another process's intent, events of it here: its create call is in flight and its record follows, unless
        // that process died meanwhile (older than any create call takes)
        boolean stale = System.currentTimeMillis() - s.submittedAtMs() > CreateIntents.STALE_MS;
        if ((restoredIntents.contains(s.id()) || stale) && polling.add(s.id())) {
          resolve(s);
        }
        continue;
      }
      if (waiting.containsKey(s.id())) {
        handOver(s);
      } else if (polling.add(s.id())) {
        poll(s);
      }
    }
  }

  /** A create intent a dead process left: the batch its call made is adopted, or its events judged as any. */
  private void resolve(MessageBatchLedger.Submitted intent) {
    intents.resolve(intent, key()).onComplete(ar -> {
      polling.remove(intent.id());
      if (ar.failed()) {
        LOG.warn("message_batches.intent.unresolved id={} error={}", intent.id(), String.valueOf(ar.cause().getMessage()));
      } else if (ar.result() instanceof CreateIntents.Resolution.Made made) {
        restoredIntents.remove(intent.id());
        ledger.adopt(intent.id(), made.batch());
        LOG.info("message_batches.intent.adopted id={} batch={} requests={}", intent.id(), made.batch().id(),
            made.batch().requests().size());
        store.put(made.batch()).onSuccess(v -> intents.remove(intent));
        ended(made.batch(), made.results());
      } else if (ar.result() instanceof CreateIntents.Resolution.NotMade) {
        restoredIntents.remove(intent.id());
        LOG.info("message_batches.intent.not_created id={} (its events are judged as any)", intent.id());
        gone(intent);
      }
    });
  }

  private void poll(MessageBatchLedger.Submitted s) {
    client.getBatch(s.id(), key()).compose(resp -> {
      if (resp.statusCode() == 404) {
        return Future.succeededFuture(resp);
      }
      if (resp.statusCode() != 200) {
        return Future.failedFuture("status " + resp.statusCode() + ": " + ApiError.of(resp).message());
      }
      JsonObject b = resp.bodyAsJsonObject();
      if (!"ended".equals(b.getString("processing_status"))) {
        return Future.succeededFuture(null);
      }
      return client.batchResults(b.getString("results_url"), key()).compose(r -> r.statusCode() == 200
          ? Future.succeededFuture(r)
          : Future.failedFuture("results: status " + r.statusCode() + ": " + ApiError.of(r).message()));
    }).onComplete(ar -> {
      polling.remove(s.id());
      if (ar.failed()) {
        LOG.warn("message_batches.poll.failed id={} error={}", s.id(), String.valueOf(ar.cause().getMessage()));
      } else if (ar.result() != null && ar.result().statusCode() == 404) {
        gone(s);
      } else if (ar.result() != null) {
        ended(s, ar.result());
      }
    });
  }

  private void ended(MessageBatchLedger.Submitted s, HttpResponse<Buffer> results) {
    Map<String, JsonObject> byId = new HashMap<>();
    for (String line : results.bodyAsString().split("\n")) {
      if (!line.isBlank()) {
        JsonObject r = new JsonObject(line);
        byId.put(r.getString("custom_id"), r.getJsonObject("result"));
      }
    }
    Map<String, JsonObject> open = new LinkedHashMap<>();
    for (MessageBatchLedger.Request r : s.requests()) {
      JsonObject result = byId.get(r.customId());
      // a request the results do not list is answered as errored: retried directly, never lost
      open.put(r.customId(), result != null ? result
          : Deferred.errored("api_error", "no result for custom_id " + r.customId() + " in Message Batch " + s.id()));
    }
    byId.values().forEach(r -> telemetry.claude().messageBatchResult(r.getString("type", "unknown")));
    waiting.put(s.id(), open);
    waitingSince.put(s.id(), System.currentTimeMillis());
    LOG.info("message_batches.ended id={} requests={}", s.id(), s.requests().size());
    handOver(s);
  }

  /**
   * The API does not know the batch (another workspace or key, or deleted): nothing will come from it, so its events
   * here are judged again directly and the rest, read again later, are judged as any event.
   */
  private void gone(MessageBatchLedger.Submitted s) {
    LOG.error("message_batches.unknown id={} requests={} (the API answers 404: its events are judged directly)",
        s.id(), s.requests().size());
    List<PipelineEvent> again = new ArrayList<>();
    s.requests().forEach(r -> again.addAll(ledger.present(r)));
    waiting.remove(s.id());
    waitingSince.remove(s.id());
    ledger.done(s.id());
    store.remove(s.id()).onFailure(err -> LOG.warn("message_batches.tombstone.failed id={} error={}", s.id(), err.toString()));
    ledger.waiting(again, -1);
    again.forEach(e -> com.reviewpipeline.bus.ToBuffer.send(vertx, e.resent()));
  }

  /** Hands every result whose events are here to a Claude verticle; the batch is done once none is left. */
  private void handOver(MessageBatchLedger.Submitted s) {
    Map<String, JsonObject> open = waiting.get(s.id());
    boolean late = System.currentTimeMillis() - waitingSince.get(s.id()) > settings.restoreGraceMs();
    List<PipelineEvent> again = new ArrayList<>();
    for (MessageBatchLedger.Request r : s.requests()) {
      JsonObject result = open.get(r.customId());
      if (result == null) {
        continue;
      }
      List<PipelineEvent> events = ledger.events(r);
      if (events != null) {
        open.remove(r.customId());
        Batch b = new Batch(r.customId(), r.pipeline(), r.tier(), events,
            com.reviewpipeline.model.FlushTrigger.COUNT, r.tokens());
        com.reviewpipeline.bus.Handoff.send(vertx, Addresses.DEFERRED_ANSWER, new Deferred(b, r.model(), null,
            new ClaudeRequests.InputEstimate(r.rawFixed(), r.rawItems(), r.tokens()), result));
      } else if (late) {
        // after a restart: the events not read again were done before it; those read again are judged anew
        open.remove(r.customId());
        again.addAll(ledger.present(r));
      }
    }
    if (open.isEmpty()) {
      waiting.remove(s.id());
      waitingSince.remove(s.id());
      ledger.done(s.id());
      store.remove(s.id())
          .onFailure(err -> LOG.warn("message_batches.tombstone.failed id={} error={}", s.id(), err.toString()));
      if (!again.isEmpty()) {
        LOG.warn("message_batches.partly_read_again id={} events={} (judged again directly)", s.id(), again.size());
      }
      ledger.waiting(again, -1);
      again.forEach(e -> com.reviewpipeline.bus.ToBuffer.send(vertx, e.resent()));
    }
  }

  private String key() {
    return app.anthropic().apiKeys().get(0);
  }

  @Override
  public Future<?> stop() {
    // what is gathered and not submitted is still in flight in ingest: its offsets are not done, so it is read again
    if (deferring != null) {
      deferring.close();
    }
    // a batch between its create intent and its record would be asked of the API by the next start: create calls in
    // flight finish and their records are written before the store closes
    long deadline = System.currentTimeMillis() + app.shutdownTimeoutMs();
    return com.reviewpipeline.bus.Drain.until(vertx, () -> submitter == null || submitter.unsettled() == 0,
            deadline, 20)
        .eventually(() -> {
          if (submitter != null && submitter.unsettled() > 0) {
            LOG.warn("message_batches.stopped unrecorded={} (their create intents stay: the next start asks the API)",
                submitter.unsettled());
          }
          client.close();
          return store == null ? Future.succeededFuture() : store.close();
        });
  }
}
