package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Outcomes;
import com.reviewpipeline.support.PipelineHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A corpus of bad records mixed with valid events: every bad one is dead-lettered with its reason, nothing blocks. */
@IntegrationTest(beside = true)
class PoisonRecordsTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObject valid(String id) {
    return new JsonObject()
        .put("event_id", id).put("product_id", "p-1").put("user_id", "u-1")
        .put("review_text", "Solid kettle, boils fast.").put("rating", 4)
        .put("timestamp", "2026-11-27T10:00:00Z").put("source", "web");
  }

  @Test
  @DisplayName("each kind of malformed record reaches the DLQ as malformed with its reason, source and original bytes; every valid event gets a result; offsets reach the end")
  void corpusOfBadRecordsIsDeadLetteredAndValidEventsFlow() throws Exception {
    try (PipelineHarness h = new PipelineHarness(new JsonObject().put("max_review_chars", 5000), 5, c -> c)) {
      // key -> (value bytes, expected reason fragment)
      Map<String, byte[]> bad = new LinkedHashMap<>();
      Map<String, String> reason = new LinkedHashMap<>();
      bad.put("bad-json", utf8("{\"event_id\": \"x\", "));
      reason.put("bad-json", "invalid JSON");
      bad.put("bad-array", utf8("[1,2,3]"));
      reason.put("bad-array", "not an object but array");
      bad.put("bad-string", utf8("\"just a string\""));
      reason.put("bad-string", "not an object but string");
      bad.put("bad-missing", utf8(valid("m-1").copy().put("review_text", (String) null).encode()));
      reason.put("bad-missing", "missing field review_text");
      JsonObject noUser = valid("m-2");
      noUser.remove("user_id");
      bad.put("bad-missing-user", utf8(noUser.encode()));
      reason.put("bad-missing-user", "missing field user_id");
      bad.put("bad-type-rating", utf8(valid("t-1").put("rating", "five").encode()));
      reason.put("bad-type-rating", "rating must be an integer but is string");
      bad.put("bad-type-text", utf8(valid("t-2").put("review_text", 42).encode()));
      reason.put("bad-type-text", "review_text must be a string but is number");
      bad.put("bad-rating-high", utf8(valid("r-1").put("rating", 6).encode()));
      reason.put("bad-rating-high", "rating must be between 1 and 5 but is 6");
      bad.put("bad-rating-zero", utf8(valid("r-2").put("rating", 0).encode()));
      reason.put("bad-rating-zero", "rating must be between 1 and 5 but is 0");
      bad.put("bad-empty-text", utf8(valid("e-1").put("review_text", "   ").encode()));
      reason.put("bad-empty-text", "review_text is empty");
      bad.put("bad-oversized", utf8(valid("o-1").put("review_text", "a".repeat(5001)).encode()));
      reason.put("bad-oversized", "review_text has 5001 characters, limit is 5000");
      bad.put("bad-utf8", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      reason.put("bad-utf8", "not valid UTF-8");
      bad.put("bad-tombstone", null);
      reason.put("bad-tombstone", "null value (tombstone)");
      bad.put("bad-source", utf8(valid("s-1").put("source", "fax").encode()));
      reason.put("bad-source", "source must be one of web, mobile, api");

      // Phase 1: two records with one event_id, produced alone so both meet in one buffer: a copy, not a malformed
      // record; it takes the judgment of the first (see Coalescer), so each record has a result and nothing is
      // dead-lettered.
      JsonObject dup = valid("dup-1");
      h.kafka.produce(h.events, List.of(
          Map.entry(utf8("dup"), utf8(dup.encode())),
          Map.entry(utf8("dup"), utf8(dup.copy().put("review_text", "Second copy, same id.").encode()))));
      h.startNode();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> h.resultsById().getOrDefault("dup-1", List.of()).size() == 2);
      assertThat(h.dlqRecords()).as("a copy is never dead-lettered").isEmpty();
      assertThat(h.resultsById().get("dup-1")).filteredOn(r -> r.getBoolean("coalesced", false)).hasSize(1);

      // Phase 2: the bad corpus interleaved with valid events.
      ReviewGenerator g = new ReviewGenerator(11);
      List<Map.Entry<byte[], byte[]>> records = new ArrayList<>();
      Map<String, ReviewEvent> sentValid = new LinkedHashMap<>();
      List<String> badKeys = new ArrayList<>(bad.keySet());
      for (int i = 0; i < 300; i++) {
        ReviewEvent e = g.next();
        sentValid.put(e.eventId(), e);
        records.add(Map.entry(utf8(e.eventId()), utf8(e.toJson().encode())));
        if (i % 20 == 0 && i / 20 < badKeys.size()) {
          String k = badKeys.get(i / 20);
          records.add(new java.util.AbstractMap.SimpleEntry<>(utf8(k), bad.get(k)));
        }
      }
      assertThat(records.size()).isEqualTo(300 + bad.size());
      h.kafka.produce(h.events, records);

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> h.dlqRecords().size() == bad.size()
              && h.resultsById().keySet().containsAll(sentValid.keySet()));
      Outcomes.assertOffsetsAtEnd(h.kafka, h.events, h.group());

      Outcomes.read(h).assertExactlyOneOutcomePerPipeline(sentValid.keySet(), Outcomes.Kind.RESULT);
      assertThat(h.resultsById().keySet()).as("only valid events have results").hasSize(300 + 1);
      Map<String, JsonObject> dlqByKey = h.dlqRecords().stream()
          .filter(j -> j.getJsonObject("original_record").getString("key") != null)
          .collect(Collectors.toMap(j -> j.getJsonObject("original_record").getString("key"), Function.identity(), (a, b) -> a));
      for (String key : bad.keySet()) {
        JsonObject d = dlqByKey.get(key);
        assertThat(d).as("DLQ record for " + key).isNotNull();
        JsonObject info = d.getJsonObject("failure_info");
        assertThat(info.getString("error_type")).isEqualTo("malformed");
        assertThat(info.getString("error_message")).as(key).contains(reason.get(key));
        assertThat(d.getJsonObject("retry_policy").getInteger("max_retries")).isZero();
        JsonObject src = d.getJsonObject("source");
        assertThat(src.getString("topic")).isEqualTo(h.events);
        assertThat(src.getInteger("partition")).isBetween(0, 11);
        assertThat(src.getLong("offset")).isNotNegative();
        JsonObject original = d.getJsonObject("original_record");
        byte[] expected = bad.get(key);
        if (expected == null) {
          assertThat(original.getString("encoding")).isEqualTo("null");
          assertThat(original.getValue("value")).isNull();
        } else if (key.equals("bad-utf8")) {
          assertThat(original.getString("encoding")).isEqualTo("base64");
          assertThat(Base64.getDecoder().decode(original.getString("value"))).isEqualTo(expected);
        } else {
          assertThat(original.getString("encoding")).isEqualTo("utf-8");
          assertThat(original.getString("value")).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        }
      }
      // each bad record dead-lettered exactly once: no retries of malformed input
      assertThat(h.dlqRecords().stream().map(j -> j.getJsonObject("source").encode()).distinct().count())
          .isEqualTo(bad.size());
      assertThat(new JsonArray(h.dlqRecords()).size()).isEqualTo(bad.size());
    }
  }
}
