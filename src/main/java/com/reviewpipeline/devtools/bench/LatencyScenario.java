package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.devtools.bench.BenchStack.Stack;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scenario 3, latency: the independent check of the shipped defaults, a steady 20 reviews per second of the standard
 * mix against the simulator answering in 1.5 s ± 0.5 s (the API-bound limits), from an event's send time to the
 * broker's append time of its result, cascade and agreement gate included (from an empty ledger: the learning phase,
 * when every confident flag escalates, is the slowest). Target: moderator p99 at most 6 s.
 */
final class LatencyScenario {

  private final BenchStack bench;

  LatencyScenario(BenchStack bench) {
    this.bench = bench;
  }

  /**
   * @param seconds how long the load runs
   * @param measuredCapacity events per second the api-bound scenario measured, null when it did not run (150 assumed)
   */
  /** The independent check's rate and target. */
  static final double RATE = 20;
  static final long TARGET_P99_MS = 6_000;

  JsonObject run(int seconds, Double measuredCapacity) throws Exception {
    BenchKafka clients = bench.clients;
    double rate = RATE;
    String run = "l" + UUID.randomUUID().toString().substring(0, 6);
    List<String> sets = bench.sets(run);
    // results stamped by the broker when it appends them: the acknowledgment time
    clients.createTopic("bench-results-" + run, 3, Map.of("message.timestamp.type", "LogAppendTime"));
    try (Stack st = bench.stack(sets, ApiBoundScenario.apiLimits())) {
      String results = st.config().kafka().resultsTopic();
      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      PipelineApp app = PipelineApp.deploy(st.vertx(), st.telemetry(), st.config(), false).await();
      long maxWait = st.config().pipelines().get(0).buffer().maxWaitMs();
      System.out.printf("steady load %.1f events/s for %d s (api-bound capacity %s); simulator 1.5 s ± 0.5 s; buffer "
          + "max_wait %d ms, latency objective %d ms, escalation wait %d ms%n", rate, seconds,
          measuredCapacity == null ? "not measured in this run" : String.format("%.1f events/s", measuredCapacity),
          maxWait, st.config().pipelines().get(0).buffer().latencyObjectiveMs(),
          st.config().pipelines().get(0).buffer().escalationWaitMs());
      List<JsonObject> pool = BenchKafka.pool(13, 2000);
      int total = (int) Math.round(rate * seconds);
      long t0 = System.nanoTime();
      BenchKafka.Tail tail = clients.tail(results);
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
          producer.send(new ProducerRecord<>(st.config().kafka().eventsTopic(), id.getBytes(StandardCharsets.UTF_8),
              v.toBuffer().getBytes()));
        }
        producer.flush();
      }
      clients.awaitCommitted(st.config().pipelines().get(0).groupId(), st.config().kafka().eventsTopic(), total,
          Duration.ofMinutes(5));
      app.stop().await();
      tail.close();
      List<Long> lat = new ArrayList<>();
      clients.readAll(results, r -> {
        Long sent = sentAt.get(new String(r.key(), StandardCharsets.UTF_8));
        if (sent != null) {
          lat.add(r.timestamp() - sent);
        }
      });
      long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
      // what a read_committed reader downstream waits: in exactly-once delivery, until the result's transaction commits
      long[] visible = tail.seenAt.entrySet().stream().filter(e -> sentAt.containsKey(e.getKey()))
          .mapToLong(e -> e.getValue() - sentAt.get(e.getKey())).sorted().toArray();
      System.out.printf("RESULT latency to a read_committed reader (%s delivery): p50 %.0f ms, p95 %.0f ms, p99 %.0f ms"
          + " over %,d events%n", st.config().kafka().delivery().name().toLowerCase(java.util.Locale.ROOT),
          BenchFigures.percentile(visible, 50), BenchFigures.percentile(visible, 95), BenchFigures.percentile(visible, 99),
          visible.length);
      double simP99 = 1500 + 500 * 0.98; // uniform ±500 ms around 1,500 ms
      double target = TARGET_P99_MS;
      JsonObject cascade = st.telemetry().cascadeStats().getJsonObject(st.config().pipelines().get(0).name(),
          new JsonObject());
      System.out.printf("cascade: %s of %s first verdicts escalated (%s), by reason %s%n", cascade.getValue("escalated"),
          cascade.getValue("first_verdicts"), cascade.getValue("escalation_share"),
          cascade.getValue("escalated_by_reason"));
      double p50 = BenchFigures.percentile(sorted, 50);
      double p95 = BenchFigures.percentile(sorted, 95);
      double p99 = BenchFigures.percentile(sorted, 99);
      System.out.printf("RESULT latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms over %,d events (target p99 <= %.0f ms: %s)%n",
          p50, p95, p99, sorted.length, target, p99 <= target ? "met" : "NOT met");
      return new JsonObject().put("events", total).put("measured", sorted.length).put("rate_events_per_s", BenchFigures.round(rate, 1))
          .put("p50_ms", p50).put("p95_ms", p95).put("p99_ms", p99).put("max_ms", sorted.length == 0 ? 0 : sorted[sorted.length - 1])
          .put("buffer_max_wait_ms", maxWait).put("simulator_p99_ms", simP99)
          .put("target_p99_ms", target).put("target_met", p99 <= target).put("cascade", cascade)
          .put("delivery", st.config().kafka().delivery().name().toLowerCase(java.util.Locale.ROOT))
          .put("visible_p50_ms", BenchFigures.percentile(visible, 50))
          .put("visible_p99_ms", BenchFigures.percentile(visible, 99))
          .put("timestamps", "event: producer send time; result: broker append time of the result record (LogAppendTime)");
    }
  }
}
