package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** The reviews a request asks about and the verdicts the simulator gives them, with the knobs that spoil verdicts. */
final class ReviewBatch {

  private ReviewBatch() {}

  /** The JSON array of reviews in the last user message, between the first '[' and the last ']'. */
  static JsonArray reviews(JsonObject body) {
    JsonArray messages = body.getJsonArray("messages");
    String text = SimTokenizer.contentText(((JsonObject) messages.getValue(messages.size() - 1)).getValue("content"));
    int start = text.indexOf('[');
    int end = text.lastIndexOf(']');
    if (start < 0 || end < start) {
      return new JsonArray();
    }
    try {
      return new JsonArray(text.substring(start, end + 1));
    } catch (DecodeException e) {
      return new JsonArray();
    }
  }

  /** Position of the first review whose text contains {@code marker}, ignoring case; -1 if none or no marker. */
  static int indexOfMarker(JsonArray reviews, String marker) {
    if (marker == null || marker.isEmpty()) {
      return -1;
    }
    String needle = marker.toLowerCase(Locale.ROOT);
    for (int i = 0; i < reviews.size(); i++) {
      if (reviews.getValue(i) instanceof JsonObject r && r.getString("text", "").toLowerCase(Locale.ROOT).contains(needle)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * One verdict per review in the shape the request's item schema asks for (documented fields or compact codes), less
   * the ones {@code drop_every} drops, spoiled as {@code invalid_every} and {@code unknown_ids} ask, all following a
   * review's order about the batch when {@code obey_injections} is on.
   */
  static List<Answers.Item> verdicts(JsonArray reviews, JsonObject asked, SimulatorSettings s, VerdictHeuristic heuristic) {
    return verdicts(reviews, asked, s, heuristic, false);
  }

  /** The same, judged by the lite judge when {@code lite} (the model's {@code judge: lite}). */
  static List<Answers.Item> verdicts(JsonArray reviews, JsonObject asked, SimulatorSettings s, VerdictHeuristic heuristic,
      boolean lite) {
    // compact items are judged on the documented fields, then written in the codes
    boolean compact = CompactVerdicts.asked(asked);
    JsonObject itemSchema = compact ? CompactVerdicts.DOCUMENTED : asked;
    List<Answers.Item> items = new ArrayList<>();
    for (int i = 0; i < reviews.size(); i++) {
      int n = i + 1;
      if (!(reviews.getValue(i) instanceof JsonObject r) || (s.dropEvery() > 0 && n % s.dropEvery() == 0)) {
        continue;
      }
      int rating = r.getValue("rating") instanceof Number num ? num.intValue() : 3;
      JsonObject item = heuristic.judge(String.valueOf(r.getValue("id")), r.getString("text", ""), rating, itemSchema,
          lite);
      if (lite) {
        miss(item, r.getString("text", ""), s.liteMisses());
      }
      if (s.invalidEvery() > 0 && n % s.invalidEvery() == 0 && item.containsKey("sentiment")) {
        item.put("sentiment", "ecstatic");
      }
      items.add(new Answers.Item(i, item));
    }
    Obedience.Order order = s.obeyInjections() ? Obedience.of(reviews) : null;
    if (order != null) {
      items.forEach(i -> order.apply(i.value(), itemSchema));
    }
    if (s.unknownIds() && !reviews.isEmpty()) {
      items.add(new Answers.Item(reviews.size(),
          heuristic.judge("not-asked-" + UUID.randomUUID(), "unrequested", 3, itemSchema)));
    }
    if (compact) {
      items.replaceAll(i -> new Answers.Item(i.review(), CompactVerdicts.encode(i.value())));
    }
    return items;
  }

  /** The lite judge's extra misses ({@code lite_misses}): a share of a field's flags, by a hash of text and field. */
  static void miss(JsonObject item, String text, JsonObject misses) {
    boolean missed = false;
    for (String field : misses.fieldNames()) {
      if (Boolean.TRUE.equals(item.getValue(field))) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update((field + "|" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (crc.getValue() / 4294967296.0 < misses.getDouble(field)) {
          item.put(field, false);
          missed = true;
        }
      }
    }
    if (missed && !Boolean.TRUE.equals(item.getValue("is_spam")) && !Boolean.TRUE.equals(item.getValue("is_abusive"))
        && !Boolean.TRUE.equals(item.getValue("is_fake"))) {
      item.remove("reason"); // a reason only with a flag, as the schema's items have it
    }
  }
}
