package com.reviewpipeline.claude.batches;

import com.reviewpipeline.bus.MessageBatchWaits;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.Rejudge;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Message Batches this process waits for (docs/claude-stage.md "Message Batches"), shared by the buffers and the
 * Message
 * Batch verticle; thread-safe. A batch submitted by this process holds its events; one restored from the durable
 * topic after a restart holds only event ids, and the buffers hand over ("park") each of those events when ingest
 * reads it again, so it waits for the submitted batch instead of being judged (and billed) a second time.
 */
public final class MessageBatchLedger implements MessageBatchWaits {

  /**
   * One request of a Message Batch: one of our batches (custom_id = its id), with what answering it needs.
   *
   * @param eventIds the request's reviews in order (the answer refers to them by position)
   * @param escalations by event id, the earlier verdicts of the request's cascade escalations: an event read again
   *     after a restart is published with them ({@code escalated_from}, their cost in {@code cost_usd})
   */
  public record Request(String customId, String pipeline, String tier, String model, List<String> eventIds,
      int rawFixed, int rawItems, int tokens, Map<String, Rejudge> escalations) {

    public Request(String customId, String pipeline, String tier, String model, List<String> eventIds, int rawFixed,
        int rawItems, int tokens) {
      this(customId, pipeline, tier, model, eventIds, rawFixed, rawItems, tokens, Map.of());
    }

    /** The request of {@code events}: the escalated ones keep their earlier verdicts. */
    static Map<String, Rejudge> escalationsOf(List<PipelineEvent> events) {
      Map<String, Rejudge> out = new LinkedHashMap<>();
      events.stream().filter(PipelineEvent::isEscalated).forEach(e -> out.put(e.id(), e.rejudge()));
      return Map.copyOf(out);
    }

    JsonObject toJson() {
      JsonObject j = new JsonObject().put("custom_id", customId).put("pipeline", pipeline).put("tier", tier)
          .put("model", model).put("event_ids", new JsonArray(eventIds)).put("raw_fixed", rawFixed)
          .put("raw_items", rawItems).put("tokens", tokens);
      if (!escalations.isEmpty()) {
        JsonObject e = new JsonObject();
        escalations.forEach((id, r) -> e.put(id, r.toJson()));
        j.put("escalations", e);
      }
      return j;
    }

    static Request fromJson(JsonObject j) {
      Map<String, Rejudge> escalations = new LinkedHashMap<>();
      j.getJsonObject("escalations", new JsonObject())
          .forEach(e -> escalations.put(e.getKey(), Rejudge.fromJson((JsonObject) e.getValue())));
      return new Request(j.getString("custom_id"), j.getString("pipeline"), j.getString("tier"), j.getString("model"),
          j.getJsonArray("event_ids").stream().map(String::valueOf).toList(), j.getInteger("raw_fixed"),
          j.getInteger("raw_items"), j.getInteger("tokens"), Map.copyOf(escalations));
    }

    /** An event read again, as the request judges it: with its earlier verdicts when it was escalated. */
    PipelineEvent asSubmitted(PipelineEvent readAgain) {
      Rejudge r = escalations.get(readAgain.id());
      return r == null ? readAgain : readAgain.withRejudge(r);
    }
  }

  /** A submitted Message Batch, as the durable topic holds it (key: its id). */
  public record Submitted(String id, long submittedAtMs, List<Request> requests) {

    public JsonObject toJson() {
      JsonArray r = new JsonArray();
      requests.forEach(q -> r.add(q.toJson()));
      return new JsonObject().put("id", id).put("submitted_at_ms", submittedAtMs).put("requests", r);
    }

    public static Submitted fromJson(JsonObject j) {
      List<Request> r = new ArrayList<>();
      j.getJsonArray("requests").forEach(o -> r.add(Request.fromJson((JsonObject) o)));
      return new Submitted(j.getString("id"), j.getLong("submitted_at_ms"), List.copyOf(r));
    }

    public int events() {
      return requests.stream().mapToInt(q -> q.eventIds().size()).sum();
    }
  }

  private final Map<String, Submitted> pending = new LinkedHashMap<>();
  private final Map<String, List<PipelineEvent>> held = new HashMap<>();
  /** pipeline + NUL + event id → custom id, for the events of restored batches that wait to be read again. */
  private final Map<String, String> awaited = new HashMap<>();
  private final Map<String, PipelineEvent> parked = new HashMap<>();
  /** pipeline, topic, partition → events of it waiting in a Message Batch (gathered, submitted or parked). */
  private final Map<String, Integer> deferred = new HashMap<>();
  private long restored;
  /** Batches another process submitted while this one ran (learned through the store, not from a restart). */
  private final java.util.Set<String> learned = new java.util.HashSet<>();
  private long learnedTotal;
  private long parkedTotal;

  private static String key(String pipeline, String eventId) {
    return pipeline + "\u0000" + eventId;
  }

  private static String partitionKey(String pipeline, String topic, int partition) {
    return pipeline + "\u0000" + topic + "\u0000" + partition;
  }

  /** Events now waiting for a Message Batch (+1) or no longer (-1). */
  public synchronized void waiting(List<PipelineEvent> events, int sign) {
    for (PipelineEvent e : events) {
      if (e.source() != null) {
        deferred.merge(partitionKey(e.pipeline(), e.source().topic(), e.source().partition()), sign,
            (a, b) -> a + b == 0 ? null : a + b);
      }
    }
  }

  /** Events of these partitions waiting for a Message Batch: a graceful stop does not wait for them. */
  @Override
  public synchronized int deferredIn(String pipeline, String topic, java.util.Set<Integer> partitions) {
    int n = 0;
    for (int p : partitions) {
      n += deferred.getOrDefault(partitionKey(pipeline, topic, p), 0);
    }
    return n;
  }

