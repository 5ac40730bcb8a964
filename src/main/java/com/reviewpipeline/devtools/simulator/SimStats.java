package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the simulator received and answered, for {@code GET /_sim/stats}: the ground truth tests compare usage with. */
final class SimStats {

  /** Per model: requests, input, output, items, thinking, cache-write and cache-read tokens. */
  private record Counters(AtomicLong requests, AtomicLong input, AtomicLong output, AtomicLong items, AtomicLong thinking,
      AtomicLong cacheWrite, AtomicLong cacheRead) {
    Counters() {
      this(new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(),
          new AtomicLong());
    }
  }

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong items = new AtomicLong();
  private final Map<String, Counters> byModel = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> answerKinds = new ConcurrentHashMap<>();
  private final AtomicLong batchesCreated = new AtomicLong();
  private final AtomicLong batchRequests = new AtomicLong();
  private final AtomicLong batchRequestsAgain = new AtomicLong();
  private final Map<String, AtomicLong> batchResults = new ConcurrentHashMap<>();
  /** Requests sent again before the retry-after given for them. */
  final RetryAfterWatch retryAfter = new RetryAfterWatch();
  /** Per model, requests answered 429. */
  private final Map<String, AtomicLong> rateLimited = new ConcurrentHashMap<>();

  /** A request to {@code model} was answered 429 with {@code retry-after} seconds. */
  void rateLimited(String model, JsonObject body, long retryAfterSeconds) {
    rateLimited.computeIfAbsent(model, m -> new AtomicLong()).incrementAndGet();
    retryAfter.refused(body, retryAfterSeconds, System.currentTimeMillis());
  }

  /** Every custom_id received in any Message Batch: one sent again is a request submitted (and billed) twice. */
  private final java.util.Set<String> customIds = ConcurrentHashMap.newKeySet();

  /** A Message Batch was created with these custom ids. */
  void batchCreated(java.util.Collection<String> ids) {
    batchesCreated.incrementAndGet();
    batchRequests.addAndGet(ids.size());
    for (String id : ids) {
      if (!customIds.add(id)) {
        batchRequestsAgain.incrementAndGet();
      }
    }
  }

  /** One request of a Message Batch ended: succeeded, errored, canceled or expired. */
  void batchResult(String type) {
    batchResults.computeIfAbsent(type, k -> new AtomicLong()).incrementAndGet();
  }

  void request() {
    requests.incrementAndGet();
  }

  void status(int status) {
    statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
  }

  /**
   * An answer: {@code kind} is the tool called, {@code json_schema} or {@code text}; {@code input} is what its usage
   * reports as {@code input_tokens}, the cached prefix not included.
   */
  void answered(String model, String kind, int reviews, long input, long output, long thinking, PromptCache.Use cached) {
    items.addAndGet(reviews);
    answerKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    Counters c = byModel.computeIfAbsent(model, m -> new Counters());
    c.requests().incrementAndGet();
    c.input().addAndGet(input);
    c.output().addAndGet(output);
    c.items().addAndGet(reviews);
    c.thinking().addAndGet(thinking);
    c.cacheWrite().addAndGet(cached.write());
    c.cacheRead().addAndGet(cached.read());
  }

  JsonObject toJson(PromptCache cache) {
    JsonObject models = new JsonObject();
    byModel.forEach((model, c) -> models.put(model, new JsonObject()
        .put("requests", c.requests().get())
        .put("input_tokens", c.input().get())
        .put("output_tokens", c.output().get())
        .put("items", c.items().get())
        .put("thinking_tokens", c.thinking().get())
        .put("cache_creation_input_tokens", c.cacheWrite().get())
        .put("cache_read_input_tokens", c.cacheRead().get())));
    JsonObject kinds = new JsonObject();
    answerKinds.forEach((name, n) -> kinds.put(name, n.get()));
    JsonObject byStatus = new JsonObject();
    statuses.forEach((s, n) -> byStatus.put(String.valueOf(s), n.get()));
    return new JsonObject()
        .put("requests", requests.get())
        .put("items", items.get())
        .put("by_model", models)
        .put("by_status", byStatus)
        .put("tools", kinds)
        .put("cache_write_tokens", cache.writes.get())
        .put("cache_read_tokens", cache.reads.get())
        .put("message_batches", messageBatches())
        .put("rate_limited_by_model", rateLimitedByModel())
        .put("requests_before_retry_after", retryAfter.early());
  }

  private JsonObject rateLimitedByModel() {
    JsonObject out = new JsonObject();
    rateLimited.forEach((model, n) -> out.put(model, n.get()));
    return out;
  }

  private JsonObject messageBatches() {
    JsonObject results = new JsonObject();
    batchResults.forEach((type, n) -> results.put(type, n.get()));
    return new JsonObject()
        .put("created", batchesCreated.get())
        .put("requests", batchRequests.get())
        .put("custom_ids_submitted_again", batchRequestsAgain.get())
        .put("results", results);
  }
}
