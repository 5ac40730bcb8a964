package com.reviewpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReviewEventParserTest {

  final ReviewEventParser parser = new ReviewEventParser(100);

  static JsonObject valid() {
    return new JsonObject()
        .put("event_id", "e-1").put("product_id", "p-1").put("user_id", "u-1")
        .put("review_text", "Works well.").put("rating", 4)
        .put("timestamp", "2026-11-26T10:00:00Z").put("source", "web");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  String reason(byte[] value) {
    ParseResult r = parser.parse(value);
    assertThat(r).isInstanceOf(ParseResult.Malformed.class);
    return ((ParseResult.Malformed) r).reason();
  }

  @Test
  @DisplayName("parses a valid event with every seed field, ignoring unknown extra fields")
  void parsesValid() {
    ParseResult r = parser.parse(bytes(valid().put("extra", true).encode()));
    assertThat(r).isInstanceOf(ParseResult.Valid.class);
    ReviewEvent e = ((ParseResult.Valid) r).event();
    assertThat(e).isEqualTo(new ReviewEvent("e-1", "p-1", "u-1", "Works well.", 4, "2026-11-26T10:00:00Z", "web"));
  }

  @Test
  @DisplayName("rejects a tombstone, invalid UTF-8, invalid JSON and JSON that is not an object")
  void rejectsNonObjects() {
    assertThat(reason(null)).contains("tombstone");
    assertThat(reason(new byte[] {(byte) 0xC3, (byte) 0x28})).contains("not valid UTF-8");
    assertThat(reason(bytes("{\"event_id\": "))).startsWith("invalid JSON");
    assertThat(reason(bytes("[1,2]"))).contains("not an object but array");
    assertThat(reason(bytes("\"text\""))).contains("not an object but string");
    assertThat(reason(bytes(""))).contains("not an object");
  }

  @ParameterizedTest(name = "{0} → {2}")
  @CsvSource(delimiter = '|', value = {
      "missing rating       | rating      |                      | missing field rating",
      "rating as string     | rating      | \"5\"                | rating must be an integer but is string",
      "rating fraction      | rating      | 4.5                  | rating must be an integer but is a fraction",
      "rating 0             | rating      | 0                    | rating must be between 1 and 5 but is 0",
      "rating 6             | rating      | 6                    | rating must be between 1 and 5 but is 6",
      "user_id number       | user_id     | 12                   | user_id must be a string but is number",
      "empty text           | review_text | \"  \"               | review_text is empty",
      "bad source           | source      | \"fax\"              | source must be one of web, mobile, api",
      "bad timestamp        | timestamp   | \"yesterday\"        | timestamp is not ISO-8601",
      "empty event id       | event_id    | \"\"                 | event_id is empty",
  })
  @DisplayName("names the field and the problem for each contract violation")
  void namesTheProblem(String name, String field, String value, String expected) {
    JsonObject event = valid();
    if (value == null) {
      event.remove(field);
    } else {
      event.put(field, new JsonObject("{\"v\":" + value + "}").getValue("v"));
    }
    assertThat(reason(bytes(event.encode()))).contains(expected);
  }

  @Test
  @DisplayName("rejects review text over the configured limit and reports every problem at once")
  void oversizedAndMultipleProblems() {
    assertThat(reason(bytes(valid().put("review_text", "x".repeat(101)).encode())))
        .contains("review_text has 101 characters, limit is 100");
    String all = reason(bytes(new JsonObject().put("rating", 9).encode()));
    assertThat(all).contains("missing field event_id").contains("missing field review_text").contains("rating must be between");
  }
}
