package com.reviewpipeline.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
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
  private final Map<String, java.util.SortedSet<Integer>> assignedPartitions = new ConcurrentHashMap<>();
  private final long startedAtMs = System.currentTimeMillis();
  private volatile java.util.function.Supplier<io.vertx.core.json.JsonArray> keys = io.vertx.core.json.JsonArray::new;

  public Telemetry(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void consumed(String pipeline) {
    firstConsumedAtMs.compareAndSet(0, System.currentTimeMillis());
    registry.counter("review_events_consumed_total", "pipeline", pipeline).increment();
  }

  private final java.util.concurrent.atomic.AtomicLong firstConsumedAtMs = new java.util.concurrent.atomic.AtomicLong();

  private volatile boolean simulatorAnswered;

  /** The Messages API endpoint answered with the simulator's header: verdicts and costs are simulated. */
  public void simulatorAnswered() {
    simulatorAnswered = true;
  }

  /** Wall-clock time of the first event this process consumed (0: none yet); the benchmarks start their clock here. */
  public long firstConsumedAtMs() {
    return firstConsumedAtMs.get();
  }

  public void processed(String pipeline, String model, String tier, boolean flagged) {
    registry.counter("review_events_processed_total", "pipeline", pipeline, "model", model, "tier", tier).increment();
    if (flagged) {
      registry.counter("review_events_flagged_total", "pipeline", pipeline).increment();
    }
  }

  private final Map<String, java.util.concurrent.atomic.AtomicReference<Double>> tierShares = new ConcurrentHashMap<>();

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

  public void claudeRequest(String model, String status, long durationMs) {
    Timer.builder("claude_request_duration_seconds")
        .tags("model", model, "status", status)
        .register(registry)
        .record(Duration.ofMillis(durationMs));
  }

  public void tokens(String pipeline, String model, String kind, long tokens) {
    registry.counter("claude_tokens_total", "pipeline", pipeline, "model", model, "kind", kind).increment(tokens);
  }

  public void cost(String pipeline, String model, String tier, double usd) {
    registry.counter("claude_cost_usd_total", "pipeline", pipeline, "model", model, "tier", tier).increment(usd);
  }

  public void tokenEstimateError(String model, double relativeError) {
    DistributionSummary.builder("claude_token_estimate_relative_error")
        .tags("model", model)
        .register(registry)
        .record(Math.abs(relativeError));
  }

  /** Response header on every answer of the project's API simulator. */
  public static final String SIMULATOR_HEADER = "x-claude-simulator";

  private final Map<String, java.util.function.Supplier<Object>> views = new ConcurrentHashMap<>();

  /** A process-wide state shown under {@code name} in {@link #stats()} (circuits, token calibration, ...). */
  public void registerView(String name, java.util.function.Supplier<?> describe) {
    views.put(name, describe::get);
  }

  /** The API keys' limiter state (without secrets), shown in {@link #stats()}. */
  public void registerKeys(java.util.function.Supplier<io.vertx.core.json.JsonArray> describe) {
    keys = describe;
  }

  public void rateLimitWait(String model, long waitMs) {
    registry.counter("claude_rate_limit_waits_total", "model", model).increment();
    DistributionSummary.builder("claude_rate_limit_wait_ms").tags("model", model).register(registry).record(waitMs);
  }

  private final Map<String, java.util.concurrent.atomic.AtomicLong> gauges = new ConcurrentHashMap<>();

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

  private final Map<String, Set<String>> pausedReasons = new ConcurrentHashMap<>();

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
    return groupCounter("review_events_flagged_total", "pipeline");
  }

  public void retryScheduled(String pipeline, String topic) {
    registry.counter("review_retries_scheduled_total", "pipeline", pipeline, "topic", topic).increment();
  }

  public void alert(String type) {
    registry.counter("review_alerts_total", "type", type).increment();
  }

  public void resent(String pipeline) {
    registry.counter("claude_items_resent_total", "pipeline", pipeline).increment();
  }

  public void unknownIds(String pipeline, int count) {
    registry.counter("claude_unknown_result_ids_total", "pipeline", pipeline).increment(count);
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

  public int inFlight() {
    return inFlight.values().stream().mapToInt(IntSupplier::getAsInt).sum();
  }

  double sum(String name, String... tagPairs) {
    return registry.find(name).tags(tagPairs).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** Totals for the admin API: overall and per pipeline, model and tier. */
  public JsonObject stats() {
    double processed = sum("review_events_processed_total");
    double cost = sum("claude_cost_usd_total");
    JsonObject totals = new JsonObject()
        .put("consumed", (long) sum("review_events_consumed_total"))
        .put("processed", (long) processed)
        .put("flagged", (long) sum("review_events_flagged_total"))
        .put("dead_lettered", (long) sum("review_events_dead_lettered_total"))
        .put("batches", (long) sum("review_batches_flushed_total"))
        .put("in_flight", inFlight())
        .put("assigned_partitions", assignedPartitions.values().stream().mapToInt(java.util.Set::size).sum())
        .put("cost_usd", round(cost))
        .put("cost_per_1000_events_usd", processed == 0 ? 0.0 : round(cost / processed * 1000))
        .put("uptime_s", (System.currentTimeMillis() - startedAtMs) / 1000);
    JsonObject stats = new JsonObject()
        .put("totals", totals)
        .put("by_pipeline", groupBy("pipeline"))
        .put("by_model", groupBy("model"))
        .put("by_tier", groupBy("tier"))
        .put("flush_triggers", groupCounter("review_batches_flushed_total", "trigger"))
        .put("rate_limit_waits", (long) sum("claude_rate_limit_waits_total"))
        .put("items_resent", (long) sum("claude_items_resent_total"))
        .put("retries_scheduled", groupCounter("review_retries_scheduled_total", "topic"))
        .put("unknown_ids", (long) sum("claude_unknown_result_ids_total"))
        .put("alerts", groupCounter("review_alerts_total", "type"))
        .put("api_keys", keys.get())
        .put("paused", new JsonObject(new java.util.HashMap<>(pauseReasons().entrySet().stream()
            .filter(e -> !e.getValue().isEmpty())
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (Object) new io.vertx.core.json.JsonArray(List.copyOf(e.getValue())))))))
        .put("simulator_answered", simulatorAnswered)
        .put("jvm", jvm());
    views.forEach((name, view) -> stats.put(name, view.get()));
    return stats;
  }

  /** Heap now and at its peak since start (sum of heap pools' peaks: an upper bound). */
  static JsonObject jvm() {
    long used = 0;
    long peak = 0;
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
        peak += pool.getPeakUsage().getUsed();
      }
    }
    long max = Runtime.getRuntime().maxMemory();
    return new JsonObject()
        .put("heap_used_mb", used / (1024 * 1024))
        .put("heap_peak_mb", peak / (1024 * 1024))
        .put("heap_max_mb", max / (1024 * 1024));
  }

  private JsonObject groupBy(String tag) {
    JsonObject out = new JsonObject();
    addGroup(out, tag, "review_events_processed_total", "processed");
    addGroup(out, tag, "review_events_flagged_total", "flagged");
    addGroup(out, tag, "review_events_dead_lettered_total", "dead_lettered");
    addGroup(out, tag, "claude_cost_usd_total", "cost_usd");
    for (Counter c : registry.find("claude_tokens_total").counters()) {
      String key = c.getId().getTag(tag);
      if (key != null) {
        JsonObject g = group(out, key);
        String kind = c.getId().getTag("kind") + "_tokens";
        g.put(kind, g.getLong(kind, 0L) + (long) c.count());
      }
    }
    out.forEach(e -> {
      JsonObject g = (JsonObject) e.getValue();
      long n = g.getLong("processed", 0L);
      double usd = g.getDouble("cost_usd", 0.0);
      g.put("cost_usd", round(usd));
      g.put("cost_per_1000_events_usd", n == 0 ? 0.0 : round(usd / n * 1000));
      if (g.containsKey("thinking_tokens")) {
        // estimated (output_tokens minus the answer's own tokens); already inside output_tokens and the cost
        g.put("thinking_tokens_per_review", n == 0 ? 0.0 : Math.round(g.getLong("thinking_tokens") * 100.0 / n) / 100.0);
      }
    });
    return out;
  }

  private void addGroup(JsonObject out, String tag, String meter, String field) {
    for (Counter c : registry.find(meter).counters()) {
      String key = c.getId().getTag(tag);
      if (key != null) {
        JsonObject g = group(out, key);
        if (field.equals("cost_usd")) {
          g.put(field, g.getDouble(field, 0.0) + c.count());
        } else {
          g.put(field, g.getLong(field, 0L) + (long) c.count());
        }
      }
    }
  }

  private JsonObject groupCounter(String meter, String tag) {
    JsonObject out = new JsonObject();
    for (Meter m : registry.find(meter).meters()) {
      if (m instanceof Counter c) {
        String key = c.getId().getTag(tag);
        out.put(key, out.getLong(key, 0L) + (long) c.count());
      }
    }
    return out;
  }

  private static JsonObject group(JsonObject out, String key) {
    JsonObject g = out.getJsonObject(key);
    if (g == null) {
      g = new JsonObject();
      out.put(key, g);
    }
    return g;
  }

  private static double round(double usd) {
    return Math.round(usd * 1_000_000.0) / 1_000_000.0;
  }

}
