package com.reviewpipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sweep on four reviews whose answers on two tiers are given (abusive: r1 and r2 yes, r3 and r4 no):
 * fast says r1 yes (0.9), r2 no at confidence 0.6, r3 no (0.9), r4 yes (0.9, wrong), at $0.001 a review;
 * balanced is right on all four at 0.9, at $0.01 a review.
 */
class EvalSweepTest {

  static Vertx vertx;
  static PipelineConfig pipeline;

  @BeforeAll
  static void config() throws Exception {
    vertx = Vertx.vertx();
    AppConfig c = TestConfig.load(vertx, new JsonObject());
    pipeline = c.pipeline("review-moderator");
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  static final List<LabelledReview> REVIEWS = List.of(review(1, true), review(2, true), review(3, false),
      review(4, false));

  static LabelledReview review(int n, boolean abusive) {
    return new LabelledReview(n, "r" + n, "plain ascii review " + n, 3,
        Map.of("is_spam", false, "is_abusive", abusive, "is_fake", false), "negative", List.of());
  }

  static Judgement ok(String id, String tier, boolean abusive, double confidence, double usd) {
    return new Judgement(id, tier, "m-" + tier, Judgement.Status.OK, new JsonObject().put("is_spam", false)
        .put("is_abusive", abusive).put("is_fake", false).put("sentiment", "negative").put("confidence", confidence),
        null, usd, 0, 0, 0, 100, false);
  }

  static Map<String, Map<String, Judgement>> answers() {
    Map<String, Judgement> fast = new LinkedHashMap<>();
    fast.put("r1", ok("r1", "fast", true, 0.9, 0.001));
    fast.put("r2", ok("r2", "fast", false, 0.6, 0.001));
    fast.put("r3", ok("r3", "fast", false, 0.9, 0.001));
    fast.put("r4", ok("r4", "fast", true, 0.9, 0.001));
    Map<String, Judgement> balanced = new LinkedHashMap<>();
    for (LabelledReview r : REVIEWS) {
      balanced.put(r.id(), ok(r.id(), "balanced", r.flags().get("is_abusive"), 0.9, 0.01));
    }
    Map<String, Map<String, Judgement>> byTier = new LinkedHashMap<>();
    byTier.put("fast", fast);
    byTier.put("balanced", balanced);
    return byTier;
  }

  static CascadeSim sim() {
    return new CascadeSim(pipeline, REVIEWS, answers(), "deep");
  }

  @Test
  @DisplayName("replaying one setting gives the hand-computed cost and recall: flagged escalation alone leaves r2 missed")
  void oneSettingByHand() {
    CascadeSim.Point flaggedOnly = sim().simulate(CascadeSetting.cascade("fast", "balanced", true, 0, false, 0));
    // r1 and r4 escalate: 4 x 0.001 + 2 x 0.01
    assertThat(flaggedOnly.usd()).isCloseTo(0.024, within(1e-12));
    assertThat(flaggedOnly.escalated()).isEqualTo(2);
    assertThat(flaggedOnly.quality().metric("recall.is_abusive")).isEqualTo(0.5);
    assertThat(flaggedOnly.quality().metric("precision.is_abusive")).isEqualTo(1.0);

    CascadeSim.Point lowConfidence = sim().simulate(CascadeSetting.cascade("fast", "balanced", false, 0.7, false, 0));
    // only r2 (0.6 < 0.7) escalates: r4 stays a false positive
    assertThat(lowConfidence.usd()).isCloseTo(0.014, within(1e-12));
    assertThat(lowConfidence.quality().metric("recall.is_abusive")).isEqualTo(1.0);
    assertThat(lowConfidence.quality().metric("precision.is_abusive")).isEqualTo(2.0 / 3);
  }

  @Test
  @DisplayName("recall.is_abusive=1 alone: the sweep picks low-confidence escalation below 0.7, the cheapest that reaches it ($3.50 per 1,000 reviews)")
  void cheapestForRecall() {
    Sweep.Result r = Sweep.run(sim(), Sweep.grid(List.of("fast", "balanced")),
        List.of(Target.parse("recall.is_abusive=1", pipeline.flagFields())));
    assertThat(r.chosen().setting()).isEqualTo(CascadeSetting.cascade("fast", "balanced", false, 0.7, false, 0));
    assertThat(r.chosen().usdPer1000()).isCloseTo(3.5, within(1e-9));
    assertThat(r.chosen().setting().yaml("review-moderator"))
        .contains("first_tier: fast", "escalate_to: balanced", "escalate_when: { flagged: false, confidence_below: 0.7");
  }

  @Test
  @DisplayName("recall and precision 1: the sweep picks flagged plus low-confidence escalation ($0.034), cheaper than balanced alone ($0.04)")
  void cheapestForRecallAndPrecision() {
    Sweep.Result r = Sweep.run(sim(), Sweep.grid(List.of("fast", "balanced")), List.of(
        Target.parse("recall.is_abusive=1", pipeline.flagFields()),
        Target.parse("precision.is_abusive=1", pipeline.flagFields())));
    assertThat(r.chosen().setting()).isEqualTo(CascadeSetting.cascade("fast", "balanced", true, 0.7, false, 0));
    assertThat(r.chosen().usd()).isCloseTo(0.034, within(1e-12));
    assertThat(r.chosen().setting().yaml("review-moderator")).contains("flagged: true, confidence_below: 0.7",
        "agreement:\n        enabled: false");
  }

  @Test
  @DisplayName("an unreachable target chooses nothing; the front holds fast alone (cheapest) and ends at recall 1")
  void unreachableAndFront() {
    Sweep.Result r = Sweep.run(sim(), Sweep.grid(List.of("fast", "balanced")),
        List.of(Target.parse("recall.is_spam=0.5", pipeline.flagFields())));
    assertThat(r.chosen()).isNull();
    Sweep.Result f = Sweep.run(sim(), Sweep.grid(List.of("fast", "balanced")),
        List.of(Target.parse("recall.is_abusive=0", pipeline.flagFields())));
    assertThat(f.front().get(0).setting()).isEqualTo(CascadeSetting.single("fast"));
    assertThat(f.front().get(f.front().size() - 1).quality().metric("recall.is_abusive")).isEqualTo(1.0);
  }

  @Test
  @DisplayName("the agreement gate: a first tier proven against the reference on a field keeps its confident flags")
  void agreementGate() {
    // the reference tier is fast itself: agreement 4/4, but min_samples (200) is not reached, so flags still escalate
    CascadeSim small = new CascadeSim(pipeline, REVIEWS, answers(), "fast");
    assertThat(small.simulate(CascadeSetting.cascade("fast", "balanced", true, 0, true, 0.5)).escalated())
        .isEqualTo(2);
    CascadeSim proven = new CascadeSim(pipeline.withCascade(pipeline.cascade().withAgreement(
        new com.reviewpipeline.config.AgreementPolicy(true, 4, 0.95, 4, 0.01, Map.of()))), REVIEWS, answers(), "fast");
    // 4 of 4 agree: Wilson lower bound 0.51; a target of 0.5 is met, 0.95 is not
    assertThat(proven.simulate(CascadeSetting.cascade("fast", "balanced", true, 0, true, 0.5)).escalated()).isZero();
    assertThat(proven.simulate(CascadeSetting.cascade("fast", "balanced", true, 0, true, 0.95)).escalated())
        .isEqualTo(2);
  }
}
