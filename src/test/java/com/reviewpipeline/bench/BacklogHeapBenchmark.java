package com.reviewpipeline.bench;

import com.reviewpipeline.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.PipelineProcess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Bounded memory under a stalled API: a backlog of N events (default 1,000,000) waits on the
 * events topic while the simulator holds every request; the pipeline runs as a child JVM capped
 * at {@code -Xmx256m} and reports its heap through {@code /api/stats}. After the stall the
 * simulator recovers and the benchmark checks that every event has a result.
 *
 * <p>Run with {@code bench/backlog-heap [events] [stall-seconds]}.
 */
public final class BacklogHeapBenchmark {

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int stallSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 20, c -> c)) {
      h.sim.configure(new JsonObject().put("hold", true));
      long t0 = System.currentTimeMillis();
      produce(h, events);
      System.out.printf("backlog: produced %,d events in %.1f s%n", events, (System.currentTimeMillis() - t0) / 1000.0);

      try (PipelineProcess p = PipelineProcess.start(h, "backlog", List.of("-Xmx256m"), List.of())) {
        int port = p.adminPort(60_000);
        HttpClient http = HttpClient.newHttpClient();
        long stallEnd = System.currentTimeMillis() + stallSeconds * 1000L;
        long[] maxInFlight = {0};
        JsonObject[] last = {stats(http, port)};
        // sample the pipeline's stats once a second until the stall is over
        org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(stallSeconds + 30L)).until(() -> {
              last[0] = stats(http, port);
              maxInFlight[0] = Math.max(maxInFlight[0], last[0].getJsonObject("totals").getLong("in_flight"));
              return System.currentTimeMillis() >= stallEnd;
            });
        JsonObject stats = last[0];
        JsonObject jvm = stats.getJsonObject("jvm");
        System.out.printf("stall: %d s with the simulator holding %d requests; consumed=%,d in_flight_max=%,d heap_peak_mb=%d heap_max_mb=%d%n",
            stallSeconds, h.sim.held(), stats.getJsonObject("totals").getLong("consumed"), maxInFlight[0],
            jvm.getLong("heap_peak_mb"), jvm.getLong("heap_max_mb"));

        h.sim.configure(new JsonObject().put("hold", false));
        long r0 = System.currentTimeMillis();
        Map<Integer, Long> end = h.kafka.endOffsets(h.events);
        org.awaitility.Awaitility.await().pollInterval(Duration.ofSeconds(2)).atMost(Duration.ofHours(2)).until(() -> {
          if (!p.isAlive()) {
            throw new IllegalStateException("pipeline process died; see " + p.log);
          }
          JsonObject now = stats(http, port);
          maxInFlight[0] = Math.max(maxInFlight[0], now.getJsonObject("totals").getLong("in_flight"));
          System.out.printf("  recovering: processed=%,d%n", now.getJsonObject("totals").getLong("processed"));
          return h.kafka.committed(h.group(), h.events).equals(end);
        });
        double drainS = (System.currentTimeMillis() - r0) / 1000.0;
        stats = stats(http, port);
        jvm = stats.getJsonObject("jvm");
        int distinct = distinctResults(h, events);
        boolean oom = p.logContains("OutOfMemoryError");
        System.out.printf("recovery: all %,d offsets committed in %.1f s (%.0f events/s); distinct results %,d of %,d; lost %d%n",
            events, drainS, events / drainS, distinct, events, events - distinct);
        System.out.printf("RESULT backlog=%,d heap_peak_mb=%d (limit 256, -Xmx%dm) in_flight_max=%,d out_of_memory=%s lost=%d%n",
            events, jvm.getLong("heap_peak_mb"), jvm.getLong("heap_max_mb"), maxInFlight[0], oom, events - distinct);
        p.terminate(60_000);
        if (oom || distinct != events || jvm.getLong("heap_peak_mb") > 256) {
          System.exit(1);
        }
      }
    }
    System.exit(0);
  }

  private static JsonObject stats(HttpClient http, int port) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/stats"))
        .header("Authorization", "Bearer test-admin-token").timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  /** Produces {@code n} valid events: a pool of generated reviews, each sent with a fresh event id. */
  private static void produce(PipelineHarness h, int n) {
    ReviewGenerator g = new ReviewGenerator(99);
    List<JsonObject> pool = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ReviewEvent e = g.next();
      pool.add(e.toJson());
    }
    Properties props = new Properties();
    props.put("bootstrap.servers", h.bootstrap);
    props.put("acks", "all");
    props.put("linger.ms", "20");
    props.put("batch.size", String.valueOf(256 * 1024));
    props.put("compression.type", "lz4");
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < n; i++) {
        String id = "bk-" + i;
        JsonObject v = pool.get(i % pool.size()).copy().put("event_id", id);
        producer.send(new ProducerRecord<>(h.events, id, v.encode()));
      }
      producer.flush();
    }
  }

  /** Counts distinct event ids ("bk-N") on the results topic. */
  private static int distinctResults(PipelineHarness h, int n) {
    Properties p = new Properties();
    p.put("bootstrap.servers", h.bootstrap);
    p.put("group.id", "bench-reader-" + UUID.randomUUID());
    p.put("max.poll.records", "5000");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    BitSet seen = new BitSet(n);
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = c.partitionsFor(h.results).stream()
          .map(i -> new TopicPartition(h.results, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> endOffsets = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < endOffsets.get(tp))) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          if (r.key() != null && r.key().startsWith("bk-")) {
            seen.set(Integer.parseInt(r.key().substring(3)));
          }
        }
      }
    }
    return seen.cardinality();
  }
}
