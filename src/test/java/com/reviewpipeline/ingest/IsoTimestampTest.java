package com.reviewpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IsoTimestampTest {

  private static boolean formatter(String s) {
    try {
      OffsetDateTime.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  @Test
  @DisplayName("the hand-written check accepts exactly what OffsetDateTime.parse accepts, on 200,000 mutated timestamps")
  void agreesWithTheFormatter() {
    Random random = new Random(20261130);
    List<String> seeds = List.of("2026-11-30T10:15:30Z", "2024-02-29T23:59:59.123456789+05:30", "2023-02-28T00:00:00-18:00",
        "2026-01-01T12:00:00.5+14:00", "0000-01-01T00:00:00Z");
    String alphabet = "0123456789-:+TZ.tz ";
    int fastAccepted = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder s = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      for (int k = random.nextInt(3); k > 0; k--) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(3)) {
          case 0 -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> s.deleteCharAt(at);
          default -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String value = s.toString();
      boolean fast = ReviewEventParser.fastIsoTimestamp(value);
      if (fast) {
        fastAccepted++;
        assertThat(formatter(value)).as("fast path accepted %s", value).isTrue();
      }
      assertThat(ReviewEventParser.isIsoTimestamp(value)).as(value).isEqualTo(formatter(value));
    }
    assertThat(fastAccepted).as("the fast path takes the common shape").isGreaterThan(10_000);
  }

  @Test
  @DisplayName("impossible dates and offsets are refused: 30 February, hour 24, offset +18:30")
  void impossibleValuesRefused() {
    for (String bad : List.of("2026-02-30T10:00:00Z", "2026-11-30T24:00:00Z", "2026-11-30T10:00:00+18:30",
        "2026-13-01T10:00:00Z", "2026-11-30T10:00:60Z", "2026-11-30T10:00:00.1234567890Z")) {
      assertThat(ReviewEventParser.isIsoTimestamp(bad)).as(bad).isFalse();
    }
  }
}
