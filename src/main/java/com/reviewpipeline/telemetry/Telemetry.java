package com.reviewpipeline.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The product's meters, one registry per Vert.x instance (the one Vert.x's own metrics use when
 * the app built it). Names follow Prometheus conventions; {@link #stats()} summarises them for
 * {@code GET /api/stats}. Meter operations are thread-safe.
 */
public final class Telemetry {

  private final MeterRegistry registry;
  private final Map<String, IntSupplier> inFlight = new ConcurrentHashMap<>();
  private final long startedAtMs = System.currentTimeMillis();
  private final Map<String, java.util.SortedSet<Integer>> assignedPartitions = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong firstConsumedAtMs = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean simulatorAnswered;
  private final Map<String, java.util.concurrent.atomic.AtomicReference<Double>> tierShares = new ConcurrentHashMap<>();
  private final Map<String, java.util.function.Supplier<Object>> views = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicLong> gauges = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> pausedReasons = new ConcurrentHashMap<>();
  private final java.util.List<String> uncleanStops = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final CascadeStats cascade;
  private final ApiLatency apiLatency = new ApiLatency();
  private final ClaudeMeters claude;
  /** pipeline → tier → its buffer's time trigger now, as the buffer verticle describes it. */
  private final Map<String, Map<String, java.util.function.Supplier<JsonObject>>> bufferWaits = new ConcurrentHashMap<>();

  public Telemetry(MeterRegistry registry) {
    this.registry = registry;
    this.cascade = new CascadeStats(registry);
    this.claude = new ClaudeMeters(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void consumed(String pipeline) {
    firstConsumedAtMs.compareAndSet(0, System.currentTimeMillis());
    registry.counter("review_events_consumed_total", "pipeline", pipeline).increment();
  }

  /** The Messages API endpoint answered with the simulator's header: verdicts and costs are simulated. */
  public void simulatorAnswered() {
    simulatorAnswered = true;
  }

  /** Wall-clock time of the first event this process consumed (0: none yet); the benchmarks start their clock here. */
  public long firstConsumedAtMs() {
    return firstConsumedAtMs.get();
  }

  /** A verdict; {@code contained}: the review was judged apart as a suspected prompt injection. */
  public void processed(String pipeline, String model, String tier, boolean flagged, boolean contained) {
    registry.counter("review_events_processed_total", "pipeline", pipeline, "model", model, "tier", tier).increment();
    if (flagged) {
      registry.counter("review_events_flagged_total", "pipeline", pipeline).increment();
    }
    if (contained) {
      registry.counter("review_events_contained_total", "pipeline", pipeline).increment();
    }
  }

  /** A verdict of a cascade's first tier, escalated or not: what the escalation share is of. */
  public void cascadeFirstVerdicts(String pipeline, int n) {
    cascade.firstVerdicts(pipeline, n);
  }

  /** A cascade's first verdict sent to a higher tier ({@code review_escalations_total}). */
  public void escalated(String pipeline, String from, String to, String reason) {
    cascade.escalated(pipeline, from, to, reason);
  }

  /** A published verdict sampled for the reference tier. */
  public void shadowSampled(String pipeline) {
    cascade.sampled(pipeline);
  }

  /** A shadow sample that found no verdict (dropped: it holds no offset). */
  public void shadowFailed(String pipeline, String errorType) {
    cascade.failed(pipeline, errorType);
  }

  /** A shadow verdict compared field by field ({@code review_shadow_agreement_total}). */
  public void shadowCompared(String pipeline, String pair, Map<String, Boolean> agree) {
    cascade.compared(pipeline, pair, agree);
  }

  /** Shadow samples of {@code pipeline} sent, compared and failed (the benchmark waits for the first to settle). */
  public long[] shadowCounts(String pipeline) {
    return cascade.shadowCounts(pipeline);
  }

  /** The {@code cascade} section of {@link #stats()}: escalations and shadow agreement per pipeline. */
  public JsonObject cascadeStats() {
    return cascade.toJson();
  }

  /** A tier's share of a pipeline's events over the routing-drift window (the node raising service alerts sets it). */
  public void tierShare(String pipeline, String tier, double share) {
    tierShares.computeIfAbsent(pipeline + "|" + tier, k -> {
      java.util.concurrent.atomic.AtomicReference<Double> ref = new java.util.concurrent.atomic.AtomicReference<>(Double.NaN);
      io.micrometer.core.instrument.Gauge.builder("review_tier_share", ref, r -> r.get())
          .tags("pipeline", pipeline, "tier", tier)
          .description("share of the pipeline's judged events on this tier over the routing-drift window")
          .register(registry);
      return ref;
    }).set(share);
  }

  public void deadLettered(String pipeline, String errorType, int count) {
    registry.counter("review_events_dead_lettered_total", "pipeline", pipeline, "error_type", errorType).increment(count);
  }

  public void batchFlushed(String pipeline, String tier, String trigger, int size) {
    registry.counter("review_batches_flushed_total", "pipeline", pipeline, "tier", tier, "trigger", trigger).increment();
    DistributionSummary.builder("review_batch_size")
        .tags("pipeline", pipeline, "tier", tier)
        .register(registry)
        .record(size);
  }

  /** The Claude stage's meters: requests, tokens, cost, the limiter's waits, Message Batches. */
  public ClaudeMeters claude() {
    return claude;
  }

  /** The recent latency of direct Messages API calls per model, read by the buffers' latency objective. */
  public ApiLatency apiLatency() {
    return apiLatency;
  }

  /**
   * The time trigger of a (pipeline, tier) buffer, read when asked: {@code review_buffer_effective_wait_ms} and the
   * {@code buffer_waits} section of {@link #stats()}. A later registration of the same pair (another buffer instance)
   * replaces the earlier one.
   *
   * @param describe at least {@code effective_wait_ms}
   */
  public void registerBufferWait(String pipeline, String tier, java.util.function.Supplier<JsonObject> describe) {
    Map<String, java.util.function.Supplier<JsonObject>> tiers =
        bufferWaits.computeIfAbsent(pipeline, k -> new ConcurrentHashMap<>());
    if (tiers.put(tier, describe) == null) {
      Gauge.builder("review_buffer_effective_wait_ms", tiers, t -> t.get(tier).get().getLong("effective_wait_ms"))
          .tags("pipeline", pipeline, "tier", tier)
          .description("how long the buffer holds an ordinary event now: max_wait_ms, or what the latency objective"
              + " leaves after the measured API latency")
          .register(registry);
    }
  }

  /** The {@code buffer_waits} section of {@link #stats()}: per pipeline and tier, the wait and what it is made of. */
  JsonObject bufferWaits() {
    JsonObject out = new JsonObject();
    new java.util.TreeMap<>(bufferWaits).forEach((pipeline, tiers) -> {
      JsonObject byTier = new JsonObject();
      new java.util.TreeMap<>(tiers).forEach((tier, describe) -> byTier.put(tier, describe.get()));
      out.put(pipeline, byTier);
    });
    return out;
  }

  /** Response header on every answer of the project's API simulator. */
  public static final String SIMULATOR_HEADER = "x-claude-simulator";

  /** A process-wide state shown under {@code name} in {@link #stats()} (circuits, token calibration, ...). */
  public void registerView(String name, java.util.function.Supplier<?> describe) {
    views.put(name, describe::get);
  }

  private java.util.concurrent.atomic.AtomicLong gauge(String name, String... tags) {
    String key = name + String.join(",", tags);
    return gauges.computeIfAbsent(key, k -> {
      java.util.concurrent.atomic.AtomicLong v = new java.util.concurrent.atomic.AtomicLong();
      Gauge.builder(name, v, java.util.concurrent.atomic.AtomicLong::get).tags(tags).register(registry);
      return v;
    });
  }

  /** Consumer lag of one group on one partition (end offset minus committed offset). */
  public void lag(String group, String topic, int partition, long lag) {
    gauge("review_consumer_lag", "group", group, "topic", topic, "partition", String.valueOf(partition)).set(lag);
  }

  /** Open manual-review items: the human end of the DLQ. */
  public void manualReviewOpen(long open) {
    gauge("review_manual_review_open").set(open);
  }

  /** Pause reasons of one ingest instance (empty: consuming). */
  public void paused(String pipeline, String instance, Set<String> reasons) {
    pausedReasons.put(pipeline + "/" + instance, reasons);
  }

  /** Per pipeline, the union of its instances' pause reasons. */
  public Map<String, Set<String>> pauseReasons() {
    Map<String, Set<String>> out = new java.util.TreeMap<>();
    pausedReasons.forEach((k, v) -> out.computeIfAbsent(k.substring(0, k.indexOf('/')), x -> new java.util.TreeSet<>()).addAll(v));
    return out;
  }

  public double flaggedTotal() {
    return sum("review_events_flagged_total");
  }

  public JsonObject flaggedByPipeline() {
    return StatsDocument.groupCounter(registry, "review_events_flagged_total", "pipeline");
  }

  public void retryScheduled(String pipeline, String topic) {
    registry.counter("review_retries_scheduled_total", "pipeline", pipeline, "topic", topic).increment();
  }

  public void alert(String type) {
    registry.counter("review_alerts_total", "type", type).increment();
  }

  public void rebalance(String pipeline, String kind) {
    registry.counter("review_ingest_rebalance_events_total", "pipeline", pipeline, "kind", kind).increment();
  }

  public long rebalances(String kind) {
    return (long) sum("review_ingest_rebalance_events_total", "kind", kind);
  }

  public long processed() {
    return (long) sum("review_events_processed_total");
  }

  public void backpressurePause(String pipeline) {
    registry.counter("review_ingest_backpressure_pauses_total", "pipeline", pipeline).increment();
  }

  public void registerInFlight(String pipeline, String instance, IntSupplier supplier) {
    inFlight.put(pipeline + "/" + instance, supplier);
    Gauge.builder("review_events_in_flight", supplier, s -> s.getAsInt())
        .tags("pipeline", pipeline, "instance", instance)
        .register(registry);
  }

  /** Records the partitions an ingest instance owns after a rebalance (empty is a valid assignment). */
  public void assigned(String pipeline, String instance, java.util.Collection<Integer> partitions) {
    assignedPartitions.put(pipeline + "/" + instance, new java.util.TreeSet<>(partitions));
  }

  /** Partitions this process owns, per pipeline (sorted). */
  public JsonObject partitions() {
    Map<String, java.util.SortedSet<Integer>> byPipeline = new java.util.TreeMap<>();
    assignedPartitions.forEach((key, parts) -> byPipeline.computeIfAbsent(key.substring(0, key.indexOf('/')),
        k -> new java.util.TreeSet<>()).addAll(parts));
    JsonObject out = new JsonObject();
    byPipeline.forEach((pipeline, parts) -> out.put(pipeline, new io.vertx.core.json.JsonArray(List.copyOf(parts))));
    return out;
  }

  /** True when every registered ingest instance has received its first assignment. */
  public boolean allConsumersJoined() {
    return !inFlight.isEmpty() && inFlight.keySet().stream().allMatch(assignedPartitions::containsKey);
  }

  public void unregisterInFlight(String pipeline, String instance) {
    assignedPartitions.remove(pipeline + "/" + instance);
    inFlight.remove(pipeline + "/" + instance);
    registry.find("review_events_in_flight").tags("pipeline", pipeline, "instance", instance).meters()
        .forEach(registry::remove);
  }

  /** A record read again (after a crash, rebalance or scale change) that its partition's offset map says is done. */
  public void skippedDone(String pipeline) {
    registry.counter("review_events_skipped_done_total", "pipeline", pipeline).increment();
  }

  /** A copy of an event being judged took that judgment instead of a call of its own. */
  public void coalesced(String pipeline) {
    registry.counter("review_events_coalesced_total", "pipeline", pipeline).increment();
  }

  /** Records a database sink holds (read, not yet written): {@code review_sink_in_flight}. */
  public void registerSinkInFlight(String table, java.util.function.IntSupplier inFlight) {
    Gauge.builder("review_sink_in_flight", inFlight::getAsInt).tag("table", table).register(registry);
  }

  /** A record a database sink recorded in {@code sink_failures} instead of its table. */
  public void sinkFailure(String table) {
    registry.counter("review_sink_failures_total", "table", table).increment();
  }

  /** A stop left work behind: events in flight at the drain deadline, or done offsets it could not commit. */
  public void uncleanStop(String what) {
    uncleanStops.add(what);
  }

  /** What the stops of this process left behind (empty: every stop was clean). */
  public java.util.List<String> uncleanStops() {
    return java.util.List.copyOf(uncleanStops);
  }

  public int inFlight() {
    return inFlight.values().stream().mapToInt(IntSupplier::getAsInt).sum();
  }

  double sum(String name, String... tagPairs) {
    return registry.find(name).tags(tagPairs).counters().stream().mapToDouble(Counter::count).sum();
  }

  long startedAtMs() {
    return startedAtMs;
  }

  /** The partitions each ingest instance owns, by {@code pipeline/instance}. */
  public Map<String, java.util.SortedSet<Integer>> assignedPartitions() {
    return assignedPartitions;
  }

  boolean simulatorAnsweredSeen() {
    return simulatorAnswered;
  }

  Map<String, java.util.function.Supplier<Object>> views() {
    return views;
  }

  /** The {@code GET /api/stats} document: totals overall and per pipeline, model and tier, and node state. */
  public JsonObject stats() {
    return StatsDocument.of(this);
  }
}
