package com.reviewpipeline.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The simulator's deterministic judge, so tests can assert on verdicts: links and promo codes are
 * spam, insults are abusive, short template superlatives with five stars are fake, sentiment
 * follows the rating nudged by words. It fills whatever fields the request's tool schema has.
 */
public final class VerdictHeuristic {

  private static final Pattern SPAM = Pattern.compile(
      "https?://|www\\.|promo ?code|discount code|use code|coupon|click here|buy now|free gift|dm me|whatsapp"
          + "|ignore (all )?previous instructions");
  private static final Pattern ABUSE = Pattern.compile(
      "\\b(idiot|idiots|stupid|moron|morons|scum|loser|losers|dumb|shut up|hate you|trash people|imbeciles?)\\b");
  private static final Pattern TEMPLATE = Pattern.compile(
      "best product ever|highly recommend|five stars|must buy|amazing product|perfect product|life changing");
  private static final Pattern POSITIVE = Pattern.compile(
      "\\b(great|love|excellent|good|perfect|happy|works well|recommend|fantastic|nice)\\b");
  private static final Pattern NEGATIVE = Pattern.compile(
      "\\b(bad|broke|broken|terrible|awful|disappointed|refund|poor|waste|worst|stopped working)\\b");
  private static final String[] ASPECTS = {"shipping", "price", "quality", "battery", "size", "packaging", "support", "delivery"};

  public boolean isSpam(String text) {
    return SPAM.matcher(lower(text)).find();
  }

  public boolean isAbusive(String text) {
    return ABUSE.matcher(lower(text)).find();
  }

  public boolean isFake(String text, int rating) {
    return rating == 5 && text.length() < 120 && TEMPLATE.matcher(lower(text)).find();
  }

  public String sentiment(String text, int rating) {
    String lower = lower(text);
    int pos = count(POSITIVE, lower);
    int neg = count(NEGATIVE, lower);
    if (rating >= 4) {
      return neg > pos + 1 ? "neutral" : "positive";
    }
    if (rating <= 2) {
      return pos > neg + 1 ? "neutral" : "negative";
    }
    return pos > neg ? "positive" : neg > pos ? "negative" : "neutral";
  }

  /** One tool item for review {@code id}, with every property the item schema declares. */
  public JsonObject judge(String id, String text, int rating, JsonObject itemSchema) {
    JsonObject props = itemSchema.getJsonObject("properties", new JsonObject());
    List<String> required = itemSchema.getJsonArray("required", new JsonArray()).stream().map(String::valueOf).toList();
    boolean spam = isSpam(text);
    boolean abusive = isAbusive(text);
    boolean fake = isFake(text, rating);
    JsonObject out = new JsonObject();
    for (String field : props.fieldNames()) {
      JsonObject schema = props.getJsonObject(field);
      switch (field) {
        case "id" -> out.put("id", id);
        case "is_spam" -> out.put(field, spam);
        case "is_abusive" -> out.put(field, abusive);
        case "is_fake" -> out.put(field, fake);
        case "sentiment" -> out.put(field, sentiment(text, rating));
        case "confidence" -> out.put(field, rating == 3 ? 0.62 : 0.91);
        case "reason" -> {
          String reason = spam ? "contains a link, promo code or instructions"
              : abusive ? "insulting language" : fake ? "template-like five-star praise" : null;
          if (reason != null) {
            out.put(field, reason);
          }
        }
        case "summary" -> out.put(field, summary(text));
        case "aspects" -> out.put(field, aspects(text));
        default -> {
          if (required.contains(field)) {
            out.put(field, placeholder(schema));
          }
        }
      }
    }
    return out;
  }

  private static String summary(String text) {
    String firstSentence = text.split("(?<=[.!?])\\s", 2)[0].trim();
    return firstSentence.length() <= 80 ? firstSentence : firstSentence.substring(0, 77) + "...";
  }

  private static JsonArray aspects(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<String> found = new ArrayList<>();
    for (String a : ASPECTS) {
      if (lower.contains(a)) {
        found.add(a);
      }
    }
    return new JsonArray(found);
  }

  private static Object placeholder(JsonObject schema) {
    String type = schema == null ? "string" : schema.getString("type", "string");
    JsonArray values = schema == null ? null : schema.getJsonArray("enum");
    if (values != null && !values.isEmpty()) {
      return values.getValue(0);
    }
    return switch (type) {
      case "boolean" -> false;
      case "number", "integer" -> 0;
      case "array" -> new JsonArray();
      case "object" -> new JsonObject();
      default -> "";
    };
  }

  // patterns are lower-case literals matched against lower-cased text: cheaper than case-insensitive matching
  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  private static int count(Pattern p, String text) {
    int n = 0;
    var m = p.matcher(text);
    while (m.find()) {
      n++;
    }
    return n;
  }
}
