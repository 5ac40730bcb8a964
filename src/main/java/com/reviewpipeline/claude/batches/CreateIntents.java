package com.reviewpipeline.claude.batches;

import com.reviewpipeline.claude.api.ApiError;
import com.reviewpipeline.claude.api.MessagesClient;
import com.reviewpipeline.claude.batches.MessageBatchLedger.Request;
import com.reviewpipeline.claude.batches.MessageBatchLedger.Submitted;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the window between creating a Message Batch and recording it: before the create call, an intent (the
 * requests, under an id of its own) is written to the store; once the batch is recorded under its id, the intent is
 * removed. A process that dies in between leaves the intent: the next start awaits its events as for a recorded
 * batch and finds the batch the call made, if any, in the API's list (created since the intent, as many requests),
 * matched by the custom ids of its results once it has ended. Found: the batch is adopted and its results handed over;
 * none: the create never happened, and its events are judged as any.
 */
final class CreateIntents {

  private static final Logger LOG = LoggerFactory.getLogger(CreateIntents.class);
  /** Clock difference between this process and the API tolerated when listing batches created since an intent. */
  static final long SKEW_MS = 120_000;
  private static final int PAGE = 100;
  /** An intent of another process older than this was left by a process that died: no create call takes as long. */
  static final long STALE_MS = 180_000;

  /** What the API says became of an intent's create call. */
  sealed interface Resolution {
    /** The batch it made, ended, with its results. */
    record Made(Submitted batch, HttpResponse<Buffer> results) implements Resolution {}

    /** A batch that may be it has not ended yet: ask again later. */
    record Undecided() implements Resolution {}

    /** No batch the call could have made: it was never created. */
    record NotMade() implements Resolution {}
  }

  private final Vertx vertx;
  private final MessageBatchStore store;
  private final MessagesClient client;
  /** Intents this process wrote: the store's echo of them is not another process's batch. */
  private final Set<String> own = new HashSet<>();

  CreateIntents(Vertx vertx, MessageBatchStore store, MessagesClient client) {
    this.vertx = vertx;
    this.store = store;
    this.client = client;
  }

  boolean own(String id) {
    return own.contains(id);
  }

  /** Writes the intent for {@code requests}; completes once it is durable (tried again until it is). */
  Future<Submitted> record(List<Request> requests) {
    Submitted intent = new Submitted(MessageBatchLedger.INTENT + UUID.randomUUID(), System.currentTimeMillis(),
        requests);
    own.add(intent.id());
    Promise<Submitted> done = Promise.promise();
    put(intent, 1, done);
    return done.future();
  }

  private void put(Submitted intent, int attempt, Promise<Submitted> done) {
    store.put(intent).onSuccess(v -> done.complete(intent)).onFailure(err -> {
      LOG.warn("message_batches.intent.failed id={} attempt={} error={}", intent.id(), attempt, err.toString());
      vertx.setTimer(Math.min(30_000, 500L * attempt), t -> put(intent, attempt + 1, done));
    });
  }

  /** The batch is recorded under its id, or the create failed for good: the intent goes. */
  void remove(Submitted intent) {
    store.remove(intent.id()).onComplete(ar -> own.remove(intent.id()))
        .onFailure(err -> LOG.warn("message_batches.intent.tombstone.failed id={} error={}", intent.id(), err.toString()));
  }

  /**
   * Restores what the store held at start into {@code ledger}: the recorded batches, and the create intents that no
   * record supersedes (a record written, its intent's tombstone not). Returns the ids of the intents to resolve.
   */
  Set<String> restore(List<Submitted> restored, MessageBatchLedger ledger) {
    Set<String> recordedFirstIds = new HashSet<>();
    Set<String> left = new HashSet<>();
    for (Submitted s : restored) {
      if (!s.id().startsWith(MessageBatchLedger.INTENT)) {
        ledger.restore(s);
        if (!s.requests().isEmpty()) {
          recordedFirstIds.add(s.requests().get(0).customId());
        }
      }
    }
    for (Submitted intent : restored) {
      if (!intent.id().startsWith(MessageBatchLedger.INTENT)) {
        continue;
      }
      if (intent.requests().isEmpty() || recordedFirstIds.contains(intent.requests().get(0).customId())) {
        own.add(intent.id());
        remove(intent); // recorded under its batch's id already
      } else {
        ledger.restore(intent);
        left.add(intent.id());
        LOG.warn("message_batches.intent.restored id={} requests={} (created or not: the API's list will tell)",
            intent.id(), intent.requests().size());
      }
    }
    return left;
  }

  /** Asks the API what became of a restored intent's create call. */
  Future<Resolution> resolve(Submitted intent, String apiKey) {
    Set<String> customIds = new HashSet<>();
    intent.requests().forEach(r -> customIds.add(r.customId()));
    return candidates(intent, apiKey, null, new java.util.ArrayList<>()).compose(found -> {
      Future<Resolution> chain = Future.succeededFuture(new Resolution.NotMade());
      for (JsonObject b : found) {
        chain = chain.compose(sofar -> {
          if (sofar instanceof Resolution.Made) {
            return Future.succeededFuture(sofar);
          }
          if (!"ended".equals(b.getString("processing_status"))) {
            return Future.succeededFuture(new Resolution.Undecided());
          }
          return client.batchResults(b.getString("results_url"), apiKey).map(r -> {
            if (r.statusCode() != 200) {
              throw new IllegalStateException("results of " + b.getString("id") + ": status " + r.statusCode());
            }
            return madeIt(r, customIds) ? new Resolution.Made(new Submitted(b.getString("id"), intent.submittedAtMs(),
                intent.requests()), r) : sofar;
          });
        });
      }
      return chain;
    });
  }

  /** The API's batches created since the intent (less the skew) with as many requests, newest first. */
  private Future<List<JsonObject>> candidates(Submitted intent, String apiKey, String after, List<JsonObject> found) {
    long since = intent.submittedAtMs() - SKEW_MS;
    return client.listBatches(PAGE, after, apiKey).compose(resp -> {
      if (resp.statusCode() != 200) {
        return Future.failedFuture("list: status " + resp.statusCode() + ": " + ApiError.of(resp).message());
      }
      JsonObject page = resp.bodyAsJsonObject();
      boolean older = false;
      for (Object o : page.getJsonArray("data")) {
        JsonObject b = (JsonObject) o;
        if (Instant.parse(b.getString("created_at")).toEpochMilli() < since) {
          older = true;
          break;
        }
        if (requestCount(b) == intent.requests().size()) {
          found.add(b);
        }
      }
      return older || !page.getBoolean("has_more", false) ? Future.succeededFuture(found)
          : candidates(intent, apiKey, page.getString("last_id"), found);
    });
  }

  private static int requestCount(JsonObject batch) {
    JsonObject c = batch.getJsonObject("request_counts", new JsonObject());
    return c.fieldNames().stream().mapToInt(f -> c.getInteger(f, 0)).sum();
  }

  private static boolean madeIt(HttpResponse<Buffer> results, Set<String> customIds) {
    Set<String> got = new HashSet<>();
    for (String line : results.bodyAsString().split("\n")) {
      if (!line.isBlank()) {
        got.add(new JsonObject(line).getString("custom_id"));
      }
    }
    return got.equals(customIds);
  }
}
