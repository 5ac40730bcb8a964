package com.reviewpipeline.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.reviewpipeline.model.ReviewEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Validates raw record values against the review event contract. Thread-safe; never throws:
 * everything that is not a valid event comes back as {@link ParseResult.Malformed} with a reason
 * a human can act on. Unknown extra fields are ignored so producers can add fields first.
 */
public final class ReviewEventParser {

  static final Set<String> SOURCES = Set.of("web", "mobile", "api");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int maxReviewChars;

  public ReviewEventParser(int maxReviewChars) {
    this.maxReviewChars = maxReviewChars;
  }

  public ParseResult parse(byte[] value) {
    if (value == null) {
      return malformed("null value (tombstone)");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
    } catch (CharacterCodingException e) {
      return malformed("value is not valid UTF-8");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return malformed("invalid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return malformed("JSON value is not an object but " + (root == null ? "empty" : root.getNodeType().name().toLowerCase()));
    }
    StringBuilder problems = new StringBuilder();
    String eventId = requiredString(root, "event_id", problems);
    String productId = requiredString(root, "product_id", problems);
    String userId = requiredString(root, "user_id", problems);
    String reviewText = requiredString(root, "review_text", problems);
    String timestamp = requiredString(root, "timestamp", problems);
    String source = requiredString(root, "source", problems);
    Integer rating = requiredRating(root, problems);
    if (reviewText != null) {
      if (reviewText.isBlank()) {
        append(problems, "review_text is empty");
      } else if (reviewText.length() > maxReviewChars) {
        append(problems, "review_text has " + reviewText.length() + " characters, limit is " + maxReviewChars);
      }
    }
    if (source != null && !SOURCES.contains(source)) {
      append(problems, "source must be one of web, mobile, api but is '" + abbreviate(source) + "'");
    }
    if (timestamp != null && !isIsoTimestamp(timestamp)) {
      append(problems, "timestamp is not ISO-8601 with offset: '" + abbreviate(timestamp) + "'");
    }
    if (eventId != null && eventId.isBlank()) {
      append(problems, "event_id is empty");
    }
    if (problems.length() > 0) {
      return malformed(problems.toString());
    }
    return new ParseResult.Valid(new ReviewEvent(eventId, productId, userId, reviewText, rating, timestamp, source));
  }

  private static String requiredString(JsonNode root, String field, StringBuilder problems) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      append(problems, "missing field " + field);
      return null;
    }
    if (!node.isTextual()) {
      append(problems, field + " must be a string but is " + node.getNodeType().name().toLowerCase());
      return null;
    }
    return node.textValue();
  }

  private static Integer requiredRating(JsonNode root, StringBuilder problems) {
    JsonNode node = root.get("rating");
    if (node == null || node.isNull()) {
      append(problems, "missing field rating");
      return null;
    }
    if (!node.isIntegralNumber()) {
      append(problems, "rating must be an integer but is " + (node.isNumber() ? "a fraction" : node.getNodeType().name().toLowerCase()));
      return null;
    }
    if (!node.canConvertToInt() || node.intValue() < 1 || node.intValue() > 5) {
      append(problems, "rating must be between 1 and 5 but is " + node.asText());
      return null;
    }
    return node.intValue();
  }

  /**
   * Whether {@code value} is what {@link OffsetDateTime#parse} accepts. The common shape
   * ({@code 2026-11-30T10:15:30[.fraction](Z|+hh:mm)}) is checked by hand: the formatter was the largest cost of
   * parsing an event. Anything else goes to the formatter, so the fast path never accepts what it would refuse.
   */
  static boolean isIsoTimestamp(String value) {
    return fastIsoTimestamp(value) || formatterAccepts(value);
  }

  static boolean fastIsoTimestamp(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return false;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return false;
    }
    int at = 19;
    if (s.charAt(at) == '.') {
      int end = at + 1;
      while (end < n && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
        end++;
      }
      if (end == at + 1 || end - at - 1 > 9) {
        return false;
      }
      at = end;
    }
    if (at == n - 1) {
      return s.charAt(at) == 'Z';
    }
    if (at != n - 6 || (s.charAt(at) != '+' && s.charAt(at) != '-') || s.charAt(at + 3) != ':') {
      return false;
    }
    int offsetHours = digits(s, at + 1, at + 3);
    int offsetMinutes = digits(s, at + 4, at + 6);
    return offsetHours >= 0 && offsetMinutes >= 0 && offsetMinutes <= 59
        && (offsetHours < 18 || (offsetHours == 18 && offsetMinutes == 0));
  }

  /** The ASCII digits of {@code s[from, to)} as a number, or -1. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static boolean formatterAccepts(String value) {
    try {
      OffsetDateTime.parse(value);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static void append(StringBuilder problems, String problem) {
    if (problems.length() > 0) {
      problems.append("; ");
    }
    problems.append(problem);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  private static ParseResult malformed(String reason) {
    return new ParseResult.Malformed(reason);
  }
}
