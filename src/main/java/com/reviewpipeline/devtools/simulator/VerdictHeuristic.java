package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The simulator's deterministic judge, so tests can assert on verdicts: links and promo codes are
 * spam, insults are abusive, short template superlatives with five stars are fake, sentiment
 * follows the rating nudged by words. It fills whatever fields the request's tool schema has.
 *
 * <p>The lite judge, for the models {@code conf/simulator/api-models.json} marks {@code judge: lite} (the small
 * ones), misses what is subtle, with the same confidence as ever (so a cascade cannot see it and only shadow sampling
 * measures it): template praise that does not shout ({@code !!}) is not fake to it, and its sentiment follows the
 * rating alone, blind to words that pull the other way (mixed signals in long reviews). Spam and abuse it calls as
 * the full judge does. Same review, same verdict: deterministic.
 */
public final class VerdictHeuristic {

  // Plain substring and whole-word searches instead of regular-expression alternations: the simulator runs in the
  // same process as the pipeline in the benchmarks, and its alternations were a third of their CPU. The expressions
  // these replace are kept in VerdictHeuristicTest, which checks that both give the same verdicts.
  /** Anywhere in the text. */
  private static final String[] SPAM = {"http://", "https://", "www.", "promo code", "promocode", "discount code",
      "use code", "coupon", "click here", "buy now", "free gift", "dm me", "whatsapp", "ignore previous instructions",
      "ignore all previous instructions"};
  /** Whole words or phrases. */
  private static final String[] ABUSE = {"idiot", "idiots", "stupid", "moron", "morons", "scum", "loser", "losers",
      "dumb", "shut up", "hate you", "trash people", "imbecile", "imbeciles"};
  /** Anywhere in the text. */
  private static final String[] TEMPLATE = {"best product ever", "highly recommend", "five stars", "must buy",
      "amazing product", "perfect product", "life changing"};
  /** Whole words or phrases, counted. */
  private static final String[] POSITIVE = {"great", "love", "excellent", "good", "perfect", "happy", "works well",
      "recommend", "fantastic", "nice"};
  private static final String[] NEGATIVE = {"bad", "broke", "broken", "terrible", "awful", "disappointed", "refund",
      "poor", "waste", "worst", "stopped working"};
  private static final String[] ASPECTS = {"shipping", "price", "quality", "battery", "size", "packaging", "support", "delivery"};

  public boolean isSpam(String text) {
    return containsAny(lower(text), SPAM);
  }

  public boolean isAbusive(String text) {
    String lower = lower(text);
    for (String w : ABUSE) {
      if (countWord(lower, w, 1) > 0) {
        return true;
      }
    }
    return false;
  }

  public boolean isFake(String text, int rating) {
    return rating == 5 && text.length() < 120 && containsAny(lower(text), TEMPLATE);
  }

  /** The lite judge's: template praise only when it shouts. */
  public boolean isFakeLite(String text, int rating) {
    return isFake(text, rating) && text.contains("!!");
  }

  /** The lite judge's: the rating alone. */
  public String sentimentLite(int rating) {
    return rating >= 4 ? "positive" : rating <= 2 ? "negative" : "neutral";
  }

  public String sentiment(String text, int rating) {
    String lower = lower(text);
    int pos = countWords(lower, POSITIVE);
    int neg = countWords(lower, NEGATIVE);
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
    return judge(id, text, rating, itemSchema, false);
  }

  /** The same, by the lite judge when {@code lite} (see the class comment). */
  public JsonObject judge(String id, String text, int rating, JsonObject itemSchema, boolean lite) {
    JsonObject props = itemSchema.getJsonObject("properties", new JsonObject());
    List<String> required = itemSchema.getJsonArray("required", new JsonArray()).stream().map(String::valueOf).toList();
    boolean spam = isSpam(text);
    boolean abusive = isAbusive(text);
    boolean fake = lite ? isFakeLite(text, rating) : isFake(text, rating);
    JsonObject out = new JsonObject();
    for (String field : props.fieldNames()) {
      JsonObject schema = props.getJsonObject(field);
      switch (field) {
        case "id" -> out.put("id", id);
        case "is_spam" -> out.put(field, spam);
        case "is_abusive" -> out.put(field, abusive);
        case "is_fake" -> out.put(field, fake);
        case "sentiment" -> out.put(field, lite ? sentimentLite(rating) : sentiment(text, rating));
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

  private static boolean containsAny(String text, String[] needles) {
    for (String n : needles) {
      if (text.contains(n)) {
        return true;
      }
    }
    return false;
  }

  private static int countWords(String text, String[] words) {
    int n = 0;
    for (String w : words) {
      n += countWord(text, w, Integer.MAX_VALUE);
    }
    return n;
  }

  /** Occurrences of {@code word} not inside a longer word (what {@code \bword\b} matches), up to {@code limit}. */
  private static int countWord(String text, String word, int limit) {
    int n = 0;
    int from = 0;
    while (n < limit) {
      int i = text.indexOf(word, from);
      if (i < 0) {
        break;
      }
      int end = i + word.length();
      if ((i == 0 || !isWordChar(text.charAt(i - 1))) && (end == text.length() || !isWordChar(text.charAt(end)))) {
        n++;
        from = end;
      } else {
        from = i + 1;
      }
    }
    return n;
  }

  /** A word character as {@code java.util.regex}'s {@code \b} sees one: a letter or digit (any script), or underscore. */
  private static boolean isWordChar(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }
}
