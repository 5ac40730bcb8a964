package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.store.DatabaseUrl;
import com.reviewpipeline.store.Migrations;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import com.reviewpipeline.support.TcpProxy;
import com.reviewpipeline.support.TestStack;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The delivery promise where review found it broken: every record ends with exactly one outcome, nothing stalls. */
@IntegrationTest
class DeliveryTest {

  static String db;

  @BeforeAll
  static void database() {
    db = TestStack.newDatabase();
    Migrations.migrate(DatabaseUrl.parse(db));
  }

  @Test
  @DisplayName("a replay naming a pipeline that is not enabled gets exactly one DLQ record (unknown_pipeline, with its original event); nothing else changes")
  void replayForUnknownPipeline() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c, true)) {
      ReviewEvent orphan = new ReviewGenerator(501).next();
      Properties p = new Properties();
      p.put("bootstrap.servers", h.bootstrap);
      p.put("key.serializer", StringSerializer.class.getName());
      p.put("value.serializer", StringSerializer.class.getName());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        ProducerRecord<String, String> rec = new ProducerRecord<>(h.events, orphan.eventId(), orphan.toJson().encode());
        rec.headers().add("replay-for-pipeline", "retired-pipeline".getBytes(StandardCharsets.UTF_8));
        producer.send(rec).get();
      }
      Map<String, ReviewEvent> sent = h.produceValid(50, 502);
      h.startNode();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
        Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sent.keySet(), Outcomes.Kind.RESULT);
        assertThat(h.dlqRecords()).isNotEmpty();
      });
      for (var group : h.config.pipelines()) {
        Outcomes.assertOffsetsAtEnd(h.kafka, h.events, group.groupId());
      }
      List<JsonObject> dlq = h.dlqRecords();
      assertThat(dlq).as("one DLQ record, from one pipeline").hasSize(1);
      assertThat(dlq.get(0).getJsonObject("failure_info").getString("error_type")).isEqualTo("unknown_pipeline");
      assertThat(dlq.get(0).getString("pipeline")).isEqualTo("retired-pipeline");
      assertThat(dlq.get(0).getJsonObject("original_event").getString("event_id")).isEqualTo(orphan.eventId());
      assertThat(h.resultsById()).doesNotContainKey(orphan.eventId());
    }
  }

  @Test
  @DisplayName("400 events produced twice: copies meeting their twin take its judgment (no second call, no cost), every copy gets a result, no malformed record, offsets at the end")
  void redeliveredEventsCoalesce() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 400, c -> c)) {
      Map<String, ReviewEvent> sent = h.produceValid(400, 601);
      Map<String, String> again = new LinkedHashMap<>();
      sent.forEach((id, e) -> again.put(id, e.toJson().encode()));
      h.kafka.produceStrings(h.events, again);
      PipelineHarness.Node node = h.startNode();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
          h.resultsById().values().stream().mapToInt(List::size).sum() >= 800);
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());
      assertThat(h.dlqRecords()).as("no DLQ record, malformed or other").isEmpty();
      Map<String, List<JsonObject>> results = h.resultsById();
      assertThat(results.keySet()).isEqualTo(sent.keySet());
      assertThat(results.values()).as("one result per copy").allSatisfy(r -> assertThat(r).hasSize(2));
      List<JsonObject> coalesced = results.values().stream().flatMap(List::stream)
          .filter(r -> r.getBoolean("coalesced", false)).toList();
      double coalescedCounter = node.telemetry().registry().find("review_events_coalesced_total").counters().stream()
          .mapToDouble(c -> c.count()).sum();
      assertThat(coalesced).as("copies that met their twin").isNotEmpty();
      assertThat((double) coalesced.size()).isEqualTo(coalescedCounter);
      assertThat(coalesced).allSatisfy(r -> assertThat(r.getDouble("cost_usd")).isZero());
      for (JsonObject r : coalesced) {
        JsonObject twin = results.get(r.getString("event_id")).stream().filter(x -> !x.getBoolean("coalesced", false))
            .findFirst().orElseThrow();
        assertThat(r.getBoolean("is_spam")).as("the twin's verdict").isEqualTo(twin.getBoolean("is_spam"));
        // a copy of an escalated twin names the same earlier verdicts, at no cost of its own
        assertThat(r.containsKey("escalated_from")).as("escalated like its twin").isEqualTo(twin.containsKey("escalated_from"));
        if (twin.containsKey("escalated_from")) {
          assertThat(r.getJsonArray("escalated_from").stream().map(p -> ((JsonObject) p).getString("tier")).toList())
              .isEqualTo(twin.getJsonArray("escalated_from").stream().map(p -> ((JsonObject) p).getString("tier")).toList());
          assertThat(r.getJsonArray("escalated_from")).allSatisfy(p -> assertThat(((JsonObject) p).getDouble("cost_usd")).isZero());
        }
      }
      long escalatedCopies = coalesced.stream().filter(r -> r.containsKey("escalated_from")).count();
      assertThat(escalatedCopies).as("copies of escalated twins (the moderator's cascade escalates about a third)")
          .isPositive();
      System.out.printf("coalescing: events=%d copies=%d coalesced=%d (of escalated twins %d) judged=%d%n", sent.size(),
          800, coalesced.size(), escalatedCopies, 800 - coalesced.size());
    }
  }

  @Test
  @DisplayName("a review with NUL and a lone surrogate, then 300 more: all stored (U+FFFD in the stored copy where PostgreSQL cannot hold a character), nothing in sink_failures, sink offsets at the end")
  void unstorableTextDoesNotStallTheSink() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject(), 5, c -> c.withDatabaseUrl(db))) {
      ReviewEvent base = new ReviewGenerator(701).next();
      // valid JSON: a NUL escape and a lone surrogate escape (what a client library may well send)
      String nul = base.toJson().put("review_text", "Works fine\u0000 until it doesn't LONE five stars").encode()
          .replace("LONE", "\\ud800");
      assertThat(new JsonObject(nul).getString("review_text")).contains("\u0000").contains("\ud800");
      h.kafka.produceStrings(h.events, Map.of(base.eventId(), nul));
      Map<String, ReviewEvent> sent = h.produceValid(300, 702);
      h.startNode();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> count("SELECT count(*) FROM moderation_results WHERE event_id IN (" + ids(sent, base) + ")")
              == 301);
      Outcomes.assertOffsetsAtEnd(h.kafka, h.results, h.config.kafka().storeGroup());
      assertThat(count("SELECT count(*) FROM sink_failures")).isZero();
      // the result record on Kafka carries the NUL (Kafka's UTF-8 encoding already turned the lone surrogate into
      // '?'); the stored copy has U+FFFD where PostgreSQL cannot hold a character, and is otherwise the same
      String published = h.resultsById().get(base.eventId()).get(0).getString("review_text");
      assertThat(published).contains("\u0000");
      assertThat(text("SELECT review_text FROM moderation_results WHERE event_id = '" + base.eventId() + "'"))
          .isEqualTo(com.reviewpipeline.store.PgText.safe(published)).contains("Works fine\uFFFD until");
    }
  }

  @Test
  @DisplayName("the database gone for 10 s under load: the sink pauses with its in-flight records bounded, resumes, and every verdict is stored; nothing in sink_failures")
  void databaseOutage() throws Exception {
    DatabaseUrl direct = DatabaseUrl.parse(db);
    try (TcpProxy proxy = new TcpProxy(direct.host(), direct.port());
         PipelineHarness h = new PipelineHarness(new JsonObject().put("inflight_high_watermark", 200)
             .put("inflight_low_watermark", 100).put("max_poll_records", 100), 5, c -> c.withDatabaseUrl(
             "postgresql://" + direct.user() + ":" + direct.password() + "@127.0.0.1:" + proxy.port() + "/"
                 + direct.database()))) {
      Map<String, ReviewEvent> first = h.produceValid(300, 801);
      PipelineHarness.Node node = h.startNode();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> count("SELECT count(*) FROM moderation_results WHERE event_id IN (" + ids(first, null) + ")")
              == 300);
      proxy.cut();
      Map<String, ReviewEvent> during = h.produceValid(1000, 802);
      String duringIds = ids(during, null);
      java.util.concurrent.atomic.AtomicLong maxInFlight = new java.util.concurrent.atomic.AtomicLong();
      // for 10 s: nothing reaches the database, and the sink's held records are watched
      await().pollInterval(Duration.ofMillis(250)).during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20))
          .until(() -> {
            maxInFlight.accumulateAndGet((long) node.telemetry().registry().get("review_sink_in_flight")
                .tag("table", "moderation_results").gauge().value(), Math::max);
            return direct(duringIds) == 0;
          });
      long lag = h.kafka.endOffsets(h.results).values().stream().mapToLong(Long::longValue).sum()
          - h.kafka.committed(h.config.kafka().storeGroup(), h.results).values().stream().mapToLong(Long::longValue).sum();
      assertThat(maxInFlight.get()).as("records the paused sink held (high watermark 200 + one poll of 100)")
          .isLessThanOrEqualTo(300);
      assertThat(lag).as("the sink stopped reading: results wait on Kafka").isGreaterThan(500);
      proxy.restore();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
          .until(() -> count("SELECT count(*) FROM moderation_results WHERE event_id IN (" + duringIds + ")") == 1000);
      Outcomes.assertOffsetsAtEnd(h.kafka, h.results, h.config.kafka().storeGroup());
      assertThat(count("SELECT count(*) FROM sink_failures")).isZero();
      System.out.printf("database outage: 10 s, sink in flight at most %d, lag at the end of it %d%n", maxInFlight.get(),
          lag);
    }
  }

  static long direct(String ids) throws Exception {
    return count("SELECT count(*) FROM moderation_results WHERE event_id IN (" + ids + ")");
  }

  static String ids(Map<String, ReviewEvent> events, ReviewEvent extra) {
    StringBuilder b = new StringBuilder();
    events.keySet().forEach(id -> b.append(b.length() == 0 ? "" : ",").append('\'').append(id).append('\''));
    if (extra != null) {
      b.append(",'").append(extra.eventId()).append('\'');
    }
    return b.toString();
  }

  static String text(String sql) throws Exception {
    return String.valueOf(first(sql));
  }

  static long count(String sql) throws Exception {
    return ((Number) first(sql)).longValue();
  }

  /** The first column of the first row. */
  static Object first(String sql) throws Exception {
    DatabaseUrl d = DatabaseUrl.parse(db);
    try (Connection c = DriverManager.getConnection(d.jdbcUrl(), d.user(), d.password());
         ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    }
  }
}
