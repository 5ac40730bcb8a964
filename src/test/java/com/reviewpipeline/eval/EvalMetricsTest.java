package com.reviewpipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EvalMetricsTest {

  static final List<String> FLAGS = List.of("is_spam", "is_abusive", "is_fake");

  static Quality.Pair pair(int n, Boolean goldAbusive, boolean predAbusive, Boolean goldFake, boolean predFake,
      String goldSentiment, String predSentiment) {
    Map<String, Boolean> gold = new HashMap<>();
    gold.put("is_spam", false);
    if (goldAbusive != null) {
      gold.put("is_abusive", goldAbusive);
    }
    if (goldFake != null) {
      gold.put("is_fake", goldFake);
    }
    return new Quality.Pair(new LabelledReview(n, "r" + n, "text " + n, 3, gold, goldSentiment, List.of()),
        new JsonObject().put("is_spam", false).put("is_abusive", predAbusive).put("is_fake", predFake)
            .put("sentiment", predSentiment).put("confidence", 0.9));
  }

  /**
   * is_abusive: gold T T T T F F, predicted T T F F T F: TP 2, FN 2, FP 1, TN 1. is_fake labelled on two reviews only.
   * Sentiment gold pos pos neg neg neu neu, predicted pos neg neg neg neu pos.
   */
  static List<Quality.Pair> fixture() {
    return List.of(
        pair(1, true, true, true, true, "positive", "positive"),
        pair(2, true, true, false, false, "positive", "negative"),
        pair(3, true, false, null, false, "negative", "negative"),
        pair(4, true, false, null, false, "negative", "negative"),
        pair(5, false, true, null, true, "neutral", "neutral"),
        pair(6, false, false, null, false, "neutral", "positive"));
  }

  @Test
  @DisplayName("precision, recall, F1 and support of a flag are the hand-computed 2/3, 1/2, 4/7 and 4")
  void flagMetricsByHand() {
    Quality q = Quality.of(fixture(), FLAGS);
    Confusion abusive = q.flags().get("is_abusive");
    assertThat(abusive).isEqualTo(new Confusion(2, 1, 2, 1));
    assertThat(abusive.precision()).isEqualTo(2.0 / 3);
    assertThat(abusive.recall()).isEqualTo(0.5);
    assertThat(abusive.f1()).isEqualTo(4.0 / 7);
    assertThat(abusive.support()).isEqualTo(4);
    assertThat(q.metric("recall.is_abusive")).isEqualTo(0.5);
  }

  @Test
  @DisplayName("a field the file leaves unlabelled on a review does not count there; no positive at all leaves P/R/F1 undefined")
  void unlabelledAndUndefined() {
    Quality q = Quality.of(fixture(), FLAGS);
    assertThat(q.flags().get("is_fake")).isEqualTo(new Confusion(1, 0, 0, 1));
    Confusion spam = q.flags().get("is_spam");
    assertThat(spam.total()).isEqualTo(6);
    assertThat(spam.precision()).isNaN();
    assertThat(spam.recall()).isNaN();
    assertThat(spam.f1()).isNaN();
    // the mean F1 is over the defined ones: is_abusive 4/7 and is_fake 1
    assertThat(q.meanFlagF1()).isEqualTo((4.0 / 7 + 1) / 2);
  }

  @Test
  @DisplayName("sentiment: the confusion matrix, accuracy 4/6 and macro-F1 (1/2 + 2/3 + 4/5) / 3 = 59/90")
  void sentimentByHand() {
    Quality q = Quality.of(fixture(), FLAGS);
    assertThat(q.sentiment()).isDeepEqualTo(new long[][] {{1, 0, 1}, {1, 1, 0}, {0, 0, 2}});
    assertThat(q.accuracy()).isEqualTo(4.0 / 6);
    assertThat(q.macroF1()).isCloseTo(59.0 / 90, within(1e-12));
    assertThat(q.metric("macro_f1.sentiment")).isCloseTo(59.0 / 90, within(1e-12));
  }

  @Test
  @DisplayName("bootstrap intervals are deterministic for a seed, hold the point estimate, and are [1, 1] when every verdict is right")
  void bootstrap() {
    List<String> metrics = Quality.metricNames(FLAGS);
    Map<String, double[]> a = Bootstrap.intervals(fixture(), FLAGS, metrics, 500, 27);
    Map<String, double[]> b = Bootstrap.intervals(fixture(), FLAGS, metrics, 500, 27);
    assertThat(a.keySet()).isEqualTo(b.keySet());
    a.forEach((m, v) -> assertThat(v).isEqualTo(b.get(m)));
    double[] acc = a.get("accuracy.sentiment");
    assertThat(acc[0]).isLessThanOrEqualTo(4.0 / 6);
    assertThat(acc[1]).isGreaterThanOrEqualTo(4.0 / 6);
    assertThat(a).doesNotContainKey("precision.is_spam");

    List<Quality.Pair> perfect = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      perfect.add(pair(i, i % 2 == 0, i % 2 == 0, null, false, "negative", "negative"));
    }
    assertThat(Bootstrap.intervals(perfect, FLAGS, metrics, 200, 1).get("recall.is_abusive"))
        .containsExactly(1.0, 1.0);
  }

  @Test
  @DisplayName("percentiles are nearest-rank: of 10 values, p2.5 is the 1st, p97.5 the 10th, p50 the 5th, p99 the 10th")
  void percentiles() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(Bootstrap.percentile(sorted, 0.025)).isEqualTo(1);
    assertThat(Bootstrap.percentile(sorted, 0.975)).isEqualTo(10);
    List<Judgement> js = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      js.add(new Judgement("r" + i, "fast", "m", Judgement.Status.OK, new JsonObject(), null, 0.001, 100, 20, 5,
          i * 10L, false));
    }
    js.add(Judgement.none("r11", "fast", "m", Judgement.Status.NOT_JUDGED, "cap"));
    TierStats s = TierStats.of(js);
    assertThat(s.p50Ms()).isEqualTo(50);
    assertThat(s.p99Ms()).isEqualTo(100);
    assertThat(s.usdPer1000()).isCloseTo(1.0, within(1e-9));
    assertThat(s.inputTokensPerReview()).isEqualTo(100);
    assertThat(s.thinkingTokensPerReview()).isEqualTo(5);
    assertThat(s.statuses().get(Judgement.Status.NOT_JUDGED)).isEqualTo(1);
  }
}
