package com.reviewpipeline.config;

import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * One routing rule of a pipeline: when every condition in {@code when} holds for an event, the
 * event goes to {@code tier}. Rules are tried in order; the first match wins; no match means the
 * pipeline's default tier. Absent conditions always hold.
 *
 * @param minChars review text at least this long (characters)
 * @param maxChars review text at most this long
 * @param ratings the rating is one of these
 * @param minNonAscii share of non-ASCII characters in the text at least this (0..1)
 * @param maxNonAscii share of non-ASCII characters at most this
 * @param hasLink the text contains (true) or does not contain (false) a URL
 */
public record RouteRule(
    String tier,
    Integer minChars,
    Integer maxChars,
    Set<Integer> ratings,
    Double minNonAscii,
    Double maxNonAscii,
    Boolean hasLink) {

  static final Set<String> CONDITIONS = Set.of("min_chars", "max_chars", "ratings", "min_non_ascii_share",
      "max_non_ascii_share", "has_link");

  public boolean matches(ReviewEvent e) {
    String text = e.reviewText();
    int len = text.length();
    if (minChars != null && len < minChars) {
      return false;
    }
    if (maxChars != null && len > maxChars) {
      return false;
    }
    if (ratings != null && !ratings.contains(e.rating())) {
      return false;
    }
    if (minNonAscii != null || maxNonAscii != null) {
      double share = nonAsciiShare(text);
      if (minNonAscii != null && share < minNonAscii) {
        return false;
      }
      if (maxNonAscii != null && share > maxNonAscii) {
        return false;
      }
    }
    if (hasLink != null && hasLink != containsLink(text)) {
      return false;
    }
    return true;
  }

  public static double nonAsciiShare(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    long nonAscii = text.chars().filter(c -> c > 127).count();
    return (double) nonAscii / text.length();
  }

  static boolean containsLink(String text) {
    String t = text.toLowerCase();
    return t.contains("http://") || t.contains("https://") || t.contains("www.");
  }

  static RouteRule fromJson(JsonObject j, Set<String> tiers, String pipeline) {
    String tier = j.getString("tier");
    if (tier == null || !tiers.contains(tier)) {
      throw new IllegalArgumentException("pipeline " + pipeline + ": routing rule tier '" + tier + "' is not one of " + tiers);
    }
    JsonObject when = j.getJsonObject("when", new JsonObject());
    for (String key : when.fieldNames()) {
      if (!CONDITIONS.contains(key)) {
        throw new IllegalArgumentException("pipeline " + pipeline + ": unknown routing condition '" + key + "'; known: " + CONDITIONS);
      }
    }
    JsonArray r = when.getJsonArray("ratings");
    Set<Integer> ratings = r == null ? null : Set.copyOf(r.stream().map(o -> ((Number) o).intValue()).toList());
    return new RouteRule(tier, when.getInteger("min_chars"), when.getInteger("max_chars"), ratings,
        when.getDouble("min_non_ascii_share"), when.getDouble("max_non_ascii_share"), when.getBoolean("has_link"));
  }

  static List<RouteRule> listFromJson(JsonArray rules, Set<String> tiers, String pipeline) {
    if (rules == null) {
      return List.of();
    }
    return rules.stream().map(o -> fromJson((JsonObject) o, tiers, pipeline)).toList();
  }
}