  /** A batch this process submitted, with the events of each request by custom id. */
  public synchronized void submitted(Submitted batch, Map<String, List<PipelineEvent>> events) {
    pending.put(batch.id(), batch);
    held.putAll(events);
  }

  /** A batch read from the durable topic at start: its events are awaited. */
  public synchronized void restore(Submitted batch) {
    if (await(batch)) {
      restored++;
    }
  }

  /** Keeps {@code batch} pending with its events awaited; false if it was pending already. */
  private boolean await(Submitted batch) {
    if (pending.putIfAbsent(batch.id(), batch) != null) {
      return false;
    }
    for (Request r : batch.requests()) {
      for (String id : r.eventIds()) {
        awaited.put(key(r.pipeline(), id), r.customId());
      }
    }
    return true;
  }

  /**
   * A batch another process of the cluster submitted, learned while this one runs: its events are awaited like a
   * restored batch's, for when their partitions move here (that process stopped, or a rebalance).
   */
  public synchronized void learn(Submitted batch) {
    if (await(batch)) {
      learned.add(batch.id());
      learnedTotal++;
    }
  }

  /** Whether this process has {@code batchId} pending (its own, restored or learned). */
  public synchronized boolean knows(String batchId) {
    return pending.containsKey(batchId);
  }

  /** Whether {@code batchId} was learned from another process and none of its events are here. */
  public synchronized boolean foreign(String batchId) {
    Submitted b = pending.get(batchId);
    if (b == null || !learned.contains(batchId)) {
      return false;
    }
    for (Request r : b.requests()) {
      if (held.containsKey(r.customId())) {
        return false;
      }
      for (String id : r.eventIds()) {
        if (parked.containsKey(key(r.pipeline(), id))) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether {@code event} belongs to a restored batch: then it is kept here until that batch's results are handled. */
  @Override
  public synchronized boolean park(PipelineEvent event) {
    if (awaited.isEmpty() || event.isShadow() || event.rejudge() != null || event.forced()) {
      return false;
    }
    String k = key(event.pipeline(), event.id());
    if (!awaited.containsKey(k)) {
      return false;
    }
    PipelineEvent before = parked.put(k, event);
    if (before == null) {
      parkedTotal++;
    } else {
      waiting(List.of(before), -1);
    }
    waiting(List.of(event), 1);
    return true;
  }

  /** The events of a request in order, or null while some of them have not been read again. */
  public synchronized List<PipelineEvent> events(Request r) {
    List<PipelineEvent> own = held.get(r.customId());
    if (own != null) {
      return own;
    }
    List<PipelineEvent> out = new ArrayList<>(r.eventIds().size());
    for (String id : r.eventIds()) {
      PipelineEvent e = parked.get(key(r.pipeline(), id));
      if (e == null) {
        return null;
      }
      out.add(r.asSubmitted(e));
    }
    return out;
  }

  /** The events of a request that are here (those read again, for a restored batch). */
  public synchronized List<PipelineEvent> present(Request r) {
    List<PipelineEvent> own = held.get(r.customId());
    if (own != null) {
      return own;
    }
    List<PipelineEvent> out = new ArrayList<>();
    for (String id : r.eventIds()) {
      PipelineEvent e = parked.get(key(r.pipeline(), id));
      if (e != null) {
        out.add(r.asSubmitted(e));
      }
    }
    return out;
  }

  /** Ids of create intents ({@link CreateIntents}) start with this: the batch's id is not known yet. */
  public static final String INTENT = "intent-";

  /**
   * The pending create intent whose requests are {@code real}'s (the same custom ids), or null: the batch its create
   * call made, now known.
   */
  public synchronized Submitted intentFor(Submitted real) {
    if (real.requests().isEmpty()) {
      return null;
    }
    String first = real.requests().get(0).customId();
    for (Submitted s : pending.values()) {
      if (s.id().startsWith(INTENT) && !s.requests().isEmpty() && s.requests().get(0).customId().equals(first)) {
        return s;
      }
    }
    return null;
  }

  /**
   * The create intent {@code intentId} turned out to be the batch {@code real}: it stays pending under the batch's id,
   * its events still awaited (they are keyed by custom id, which the two share).
   */
  public synchronized void adopt(String intentId, Submitted real) {
    pending.remove(intentId);
    boolean wasLearned = learned.remove(intentId);
    if (pending.putIfAbsent(real.id(), real) == null && wasLearned) {
      learned.add(real.id());
    }
  }

  /** The batch's results are handled: forget it (its events are no longer awaited). */
  public synchronized void done(String batchId) {
    Submitted b = pending.remove(batchId);
    learned.remove(batchId);
    if (b == null) {
      return;
    }
    for (Request r : b.requests()) {
      held.remove(r.customId());
      for (String id : r.eventIds()) {
        String k = key(r.pipeline(), id);
        awaited.remove(k);
        parked.remove(k);
      }
    }
  }

  public synchronized List<Submitted> pending() {
    return List.copyOf(pending.values());
  }

  /** Pending batches, their requests and events, events parked after a restart. */
  public synchronized JsonObject describe() {
    int requests = 0;
    int events = 0;
    for (Submitted b : pending.values()) {
      requests += b.requests().size();
      events += b.events();
    }
    return new JsonObject().put("pending", pending.size()).put("pending_requests", requests)
        .put("pending_events", events).put("restored", restored).put("learned", learnedTotal)
        .put("awaited_events", awaited.size() - parked.size())
        .put("parked_events", parkedTotal);
  }
}
