package com.reviewpipeline.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.AgreementPolicy;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.publish.ResultRecordTest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cascade's question to the ledger: does this confident flag still escalate, and how much to shadow. */
class AgreementGateTest {

  static final AgreementPolicy POLICY = new AgreementPolicy(true, 10, 0.7, 50, 0.0, Map.of());
  static final ShadowConfig SHADOW = new ShadowConfig(0.02, "deep", List.of("is_spam", "is_abusive", "is_fake"), 0.1);

  static PipelineConfig pipeline(AgreementPolicy policy, ShadowConfig shadow) {
    return ResultRecordTest.MODERATOR
        .withCascade(new CascadeConfig(true, "fast", "balanced", true, 0.7, List.of(), policy)).withShadow(shadow);
  }

  static AgreementGate gate(AgreementLedger ledger) {
    return new AgreementGate(ledger, tier -> "model-" + tier);
  }

  int next;

  void agree(AgreementLedger l, int n, boolean fake) {
    for (int i = 0; i < n; i++) {
      next++;
      l.apply(new AgreementRecord("review-moderator", "e" + next, "fast", "model-fast", "model-deep", next,
          Map.of("is_spam", true, "is_abusive", true, "is_fake", fake)));
    }
  }

  @Test
  @DisplayName("a field escalates until proven, then not; while any flag is unproven the unproven shadow share applies, the base share once all are proven")
  void provenStopsEscalation() {
    PipelineConfig p = pipeline(POLICY, SHADOW);
    AgreementLedger l = new AgreementLedger(n -> POLICY);
    AgreementGate g = gate(l);
    assertThat(g.escalates(p, "model-fast", "is_spam")).isTrue();
    assertThat(g.shadowShare(p, "model-fast")).isEqualTo(0.1);
    agree(l, 20, false);
    assertThat(g.escalates(p, "model-fast", "is_spam")).isFalse();
    assertThat(g.escalates(p, "model-fast", "is_fake")).as("never agreed").isTrue();
    assertThat(g.shadowShare(p, "model-fast")).isEqualTo(0.1);
    agree(l, 25, true);
    assertThat(g.escalates(p, "model-fast", "is_fake")).as("20 of 45 disagree").isTrue();
    agree(l, 25, true);
    assertThat(g.escalates(p, "model-fast", "is_fake")).as("the window now agrees").isFalse();
    assertThat(g.shadowShare(p, "model-fast")).isEqualTo(0.02);
    assertThat(g.escalates(p, "model-other", "is_spam")).as("another model is unproven").isTrue();
  }

  @Test
  @DisplayName("pins win over measurement; a field nothing compares, no shadow sampling, or the gate off: every flag escalates")
  void pinsAndUnmeasured() {
    AgreementLedger l = new AgreementLedger(n -> POLICY);
    agree(l, 20, true);
    AgreementPolicy pinned = POLICY.withPins(Map.of("is_abusive", AgreementPolicy.Pin.ALWAYS,
        "is_fake", AgreementPolicy.Pin.NEVER));
    PipelineConfig p = pipeline(pinned, SHADOW);
    AgreementGate g = gate(l);
    assertThat(g.escalates(p, "model-fast", "is_abusive")).isTrue();
    assertThat(g.escalates(p, "model-fast", "is_fake")).isFalse();
    assertThat(g.escalates(p, "model-fast", "is_spam")).isFalse();
    assertThat(g.escalates(pipeline(POLICY, new ShadowConfig(0.02, "deep", List.of("is_fake"), 0.1)), "model-fast",
        "is_spam")).as("is_spam not compared").isTrue();
    assertThat(g.escalates(pipeline(POLICY, ShadowConfig.OFF), "model-fast", "is_spam")).isTrue();
    assertThat(g.escalates(pipeline(AgreementPolicy.OFF, SHADOW), "model-fast", "is_spam")).isTrue();
    JsonObject fields = g.describe(List.of(p)).getJsonObject("review-moderator")
        .getJsonObject("model-fast_vs_model-deep").getJsonObject("fields");
    assertThat(fields.getJsonObject("is_abusive").getString("pinned")).isEqualTo("always");
    assertThat(fields.getJsonObject("is_spam").getBoolean("escalating")).isFalse();
    assertThat(fields.getJsonObject("is_spam").getBoolean("proven")).isTrue();
  }
}
