package com.reviewpipeline.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.config.PipelineConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The delivery promise as tests check it: what each event ended as, read once from the results topic and the DLQ,
 * and the consumer groups' committed offsets against the end of a topic.
 */
public final class Outcomes {

  /** What an event ends as in one pipeline: a verdict on the results topic, or a record on the DLQ. */
  public enum Kind { RESULT, DEAD_LETTER }

  private static final int SHOWN = 10;

  private final List<String> pipelines;
  /** (event id, pipeline) → records, per kind. */
  private final Map<Kind, Map<List<String>, Integer>> counts = Map.of(Kind.RESULT, new HashMap<>(),
      Kind.DEAD_LETTER, new HashMap<>());

  private Outcomes(List<String> pipelines, List<JsonObject> results, List<JsonObject> deadLetters) {
    this.pipelines = pipelines;
    results.forEach(r -> count(Kind.RESULT, r.getString("event_id"), r.getString("pipeline")));
    deadLetters.forEach(d -> count(Kind.DEAD_LETTER, eventId(d), d.getString("pipeline")));
  }

  /** Every outcome so far of a harness's topics, for each pipeline its configuration enables. */
  /**
   * No event that {@code doneBefore} (a snapshot of the group's commits, offset maps included) recorded as done has a
   * result made after the snapshot: a crash, rebalance or scale change after it re-processed only what was not done.
   * (A result made before it may be a second one: a copy in flight at an earlier move.) Returns how many events have
   * more than one result.
   */
  public static long assertNoneDoneJudgedAgain(PipelineHarness h, KafkaTestClient.CommittedDone doneBefore) {
    long twice = 0;
    for (Map.Entry<String, List<JsonObject>> e : h.resultsById().entrySet()) {
      if (e.getValue().size() > 1) {
        twice++;
        JsonObject source = e.getValue().get(0).getJsonObject("source");
        if (doneBefore.isDone(source.getInteger("partition"), source.getLong("offset"))) {
          for (JsonObject r : e.getValue()) {
            assertThat(java.time.Instant.parse(r.getString("processed_at")).toEpochMilli())
                .as("event %s done at the snapshot (committed %s) has a result made after it: %s", e.getKey(),
                    doneBefore.offsets().get(source.getInteger("partition")), e.getValue())
                .isLessThanOrEqualTo(doneBefore.takenAtMs());
          }
        }
      }
    }
    return twice;
  }

  public static Outcomes read(PipelineHarness h) {
    return read(h.kafka, h.results, h.dlq, h.config.pipelines().stream().map(PipelineConfig::name).toList());
  }

  /** Every outcome so far on these topics, for these pipelines. */
  public static Outcomes read(KafkaTestClient kafka, String resultsTopic, String dlqTopic, List<String> pipelines) {
    return new Outcomes(pipelines,
        kafka.readAll(resultsTopic).stream().map(r -> new JsonObject(r.value())).toList(),
        kafka.readAll(dlqTopic).stream().map(r -> new JsonObject(r.value())).toList());
  }

  /**
   * Each event has exactly one outcome from each pipeline, of the expected kind, and none of the other kind: with
   * {@link Kind#RESULT}, the DLQ holds nothing for these events.
   */
  public void assertExactlyOneOutcomePerPipeline(Collection<String> eventIds, Kind kind) {
    assertOneOutcomePerPipeline(eventIds, kind, 0);
  }

  /**
   * Each event has at least one outcome from each pipeline, of the expected kind, and none of the other kind; the
   * outcomes beyond the first of an (event, pipeline), which at-least-once delivery allows after a rebalance or a
   * crash, number at most {@code maxDuplicates}. Returns that number.
   */
  public long assertOneOutcomePerPipeline(Collection<String> eventIds, Kind kind, long maxDuplicates) {
    Kind other = kind == Kind.RESULT ? Kind.DEAD_LETTER : Kind.RESULT;
    List<List<String>> missing = new ArrayList<>();
    List<List<String>> otherKind = new ArrayList<>();
    long duplicates = 0;
    for (String id : eventIds) {
      for (String pipeline : pipelines) {
        List<String> key = List.of(id, pipeline);
        int n = counts.get(kind).getOrDefault(key, 0);
        if (n == 0) {
          missing.add(key);
        }
        duplicates += Math.max(0, n - 1);
        if (counts.get(other).containsKey(key)) {
          otherKind.add(key);
        }
      }
    }
    assertThat(missing.size()).as("(event, pipeline) pairs of %d events without a %s, e.g. %s", eventIds.size(),
        kind, first(missing)).isZero();
    assertThat(otherKind.size()).as("(event, pipeline) pairs with a %s, e.g. %s", other, first(otherKind)).isZero();
    assertThat(duplicates).as("%s records beyond one per event and pipeline", kind).isLessThanOrEqualTo(maxDuplicates);
    return duplicates;
  }

  /**
   * Within 30 s, each group's committed offsets on {@code topic} equal the topic's end offsets: every record read
   * is done. Call it once nothing more is produced to the topic.
   */
  public static void assertOffsetsAtEnd(KafkaTestClient kafka, String topic, String... groups) {
    for (String group : groups) {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .untilAsserted(() -> assertThat(kafka.committed(group, topic)).as("committed offsets of %s on %s", group, topic)
              .isEqualTo(kafka.endOffsets(topic)));
    }
  }

  private void count(Kind kind, String eventId, String pipeline) {
    if (eventId != null) {
      counts.get(kind).merge(List.of(eventId, String.valueOf(pipeline)), 1, Integer::sum);
    }
  }

  /**
   * The event a DLQ record is about: its {@code original_event}, or, for a record refused as malformed (such as a
   * record that is valid JSON but not a valid event), the {@code event_id} of its original bytes when they are a JSON object. Null when
   * it names none.
   */
  private static String eventId(JsonObject deadLetter) {
    JsonObject event = deadLetter.getJsonObject("original_event");
    if (event != null) {
      return event.getString("event_id");
    }
    JsonObject original = deadLetter.getJsonObject("original_record", new JsonObject());
    if (!"utf-8".equals(original.getString("encoding"))) {
      return null;
    }
    try {
      return new JsonObject(original.getString("value")).getValue("event_id") instanceof String id ? id : null;
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static List<List<String>> first(List<List<String>> pairs) {
    return pairs.subList(0, Math.min(SHOWN, pairs.size()));
  }
}
