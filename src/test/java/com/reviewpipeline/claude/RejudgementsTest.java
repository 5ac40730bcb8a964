package com.reviewpipeline.claude;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.Rejudge;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.publish.ResultRecordTest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a batch's verdicts become under a cascade and shadow sampling: published, escalated, shadowed, compared. */
class RejudgementsTest {

  static final CascadeConfig CASCADE = new CascadeConfig(true, "fast", "balanced", true, 0.7, List.of());
  static final ShadowConfig ALL = new ShadowConfig(1.0, "deep", List.of("is_spam", "sentiment"));

  static PipelineConfig pipeline(ShadowConfig shadow) {
    return ResultRecordTest.MODERATOR.withCascade(CASCADE).withShadow(shadow);
  }

  static PipelineEvent event(String id) {
    return new PipelineEvent("review-moderator", new ReviewEvent(id, "p", "u", "text", 4, "2026-01-01T00:00:00Z", "web"),
        new SourceRef("t", 0, 1, "ack"), 0, 0);
  }

  static JsonObject verdict(boolean spam, String sentiment, double confidence) {
    return new JsonObject().put("id", "x").put("is_spam", spam).put("is_abusive", false).put("is_fake", false)
        .put("sentiment", sentiment).put("confidence", confidence);
  }

  static EventResult result(PipelineEvent e, JsonObject v, String tier, double cost) {
    return new EventResult(e, v, "model-" + tier, tier, "b1", 2, cost, 10, 5);
  }

  @Test
  @DisplayName("on the first tier a flagged and an uncertain verdict escalate with their verdict, reason and cost; a clear one is published; all three count as first verdicts")
  void escalations() {
    Rejudgements r = Rejudgements.of(pipeline(ShadowConfig.OFF), List.of(
        result(event("spam"), verdict(true, "positive", 0.91), "fast", 0.001),
        result(event("unsure"), verdict(false, "neutral", 0.62), "fast", 0.001),
        result(event("clear"), verdict(false, "positive", 0.91), "fast", 0.001)));
    assertThat(r.publish()).extracting(x -> x.event().id()).containsExactly("clear");
    assertThat(r.escalate()).extracting(PipelineEvent::id).containsExactly("spam", "unsure");
    Rejudge spam = r.escalate().get(0).rejudge();
    assertThat(spam.kind()).isEqualTo(Rejudge.Kind.ESCALATION);
    assertThat(spam.tier()).isEqualTo("balanced");
    assertThat(spam.prior()).singleElement().satisfies(p -> {
      assertThat(p.model()).isEqualTo("model-fast");
      assertThat(p.reason()).isEqualTo("flagged");
      assertThat(p.flagged()).isTrue();
      assertThat(p.costUsd()).isEqualTo(0.001);
    });
    assertThat(r.escalate().get(1).rejudge().prior().get(0).reason()).isEqualTo("low_confidence");
    assertThat(r.firstVerdicts()).isEqualTo(3);
    assertThat(r.shadows()).isEmpty();
  }

  @Test
  @DisplayName("an escalated event's second verdict is published even when flagged, and not counted as a first verdict")
  void escalatedOnce() {
    PipelineEvent up = event("spam").escalated("balanced",
        new Rejudge.Prior("model-fast", "fast", verdict(true, "positive", 0.9), true, "flagged", 0.001, 10, 5));
    Rejudgements r = Rejudgements.of(pipeline(ShadowConfig.OFF), List.of(result(up, verdict(true, "negative", 0.4), "fast", 0.02)));
    assertThat(r.publish()).hasSize(1);
    assertThat(r.escalate()).isEmpty();
    assertThat(r.firstVerdicts()).isZero();
  }

  @Test
  @DisplayName("published verdicts from another tier than the reference are shadowed with the published verdict; the reference tier's are not")
  void shadows() {
    Rejudgements r = Rejudgements.of(pipeline(ALL), List.of(
        result(event("a"), verdict(false, "positive", 0.91), "fast", 0.001),
        result(event("b"), verdict(false, "positive", 0.91), "deep", 0.01)));
    assertThat(r.publish()).hasSize(2);
    assertThat(r.shadows()).singleElement().satisfies(s -> {
      assertThat(s.id()).isEqualTo("a");
      assertThat(s.isShadow()).isTrue();
      assertThat(s.rejudge().tier()).isEqualTo("deep");
      assertThat(s.rejudge().prior().get(0).tier()).isEqualTo("fast");
    });
  }

