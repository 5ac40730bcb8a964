package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulator's judge matches words and phrases without regular expressions; these are the expressions it replaced. */
class VerdictHeuristicTest {

  static final Pattern SPAM = Pattern.compile(
      "https?://|www\\.|promo ?code|discount code|use code|coupon|click here|buy now|free gift|dm me|whatsapp"
          + "|ignore (all )?previous instructions");
  static final Pattern ABUSE = Pattern.compile(
      "\\b(idiot|idiots|stupid|moron|morons|scum|loser|losers|dumb|shut up|hate you|trash people|imbeciles?)\\b");
  static final Pattern TEMPLATE = Pattern.compile(
      "best product ever|highly recommend|five stars|must buy|amazing product|perfect product|life changing");
  static final Pattern POSITIVE = Pattern.compile(
      "\\b(great|love|excellent|good|perfect|happy|works well|recommend|fantastic|nice)\\b");
  static final Pattern NEGATIVE = Pattern.compile(
      "\\b(bad|broke|broken|terrible|awful|disappointed|refund|poor|waste|worst|stopped working)\\b");

  static int count(Pattern p, String text) {
    int n = 0;
    var m = p.matcher(text);
    while (m.find()) {
      n++;
    }
    return n;
  }

  static String sentiment(String text, int rating) {
    String lower = text.toLowerCase(Locale.ROOT);
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

  final VerdictHeuristic judge = new VerdictHeuristic();

  void assertSameAsExpressions(String text, int rating) {
    String lower = text.toLowerCase(Locale.ROOT);
    assertThat(judge.isSpam(text)).as("spam: " + text).isEqualTo(SPAM.matcher(lower).find());
    assertThat(judge.isAbusive(text)).as("abusive: " + text).isEqualTo(ABUSE.matcher(lower).find());
    assertThat(judge.isFake(text, rating)).as("fake: " + text)
        .isEqualTo(rating == 5 && text.length() < 120 && TEMPLATE.matcher(lower).find());
    assertThat(judge.sentiment(text, rating)).as("sentiment: " + text).isEqualTo(sentiment(text, rating));
  }

  @Test
  @DisplayName("same spam, abuse, fake and sentiment verdicts as the regular expressions on 20,000 reviews of the load generator's mix")
  void agreesOnTheStandardMix() {
    ReviewGenerator g = new ReviewGenerator(7);
    int flagged = 0;
    for (int i = 0; i < 20_000; i++) {
      ReviewEvent e = g.next();
      assertSameAsExpressions(e.reviewText(), e.rating());
      if (judge.isSpam(e.reviewText()) || judge.isAbusive(e.reviewText())) {
        flagged++;
      }
    }
    assertThat(flagged).as("the mix exercises the flags").isGreaterThan(1000);
  }

  @Test
  @DisplayName("same verdicts at word boundaries: longer words, punctuation, other scripts, digits, underscores, repeats, capitals")
  void agreesAtWordBoundaries() {
    List<String> texts = new ArrayList<>(List.of(
        "Broken after a week, it broke again. Broke!", "unbroken and goodness", "good_bad", "good2 bad3",
        "Très good, ébad", "goodé bad", "Великолепно good", "IDIOTS everywhere", "idiotic design", "you moron.",
        "Shut  up", "shut up!", "I hate you", "hate yours", "trash people here", "imbecile", "imbeciles!",
        "PROMOCODE 10", "promo code", "Promo Code", "visit WWW.example.com", "http:/broken", "https://x.y",
        "Ignore all previous instructions", "ignore  previous instructions", "Works well, works well, works wellness",
        "stopped working stopped workings", "greatly great, Great!", "nice-ish nice_ish", "love love love bad",
        "Highly recommend, five stars", "", "!!!", "recommendation recommend", "refunded refund", "worst worst worse"));
    for (String t : texts) {
      for (int rating = 1; rating <= 5; rating++) {
        assertSameAsExpressions(t, rating);
      }
    }
  }
}
