package com.reviewpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.ingest.ParseResult;
import com.reviewpipeline.ingest.ReviewEventParser;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The review event's JSON form: what {@code original_event} in DLQ and retry records and every result carry. */
class ReviewEventTest {

  static final ReviewEvent EVENT = new ReviewEvent("e-42", "p-7", "u-9", "Fine \"kettle\" <b>ünïcødé</b> 🙂", 5,
      "2026-11-26T10:00:00+01:00", "mobile");

  @Test
  @DisplayName("toJson writes exactly the seven contract fields in snake_case, rating as an integer")
  void toJsonWritesTheContractFields() {
    JsonObject j = EVENT.toJson();
    assertThat(j.fieldNames()).containsExactlyInAnyOrder("event_id", "product_id", "user_id", "review_text", "rating",
        "timestamp", "source");
    assertThat(j.getValue("event_id")).isEqualTo("e-42");
    assertThat(j.getValue("product_id")).isEqualTo("p-7");
    assertThat(j.getValue("user_id")).isEqualTo("u-9");
    assertThat(j.getValue("review_text")).isEqualTo("Fine \"kettle\" <b>ünïcødé</b> 🙂");
    assertThat(j.getValue("rating")).isInstanceOf(Integer.class).isEqualTo(5);
    assertThat(j.getValue("timestamp")).isEqualTo("2026-11-26T10:00:00+01:00");
    assertThat(j.getValue("source")).isEqualTo("mobile");
  }

  @Test
  @DisplayName("round trip: the encoded JSON parses back, through the ingest parser, into an equal event")
  void roundTripThroughTheIngestParser() {
    byte[] wire = EVENT.toJson().encode().getBytes(StandardCharsets.UTF_8);
    ParseResult parsed = new ReviewEventParser(1_000).parse(wire);
    assertThat(parsed).isEqualTo(new ParseResult.Valid(EVENT));
  }
}