  @Test
  @DisplayName("a shadow verdict is never published nor escalated: it is compared field by field with the published one, under the pair of tiers")
  void comparisons() {
    PipelineEvent shadow = event("a").shadow("deep",
        new Rejudge.Prior("model-fast", "fast", verdict(false, "positive", 0.91), false, "", 0.001, 10, 5));
    Rejudgements r = Rejudgements.of(pipeline(ALL), List.of(result(shadow, verdict(true, "positive", 0.5), "deep", 0.01)));
    assertThat(r.publish()).isEmpty();
    assertThat(r.escalate()).isEmpty();
    assertThat(r.shadows()).isEmpty();
    assertThat(r.comparisons()).hasSize(1);
    Rejudgements.Comparison c = r.comparisons().get(0);
    assertThat(c.pair()).isEqualTo("fast_vs_deep");
    assertThat(c.agree()).isEqualTo(Map.of("is_spam", false, "sentiment", true));
    assertThat(List.of(c.record().key(), c.record().firstTier(), c.record().firstModel()))
        .containsExactly(c.record().pipeline() + "/a", "fast", "model-fast");
    assertThat(c.record().agree()).isEqualTo(c.agree());
  }

  @Test
  @DisplayName("with the agreement gate: a confident flag on a proven field is published, one on an unproven field escalates, low confidence escalates whatever is proven; first-tier verdicts are shadowed as judged, escalated ones included")
  void gated() {
    com.reviewpipeline.config.AgreementPolicy policy =
        new com.reviewpipeline.config.AgreementPolicy(true, 5, 0.5, 10, 0, Map.of());
    com.reviewpipeline.agreement.AgreementLedger ledger = new com.reviewpipeline.agreement.AgreementLedger(n -> policy);
    for (int i = 0; i < 10; i++) {
      ledger.apply(new com.reviewpipeline.agreement.AgreementRecord("review-moderator", "old" + i, "fast", "model-fast",
          "model-deep", i, Map.of("is_spam", true, "is_fake", false)));
    }
    com.reviewpipeline.agreement.AgreementGate gate = new com.reviewpipeline.agreement.AgreementGate(ledger,
        tier -> "model-" + tier);
    PipelineConfig p = ResultRecordTest.MODERATOR.withCascade(CASCADE.withAgreement(policy))
        .withShadow(new ShadowConfig(0.0001, "deep", List.of("is_spam", "is_abusive", "is_fake"), 1.0));
    JsonObject fake = verdict(false, "positive", 0.91).put("is_fake", true);
    Rejudgements r = Rejudgements.of(p, List.of(
        result(event("spam"), verdict(true, "positive", 0.91), "fast", 0.001),
        result(event("fake"), fake, "fast", 0.001),
        result(event("unsure-spam"), verdict(true, "neutral", 0.62), "fast", 0.001)), false, gate);
    assertThat(r.publish()).extracting(x -> x.event().id()).containsExactly("spam");
    assertThat(r.escalate()).extracting(PipelineEvent::id).containsExactly("fake", "unsure-spam");
    assertThat(r.escalate().get(1).rejudge().prior().get(0).reason()).isEqualTo("low_confidence");
    // is_abusive has no comparisons yet: the unproven share (1.0) applies to every first verdict
    assertThat(r.shadows()).extracting(PipelineEvent::id).containsExactly("spam", "fake", "unsure-spam");
    assertThat(r.shadows()).allSatisfy(s -> assertThat(s.rejudge().prior().get(0).tier()).isEqualTo("fast"));
    Rejudgements ungated = Rejudgements.of(p, List.of(result(event("spam"), verdict(true, "positive", 0.91), "fast",
        0.001)), false, com.reviewpipeline.agreement.AgreementGate.UNGATED);
    assertThat(ungated.escalate()).extracting(PipelineEvent::id).containsExactly("spam");
  }
}
