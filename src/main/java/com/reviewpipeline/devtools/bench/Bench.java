package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.app.Topics;
import com.reviewpipeline.buffer.BatchBufferVerticle;
import com.reviewpipeline.claude.TokenCalibration;
import com.reviewpipeline.claude.CircuitBreakers;
import com.reviewpipeline.claude.PauseSignals;
import com.reviewpipeline.claude.ClaudeRequests;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.claude.ClaudeVerticle;
import com.reviewpipeline.claude.KeyPool;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.config.ConfigLoader;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.devtools.embedded.EmbeddedKafka;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.telemetry.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The benchmark suite: five scenarios on the embedded stack (real KRaft broker, the Claude API simulator), each
 * printing its figures and writing {@code <out>/<scenario>.json}. Figures, never pass/fail: targets are reported as
 * met or not.
 */
public final class Bench {

  public static final List<String> SCENARIOS = List.of("overhead", "api-bound", "latency", "backlog", "cost");

  private final String configPath;
  private final Path out;
  private final Map<String, Integer> sizes;
  private final JsonObject summary = new JsonObject();
  private EmbeddedKafka kafka;
  private BenchKafka clients;
  private Double measuredCapacity;

  /** @param sizes optional overrides: overhead_events, api_events, api_seconds, latency_seconds, backlog_events, backlog_stall_s, cost_events */
  private final List<String> extraSets;

  public Bench(String configPath, Path out, Map<String, Integer> sizes, List<String> extraSets) {
    this.extraSets = List.copyOf(extraSets);
    this.configPath = configPath;
    this.out = out;
    this.sizes = sizes;
  }

  int size(String key, int dflt) {
    return sizes.getOrDefault(key, dflt);
  }

  public JsonObject run(List<String> scenarios) throws Exception {
    Files.createDirectories(out);
    JsonObject machine = new JsonObject()
        .put("cpus", java.lang.Runtime.getRuntime().availableProcessors())
        .put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
        .put("max_heap_mb", java.lang.Runtime.getRuntime().maxMemory() / (1024 * 1024))
        .put("started_at", Instant.now().toString());
    summary.put("machine", machine);
    System.out.printf("bench: %s on %d CPUs, %s%n", scenarios, machine.getInteger("cpus"), machine.getString("jvm"));
    long t0 = System.currentTimeMillis();
    kafka = EmbeddedKafka.start();
    clients = new BenchKafka(kafka.bootstrapServers());
    try {
      for (String s : scenarios) {
        long s0 = System.currentTimeMillis();
        System.out.printf("%n=== %s ===%n", s);
        JsonObject r = switch (s) {
          case "overhead" -> overhead();
          case "api-bound" -> apiBound();
          case "latency" -> latency();
          case "backlog" -> backlog();
          case "cost" -> cost();
          default -> throw new IllegalArgumentException("unknown scenario '" + s + "'; scenarios: " + SCENARIOS);
        };
        r.put("scenario", s).put("wall_s", (System.currentTimeMillis() - s0) / 1000.0).put("machine", machine);
        Files.writeString(out.resolve(s + ".json"), r.encodePrettily());
        summary.put(s, r);
      }
    } finally {
      clients.close();
      kafka.close();
    }
    summary.put("wall_s", (System.currentTimeMillis() - t0) / 1000.0);
    Files.writeString(out.resolve("summary.json"), summary.encodePrettily());
    printTable();
    return summary;
  }

  // ---------------------------------------------------------------------------------------------
  // infrastructure

  /** Unique topics and groups for one scenario; the moderator pipeline alone. */
  List<String> sets(String run, String... extra) {
    List<String> s = new ArrayList<>(List.of(
        "kafka.bootstrap_servers=" + kafka.bootstrapServers(),
        "kafka.events_topic=bench-events-" + run,
        "kafka.results_topic=bench-results-" + run,
        "kafka.dlq_topic=bench-dlq-" + run,
        "kafka.retry_stages.0.topic=bench-retry1-" + run,
        "kafka.retry_stages.1.topic=bench-retry2-" + run,
        "kafka.retry_stages.2.topic=bench-retry3-" + run,
        "kafka.retry_group=bench-retry-" + run,
        "kafka.store_group=bench-store-" + run,
        "kafka.manual_review_group=bench-manual-" + run,
        "pipelines.0.group_id=bench-moderator-" + run,
        "pipelines.1.enabled=false",
        "admin.token=bench"));
    s.addAll(Arrays.asList(extra));
    s.addAll(extraSets);
    return s;
  }

  static final String[] NO_LIMITS = {
      "anthropic.rate_limits.requests_per_minute=1000000000",
      "anthropic.rate_limits.input_tokens_per_minute=1000000000000",
      "anthropic.rate_limits.output_tokens_per_minute=1000000000000"};

  AppConfig config(Vertx vertx, List<String> sets) {
    return ConfigLoader.load(vertx, configPath, Map.of(), new JsonObject(), sets).await();
  }

  record Stack(Vertx simVertx, ClaudeSimulator sim, Vertx vertx, AppConfig config, Telemetry telemetry) implements AutoCloseable {
    @Override
    public void close() {
      vertx.close().await();
      simVertx.close().await();
    }
  }

  /** A simulator and a pipeline Vert.x with its configuration (topics created); the pipeline is not started yet. */
  Stack stack(List<String> sets, JsonObject simSettings) throws Exception {
    Vertx simVertx = Vertx.vertx();
    Vertx vertx = Vertx.vertx();
    Telemetry telemetry = Telemetry.bind(vertx, new SimpleMeterRegistry());
    AppConfig base = config(vertx, sets);
    ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(0, 0).merge(simSettings));
    simVertx.deployVerticle(sim).await();
    AppConfig config = base.withAnthropic(base.anthropic().withEndpoint(sim.baseUrl(), List.of("sk-bench-key")));
    Topics.ensure(config.kafka());
    return new Stack(simVertx, sim, vertx, config, telemetry);
  }

  static double sum(Telemetry t, String meter, String... tags) {
    return t.registry().find(meter).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  static JsonObject simTotals(ClaudeSimulator sim) {
    JsonObject s = sim.stats();
    long in = 0;
    long outTok = 0;
    long items = 0;
    long ok = 0;
    for (String model : s.getJsonObject("by_model").fieldNames()) {
      JsonObject m = s.getJsonObject("by_model").getJsonObject(model);
      in += m.getLong("input_tokens");
      outTok += m.getLong("output_tokens");
      items += m.getLong("items");
      ok += m.getLong("requests");
    }
    return new JsonObject().put("requests", s.getLong("requests")).put("answered_requests", ok).put("items", items)
        .put("input_tokens", in).put("output_tokens", outTok)
        .put("status_429", s.getJsonObject("by_status").getLong("429", 0L))
        .put("by_status", s.getJsonObject("by_status"));
  }

  /** Per model class (as the API pools limits): items, answered requests, input tokens, output tokens so far. */
  static Map<String, long[]> simByClass(ClaudeSimulator sim) {
    Map<String, long[]> out = new TreeMap<>();
    JsonObject byModel = sim.stats().getJsonObject("by_model");
    for (String model : byModel.fieldNames()) {
      JsonObject m = byModel.getJsonObject(model);
      long[] a = out.computeIfAbsent(ClaudeSimulator.modelClass(model), k -> new long[4]);
      a[0] += m.getLong("items");
      a[1] += m.getLong("requests");
      a[2] += m.getLong("input_tokens");
      a[3] += m.getLong("output_tokens");
    }
    return out;
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  // ---------------------------------------------------------------------------------------------
  // 1. overhead

  JsonObject overhead() throws Exception {
    int n = size("overhead_events", 200_000);
    String run = "o" + UUID.randomUUID().toString().substring(0, 6);
    try (Stack st = stack(sets(run, concat(NO_LIMITS, "kafka.commit_interval_ms=100")), new JsonObject())) {
      String events = st.config.kafka().eventsTopic();
      long p0 = System.currentTimeMillis();
      clients.produceBacklog(events, n, "ov-", 11);
      System.out.printf("produced %,d events in %.1f s%n", n, (System.currentTimeMillis() - p0) / 1000.0);

      // baseline: a plain consume → produce mirror of the same records on the same broker
      String mirrorTopic = "bench-mirror-" + run;
      clients.createTopic(mirrorTopic, 3, Map.of());
      long[] m = clients.mirror(events, mirrorTopic, "bench-mirror-" + run, n);
      double mirrorS = (m[1] - m[0]) / 1000.0;
      System.out.printf("raw mirror: %,d records in %.2f s = %,.0f records/s%n", n, mirrorS, n / mirrorS);

      // the pipeline: simulator at 0 ms, no limits
      PipelineApp app = PipelineApp.deploy(st.vertx, st.config, false).await();
      long end = clients.awaitCommitted(st.config.pipelines().get(0).groupId(), events, n, Duration.ofMinutes(20));
      double pipeS = (end - st.telemetry.firstConsumedAtMs()) / 1000.0;
      long processed = (long) sum(st.telemetry, "review_events_processed_total");
      JsonObject simT = simTotals(st.sim);
      app.stop().await();
      double ratio = (n / pipeS) / (n / mirrorS);
      System.out.printf("pipeline: %,d events in %.2f s = %,.0f events/s (%,d requests, %.1f events per request)%n",
          n, pipeS, n / pipeS, simT.getLong("requests"), (double) simT.getLong("items") / simT.getLong("answered_requests"));
      System.out.printf("RESULT overhead ratio pipeline/mirror = %.3f (target >= 0.5: %s)%n", ratio, ratio >= 0.5 ? "met" : "NOT met");
      return new JsonObject().put("events", n)
          .put("mirror_records_per_s", round(n / mirrorS, 0)).put("mirror_s", round(mirrorS, 2))
          .put("pipeline_events_per_s", round(n / pipeS, 0)).put("pipeline_s", round(pipeS, 2))
          .put("pipeline_processed", processed).put("simulator", simT)
          .put("ratio", round(ratio, 3)).put("target", ">= 0.5").put("target_met", ratio >= 0.5);
    }
  }

  static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // 2. api-bound

  static final long RPM = 4_000;
  static final long ITPM = 2_000_000;
  static final long OTPM = 400_000;

  JsonObject apiLimits() {
    return new JsonObject().put("latency_ms", 1500).put("jitter_ms", 500).put("requests_per_minute", RPM)
        .put("input_tokens_per_minute", ITPM).put("output_tokens_per_minute", OTPM);
  }

  JsonObject apiBound() throws Exception {
    int n = size("api_events", 40_000);
    int seconds = size("api_seconds", 90);
    int warmup = Math.min(30, seconds / 3);
    String run = "a" + UUID.randomUUID().toString().substring(0, 6);
    // The API pools its limits per model class. With every tier on the balanced tier's model, one budget binds and
    // its initial burst is spent in the warm-up; with three classes, each has its own burst, and the slower-draining
    // ones would still be spending theirs in the window, above the steady-state ceiling this scenario measures.
    List<String> apiSets = new ArrayList<>(sets(run));
    Vertx probe = Vertx.vertx();
    try {
      String balanced = config(probe, apiSets).modelFor("balanced");
      apiSets.add("tiers.fast=" + balanced);
      apiSets.add("tiers.deep=" + balanced);
    } finally {
      probe.close().await();
    }
    try (Stack st = stack(apiSets, apiLimits())) {
      clients.produceBacklog(st.config.kafka().eventsTopic(), n, "ap-", 12);
      System.out.printf("backlog of %,d events; simulator 1.5 s ± 0.5 s, limits %,d RPM / %,d ITPM / %,d OTPM; measuring %d s after a %d s warm-up%n",
          n, RPM, ITPM, OTPM, seconds - warmup, warmup);
      PipelineApp app = PipelineApp.deploy(st.vertx, st.config, false).await();
      while (st.telemetry.firstConsumedAtMs() == 0) {
        Thread.sleep(20);
      }
      long start = st.telemetry.firstConsumedAtMs();
      Thread.sleep(Math.max(0, start + warmup * 1000L - System.currentTimeMillis()));
      double p1 = sum(st.telemetry, "review_events_processed_total");
      JsonObject s1 = simTotals(st.sim);
      Map<String, long[]> c1 = simByClass(st.sim);
      long w1 = System.currentTimeMillis();
      Thread.sleep(Math.max(0, start + seconds * 1000L - System.currentTimeMillis()));
      double p2 = sum(st.telemetry, "review_events_processed_total");
      JsonObject s2 = simTotals(st.sim);
      Map<String, long[]> c2 = simByClass(st.sim);
      JsonArray keyState = st.telemetry.stats().getJsonArray("api_keys");
      long backlogLeft = n - (long) p2;
      if (backlogLeft < 1000) {
        System.out.printf("WARNING: the backlog ran out during the window (%d events left): the rate is a lower bound; raise --size api_events%n", backlogLeft);
      }
      long w2 = System.currentTimeMillis();
      double window = (w2 - w1) / 1000.0;
      double rate = (p2 - p1) / window;
      long items = s2.getLong("items") - s1.getLong("items");
      long answered = s2.getLong("answered_requests") - s1.getLong("answered_requests");
      double batch = (double) items / Math.max(1, answered);
      double inPerEvent = (double) (s2.getLong("input_tokens") - s1.getLong("input_tokens")) / Math.max(1, items);
      double outPerEvent = (double) (s2.getLong("output_tokens") - s1.getLong("output_tokens")) / Math.max(1, items);
      // The API (and the simulator) pool the limits per model class, and routing splits the events between classes
      // in fixed proportions: each class c could carry at most C_c = min(RPM·batch_c/60, ITPM/input_c, OTPM/output_c)
      // events/s, i.e. C_c / share_c of the whole stream. The ceiling is the tightest class.
      double ceiling = Double.MAX_VALUE;
      String bound = "";
      double byRpm = 0;
      double byItpm = 0;
      double byOtpm = 0;
      JsonObject byClass = new JsonObject();
      for (Map.Entry<String, long[]> e : c2.entrySet()) {
        long[] a = e.getValue();
        long[] b = c1.getOrDefault(e.getKey(), new long[4]);
        long itemsC = a[0] - b[0];
        long requestsC = a[1] - b[1];
        if (itemsC <= 0 || requestsC <= 0) {
          continue;
        }
        double shareC = (double) itemsC / Math.max(1, items);
        double rpmC = RPM * ((double) itemsC / requestsC) / 60.0 / shareC;
        double itpmC = ITPM / 60.0 / ((double) (a[2] - b[2]) / itemsC) / shareC;
        double otpmC = OTPM / 60.0 / ((double) (a[3] - b[3]) / itemsC) / shareC;
        double cC = Math.min(rpmC, Math.min(itpmC, otpmC));
        String dim = cC == otpmC ? "output tokens per minute" : cC == itpmC ? "input tokens per minute" : "requests per minute";
        byClass.put(e.getKey(), new JsonObject().put("share_of_events", round(shareC, 3))
            .put("rpm_events_per_s", round(rpmC, 1)).put("itpm_events_per_s", round(itpmC, 1))
            .put("otpm_events_per_s", round(otpmC, 1)).put("events_per_s", round(cC, 1)).put("bound_by", dim));
        if (cC < ceiling) {
          ceiling = cC;
          bound = e.getKey() + " " + dim;
          byRpm = rpmC;
          byItpm = itpmC;
          byOtpm = otpmC;
        }
      }
      long deadLettered = (long) sum(st.telemetry, "review_events_dead_lettered_total");
      long rateLimitDlq = (long) sum(st.telemetry, "review_events_dead_lettered_total", "error_type", "rate_limit_error");
      long waits = (long) sum(st.telemetry, "claude_rate_limit_waits_total");
      st.vertx.close().await(); // in-flight calls are abandoned: nothing is committed for them
      double ratio = rate / ceiling;
      measuredCapacity = rate;
      System.out.printf("window %.1f s: %,.1f events/s; batch %.1f events, %.1f input + %.1f output tokens per event%n",
          window, rate, batch, inPerEvent, outPerEvent);
      byClass.forEach(e -> System.out.printf("  class %-8s %s%n", e.getKey(), e.getValue()));
      System.out.printf("ceiling (tightest class): RPM %,.1f, ITPM %,.1f, OTPM %,.1f events/s -> %,.1f (%s)%n", byRpm, byItpm,
          byOtpm, ceiling, bound);
      System.out.printf("RESULT api-bound ratio %.3f (target >= 0.95: %s); 429s %d of %d requests; dead-lettered %d (for rate limits %d); limiter waits %d%n",
          ratio, ratio >= 0.95 ? "met" : "NOT met", s2.getLong("status_429"), s2.getLong("requests"), deadLettered, rateLimitDlq, waits);
      return new JsonObject().put("backlog_events", n).put("window_s", round(window, 1)).put("events_per_s", round(rate, 1))
          .put("batch_size", round(batch, 2)).put("input_tokens_per_event", round(inPerEvent, 1))
          .put("output_tokens_per_event", round(outPerEvent, 1))
          .put("ceiling", new JsonObject().put("rpm_events_per_s", round(byRpm, 1)).put("itpm_events_per_s", round(byItpm, 1))
              .put("otpm_events_per_s", round(byOtpm, 1)).put("events_per_s", round(ceiling, 1)).put("bound_by", bound)
              .put("by_model_class", byClass))
          .put("ratio", round(ratio, 3)).put("target", ">= 0.95").put("target_met", ratio >= 0.95)
          .put("status_429", s2.getLong("status_429")).put("requests", s2.getLong("requests"))
          .put("dead_lettered", deadLettered).put("dead_lettered_for_rate_limits", rateLimitDlq).put("limiter_waits", waits)
          .put("limits", new JsonObject().put("rpm", RPM).put("itpm", ITPM).put("otpm", OTPM))
          .put("backlog_left_at_end", backlogLeft).put("limiter_at_end", keyState);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 3. latency

  JsonObject latency() throws Exception {
    int seconds = size("latency_seconds", 60);
    double capacity = measuredCapacity != null ? measuredCapacity : 150.0;
    double rate = capacity / 2;
    String run = "l" + UUID.randomUUID().toString().substring(0, 6);
    List<String> sets = sets(run);
    // results stamped by the broker when it appends them: the acknowledgment time
    clients.createTopic("bench-results-" + run, 3, Map.of("message.timestamp.type", "LogAppendTime"));
    try (Stack st = stack(sets, apiLimits())) {
      String results = st.config.kafka().resultsTopic();
      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      PipelineApp app = PipelineApp.deploy(st.vertx, st.config, false).await();
      long maxWait = st.config.pipelines().get(0).buffer().maxWaitMs();
      System.out.printf("steady load %.1f events/s (half of %s %.1f) for %d s; simulator 1.5 s ± 0.5 s; buffer max_wait %d ms%n",
          rate, measuredCapacity != null ? "the measured" : "an assumed", capacity, seconds, maxWait);
      List<JsonObject> pool = BenchKafka.pool(13, 2000);
      int total = (int) Math.round(rate * seconds);
      long t0 = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer = clients.producer(false)) {
        for (int i = 0; i < total; i++) {
          long due = t0 + (long) (i / rate * 1e9);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          String id = "lt-" + i;
          JsonObject v = pool.get(i % pool.size()).copy().put("event_id", id).put("timestamp", Instant.now().toString());
          sentAt.put(id, System.currentTimeMillis());
          producer.send(new ProducerRecord<>(st.config.kafka().eventsTopic(), id.getBytes(StandardCharsets.UTF_8),
              v.toBuffer().getBytes()));
        }
        producer.flush();
      }
      clients.awaitCommitted(st.config.pipelines().get(0).groupId(), st.config.kafka().eventsTopic(), total,
          Duration.ofMinutes(5));
      app.stop().await();
      List<Long> lat = new ArrayList<>();
      clients.readAll(results, r -> {
        Long sent = sentAt.get(new String(r.key(), StandardCharsets.UTF_8));
        if (sent != null) {
          lat.add(r.timestamp() - sent);
        }
      });
      long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
      double simP99 = 1500 + 500 * 0.98; // uniform ±500 ms around 1,500 ms
      double target = maxWait + simP99 + 100;
      double p50 = percentile(sorted, 50);
      double p95 = percentile(sorted, 95);
      double p99 = percentile(sorted, 99);
      System.out.printf("RESULT latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms over %,d events (target p99 <= %.0f ms: %s)%n",
          p50, p95, p99, sorted.length, target, p99 <= target ? "met" : "NOT met");
      return new JsonObject().put("events", total).put("measured", sorted.length).put("rate_events_per_s", round(rate, 1))
          .put("p50_ms", p50).put("p95_ms", p95).put("p99_ms", p99).put("max_ms", sorted.length == 0 ? 0 : sorted[sorted.length - 1])
          .put("buffer_max_wait_ms", maxWait).put("simulator_p99_ms", simP99)
          .put("target_p99_ms", target).put("target_met", p99 <= target)
          .put("timestamps", "event: producer send time; result: broker append time of the result record (LogAppendTime)");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 4. backlog

  private static final Pattern ADMIN_URL = Pattern.compile("admin\\.started url=http://localhost:(\\d+)");

  JsonObject backlog() throws Exception {
    int n = size("backlog_events", 1_000_000);
    int stall = size("backlog_stall_s", 30);
    String run = "b" + UUID.randomUUID().toString().substring(0, 6);
    List<String> sets = sets(run, NO_LIMITS);
    Vertx simVertx = Vertx.vertx();
    Path log = out.resolve("backlog-pipeline.log");
    try {
      AppConfig base = config(simVertx, sets);
      ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(20, 0).merge(new JsonObject().put("hold", true)));
      simVertx.deployVerticle(sim).await();
      Topics.ensure(base.kafka());
      String events = base.kafka().eventsTopic();
      long p0 = System.currentTimeMillis();
      clients.produceBacklog(events, n, "bk-", 14);
      System.out.printf("produced %,d events in %.1f s; simulator holding every request%n", n, (System.currentTimeMillis() - p0) / 1000.0);

      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), "com.reviewpipeline.Main", "run"));
      for (String s : sets) {
        cmd.add("--set");
        cmd.add(s);
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("ANTHROPIC_") || k.startsWith("KAFKA_") || k.startsWith("CLUSTER_")
          || k.equals("DATABASE_URL") || k.equals("HTTP_PORT") || k.equals("ADMIN_TOKEN"));
      pb.environment().put("ANTHROPIC_BASE_URL", sim.baseUrl());
      pb.environment().put("ANTHROPIC_API_KEY", "sk-bench-key");
      pb.environment().put("HTTP_PORT", "0");
      Process p = pb.start();
      try {
        int port = adminPort(p, log, 120_000);
        HttpClient http = HttpClient.newHttpClient();
        long maxInFlight = 0;
        long peakRss = 0;
        long stallEnd = System.currentTimeMillis() + stall * 1000L;
        JsonObject st = stats(http, port);
        while (System.currentTimeMillis() < stallEnd) {
          Thread.sleep(1000);
          st = stats(http, port);
          maxInFlight = Math.max(maxInFlight, st.getJsonObject("totals").getLong("in_flight"));
          peakRss = Math.max(peakRss, rssKb(p.pid(), "VmHWM"));
        }
        long consumedDuringStall = st.getJsonObject("totals").getLong("consumed");
        System.out.printf("stall %d s: consumed %,d, in flight at most %,d, simulator holding %d requests%n", stall,
            consumedDuringStall, maxInFlight, sim.held());
        sim.configure(new JsonObject().put("hold", false));
        long r0 = System.currentTimeMillis();
        String group = base.pipelines().get(0).groupId();
        while (clients.committed(group, events) < n) {
          if (!p.isAlive()) {
            throw new IllegalStateException("pipeline process died; see " + log);
          }
          Thread.sleep(1000);
          st = stats(http, port);
          maxInFlight = Math.max(maxInFlight, st.getJsonObject("totals").getLong("in_flight"));
          peakRss = Math.max(peakRss, rssKb(p.pid(), "VmHWM"));
        }
        double drainS = (System.currentTimeMillis() - r0) / 1000.0;
        st = stats(http, port);
        peakRss = Math.max(peakRss, rssKb(p.pid(), "VmHWM"));
        JsonObject jvm = st.getJsonObject("jvm");
        BitSet seen = new BitSet(n);
        clients.readAll(base.kafka().resultsTopic(), r -> {
          String k = new String(r.key(), StandardCharsets.UTF_8);
          if (k.startsWith("bk-")) {
            seen.set(Integer.parseInt(k.substring(3)));
          }
        });
        int lost = n - seen.cardinality();
        boolean oom = Files.readString(log).contains("OutOfMemoryError");
        long heapPeak = jvm.getLong("heap_peak_mb");
        System.out.printf("RESULT backlog %,d: peak heap %d MB (target <= 256: %s), peak RSS %d MB, in flight at most %,d, drained in %.1f s (%,.0f events/s), lost %d, OOM %s%n",
            n, heapPeak, heapPeak <= 256 && lost == 0 ? "met" : "NOT met", peakRss / 1024, maxInFlight, drainS, n / drainS, lost, oom);
        p.destroy();
        p.waitFor(60, TimeUnit.SECONDS);
        return new JsonObject().put("events", n).put("stall_s", stall).put("heap_peak_mb", heapPeak)
            .put("heap_max_mb", jvm.getLong("heap_max_mb")).put("rss_peak_mb", peakRss / 1024)
            .put("in_flight_max", maxInFlight).put("drain_s", round(drainS, 1)).put("drain_events_per_s", round(n / drainS, 0))
            .put("lost", lost).put("out_of_memory", oom).put("target", "peak heap <= 256 MB, nothing lost")
            .put("target_met", heapPeak <= 256 && lost == 0 && !oom).put("jvm_flags", "-Xmx256m");
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      simVertx.close().await();
    }
  }

  /**
   * The admin API port of a {@code run} child process, once its log (where its output goes) shows
   * {@code admin.started}; fails when the process exits or {@code timeoutMs} passes first.
   */
  public static int adminPort(Process p, Path log, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("pipeline process exited with " + p.exitValue() + "; see " + log);
      }
      Matcher m = ADMIN_URL.matcher(Files.readString(log));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      p.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("pipeline process did not start its admin API; see " + log);
  }

  static JsonObject stats(HttpClient http, int port) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stats"))
        .header("Authorization", "Bearer bench").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  /** A field of /proc/<pid>/status in kB (VmHWM: peak resident set), 0 where /proc is missing. */
  static long rssKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  // ---------------------------------------------------------------------------------------------
  // 5. cost

  record CostOutcome(String name, int events, double inPerEvent, double outPerEvent, double thinkingPerEvent,
      double usdPer1000, Map<String, Integer> byTier, long requests) {
    JsonObject toJson() {
      return new JsonObject().put("set_up", name).put("events", events).put("input_tokens_per_event", round(inPerEvent, 1))
          .put("output_tokens_per_event", round(outPerEvent, 1)).put("thinking_tokens_per_event", round(thinkingPerEvent, 2))
          .put("usd_per_1000", round(usdPer1000, 4))
          .put("events_by_tier", new JsonObject(new TreeMap<>(byTier))).put("requests", requests);
    }
  }

  JsonObject cost() throws Exception {
    int n = size("cost_events", 2000);
    List<ReviewEvent> mix = new ArrayList<>();
    ReviewGenerator g = new ReviewGenerator(2026);
    for (int i = 0; i < n; i++) {
      mix.add(g.next());
    }
    CostOutcome a = costRun("(a) defaults: per-event routing, batches of 20, caching when eligible", mix, p -> p, false,
        List.of());
    // the article had no prompt caching: every tier's minimum set out of reach
    Vertx loader = Vertx.vertx();
    List<String> noCache;
    try {
      noCache = config(loader, extraSets).models().all().stream()
          .map(m -> "models." + m.id() + ".cache_min_tokens=1000000000").toList();
    } finally {
      loader.close().await();
    }
    CostOutcome b = costRun("(b) article: batch-average routing, batches of 20, no caching", mix, p -> p, true, noCache);
    CostOutcome c = costRun("(c) batch size 1, balanced tier", mix,
        p -> p.withRouting("balanced", List.of()).withBuffer(new BufferConfig(1, p.buffer().maxWaitMs(), p.buffer().maxTokens())), false,
        List.of());
    // for reference, not in the ratios: the same defaults pinned to last generation's models and prices
    CostOutcome legacy = costRun("(a, 4.x) defaults on Haiku 4.5 / Sonnet 4.6 / Opus 4.6", mix, p -> p, false,
        List.of("tiers.fast=claude-haiku-4-5", "tiers.balanced=claude-sonnet-4-6", "tiers.deep=claude-opus-4-6"));
    System.out.printf("%-72s %10s %11s %9s %9s %9s  %s%n", "set-up (review-moderator, standard mix)", "in tok/ev", "out tok/ev",
        "think/ev", "$/1000", "requests", "events by tier");
    for (CostOutcome o : List.of(a, b, c, legacy)) {
      System.out.printf("%-72s %10.1f %11.1f %9.2f %9.4f %9d  %s%n", o.name, o.inPerEvent, o.outPerEvent, o.thinkingPerEvent,
          o.usdPer1000, o.requests, o.byTier);
    }
    double ab = a.usdPer1000 / b.usdPer1000;
    double ac = a.usdPer1000 / c.usdPer1000;
    System.out.printf("RESULT cost a/b %.3f (target <= 0.33: %s), a/c %.3f (target <= 0.10: %s)%n", ab, ab <= 0.33 ? "met" : "NOT met",
        ac, ac <= 0.10 ? "met" : "NOT met");
    return new JsonObject().put("events", n).put("a", a.toJson()).put("b", b.toJson()).put("c", c.toJson())
        .put("a_legacy_models", legacy.toJson())
        .put("ratio_a_b", round(ab, 3)).put("ratio_a_c", round(ac, 3))
        .put("targets", new JsonObject().put("a_b", "<= 0.33").put("a_c", "<= 0.10"))
        .put("target_met", new JsonObject().put("a_b", ab <= 0.33).put("a_c", ac <= 0.10))
        .put("usage", "simulated: the simulator's own token rule (1.3x on the 5.5 models), tool-use and format overheads, "
            + "thinking billed as output; list prices from conf/ models");
  }

  /** The article's model choice for a whole batch (seed article, select_model): averages of length and rating. */
  static String articleTier(List<ReviewEvent> batch) {
    double avgLength = batch.stream().mapToInt(e -> e.reviewText().length()).average().orElse(0);
    double avgRating = batch.stream().mapToInt(ReviewEvent::rating).average().orElse(0);
    if (avgLength < 50 && (avgRating <= 1.5 || avgRating >= 4.5)) {
      return "fast";
    }
    if (avgLength > 200 || (avgRating >= 1.8 && avgRating <= 3.2)) {
      return "deep";
    }
    return "balanced";
  }

  CostOutcome costRun(String name, List<ReviewEvent> mix, java.util.function.UnaryOperator<PipelineConfig> shape,
      boolean articleBatches, List<String> sets) throws Exception {
    Vertx vertx = Vertx.vertx();
    Vertx simVertx = Vertx.vertx();
    try {
      Telemetry.bind(vertx, new SimpleMeterRegistry());
      PipelineApp.registerCodecs(vertx);
      List<String> costSets = new ArrayList<>(List.of("pipelines.1.enabled=false"));
      costSets.addAll(extraSets);
      costSets.addAll(sets);
      AppConfig base = config(vertx, costSets);
      ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0));
      simVertx.deployVerticle(sim).await();
      PipelineConfig p = shape.apply(base.pipelines().get(0));
      AppConfig config = base.withPipelines(List.of(p))
          .withAnthropic(base.anthropic().withEndpoint(sim.baseUrl(), List.of("sk-bench-key")));
      List<EventResult> results = new CopyOnWriteArrayList<>();
      List<FailedEvents> failures = new CopyOnWriteArrayList<>();
      vertx.eventBus().<BatchResults>localConsumer(Addresses.RESULTS, m -> results.addAll(m.body().results()));
      vertx.eventBus().<FailedEvents>localConsumer(Addresses.FAILURES, m -> failures.add(m.body()));
      KeyPool keys = new KeyPool(config.anthropic().apiKeys(), config.anthropic().rateLimits(), System::currentTimeMillis);
      AppConfig cfg = config;
      TokenCalibration calibration = new TokenCalibration(cfg.anthropic().calibrationWindow());
      CircuitBreakers breakers = new CircuitBreakers(cfg.anthropic().breakerThreshold(), cfg.anthropic().breakerProbeMs(),
          System::currentTimeMillis, new PauseSignals(vertx.eventBus()));
      vertx.deployVerticle(() -> new ClaudeVerticle(cfg, keys, breakers, calibration),
          new DeploymentOptions().setInstances(2)).await();
      long t0 = System.currentTimeMillis();
      if (articleBatches) {
        ClaudeRequests est = new ClaudeRequests(config.models(), config.anthropic(), calibration);
        for (int from = 0; from < mix.size(); from += 20) {
          List<ReviewEvent> chunk = mix.subList(from, Math.min(mix.size(), from + 20));
          List<PipelineEvent> events = new ArrayList<>();
          String tier = articleTier(chunk);
          int tokens = est.fixedTokens(config.modelFor(tier), p);
          for (int i = 0; i < chunk.size(); i++) {
            events.add(new PipelineEvent(p.name(), chunk.get(i), new SourceRef("bench", 0, from + i, "none"), 0, t0));
            tokens += est.itemTokens(config.modelFor(tier), chunk.get(i));
          }
          vertx.eventBus().send(Addresses.BATCH_READY, new Batch(UUID.randomUUID().toString(), p.name(), tier,
              events, FlushTrigger.COUNT, tokens));
        }
      } else {
        vertx.deployVerticle(new BatchBufferVerticle(config, calibration)).await();
        int i = 0;
        for (ReviewEvent e : mix) {
          vertx.eventBus().send(Addresses.events(p.name()), new PipelineEvent(p.name(), e, new SourceRef("bench", 0, i++, "none"), 0, t0));
        }
      }
      long deadline = System.currentTimeMillis() + 600_000;
      while (results.size() + failures.stream().mapToInt(f -> f.events().size()).sum() < mix.size()) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(name + ": not every event had an outcome after 10 minutes");
        }
        vertx.eventBus().publish(Addresses.BUFFER_FLUSH, p.name());
        Thread.sleep(50);
      }
      if (!failures.isEmpty()) {
        System.out.printf("%s: %d events failed%n", name, failures.stream().mapToInt(f -> f.events().size()).sum());
      }
      int k = results.size();
      double in = results.stream().mapToDouble(EventResult::inputTokens).sum();
      double outTok = results.stream().mapToDouble(EventResult::outputTokens).sum();
      double usd = results.stream().mapToDouble(EventResult::costUsd).sum();
      Map<String, Integer> byTier = new TreeMap<>();
      results.forEach(r -> byTier.merge(r.tier(), 1, Integer::sum));
      long thinking = 0;
      for (String model : sim.stats().getJsonObject("by_model").fieldNames()) {
        thinking += sim.stats().getJsonObject("by_model").getJsonObject(model).getLong("thinking_tokens", 0L);
      }
      return new CostOutcome(name, k, in / k, outTok / k, (double) thinking / k, usd / k * 1000, byTier,
          sim.stats().getLong("requests"));
    } finally {
      Telemetry.unbind(vertx);
      vertx.close().await();
      simVertx.close().await();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void printTable() {
    System.out.printf("%n%-10s %-60s %s%n", "scenario", "figure", "target");
    JsonObject o = summary.getJsonObject("overhead");
    if (o != null) {
      System.out.printf("%-10s %-60s %s%n", "overhead", String.format("pipeline %,.0f ev/s vs raw mirror %,.0f rec/s: ratio %.3f",
          o.getDouble("pipeline_events_per_s"), o.getDouble("mirror_records_per_s"), o.getDouble("ratio")), met(o.getBoolean("target_met"), ">= 0.5"));
    }
    JsonObject a = summary.getJsonObject("api-bound");
    if (a != null) {
      System.out.printf("%-10s %-60s %s%n", "api-bound", String.format("%,.1f ev/s vs ceiling %,.1f (%s): ratio %.3f; 429s %d",
          a.getDouble("events_per_s"), a.getJsonObject("ceiling").getDouble("events_per_s"),
          a.getJsonObject("ceiling").getString("bound_by"), a.getDouble("ratio"), a.getLong("status_429")), met(a.getBoolean("target_met"), ">= 0.95"));
    }
    JsonObject l = summary.getJsonObject("latency");
    if (l != null) {
      System.out.printf("%-10s %-60s %s%n", "latency", String.format("p50 %.0f / p95 %.0f / p99 %.0f ms at %.1f ev/s",
          l.getDouble("p50_ms"), l.getDouble("p95_ms"), l.getDouble("p99_ms"), l.getDouble("rate_events_per_s")),
          met(l.getBoolean("target_met"), "p99 <= " + l.getDouble("target_p99_ms").intValue() + " ms"));
    }
    JsonObject b = summary.getJsonObject("backlog");
    if (b != null) {
      System.out.printf("%-10s %-60s %s%n", "backlog", String.format("%,d events: heap %d MB, RSS %d MB, drain %.0f s, lost %d",
          b.getInteger("events"), b.getLong("heap_peak_mb"), b.getLong("rss_peak_mb"), b.getDouble("drain_s"), b.getLong("lost")),
          met(b.getBoolean("target_met"), "heap <= 256 MB, 0 lost"));
    }
    JsonObject c = summary.getJsonObject("cost");
    if (c != null) {
      System.out.printf("%-10s %-60s %s%n", "cost", String.format("$%.4f / $%.4f / $%.4f per 1000: a/b %.3f, a/c %.3f",
          c.getJsonObject("a").getDouble("usd_per_1000"), c.getJsonObject("b").getDouble("usd_per_1000"),
          c.getJsonObject("c").getDouble("usd_per_1000"), c.getDouble("ratio_a_b"), c.getDouble("ratio_a_c")),
          met(c.getJsonObject("target_met").getBoolean("a_b"), "a/b <= 0.33") + ", " + met(c.getJsonObject("target_met").getBoolean("a_c"), "a/c <= 0.10"));
    }
    System.out.printf("total %.0f s; JSON in %s%n", summary.getDouble("wall_s"), out);
  }

  private static String met(boolean ok, String target) {
    return target + (ok ? " met" : " NOT met");
  }
}
