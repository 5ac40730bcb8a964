package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The escalation decision of a cascade, and the configuration it is read from. */
class CascadeConfigTest {

  static final Set<String> TIERS = Set.of("fast", "balanced", "deep");
  static final List<String> FIELDS = List.of("is_spam", "is_abusive", "is_fake", "sentiment", "confidence", "reason");

  static ReviewEvent review(String text, int rating) {
    return new ReviewEvent("e1", "p", "u", text, rating, "2026-01-01T00:00:00Z", "web");
  }

  static JsonObject verdict(boolean spam, String sentiment, double confidence) {
    return new JsonObject().put("is_spam", spam).put("is_abusive", false).put("is_fake", false)
        .put("sentiment", sentiment).put("confidence", confidence);
  }

  static CascadeConfig cascade(JsonArray rules) {
    JsonObject j = PipelineConfig.ENTRY_DEFAULTS.getJsonObject("cascade").copy().put("enabled", true);
    j.getJsonObject("escalate_when").put("rules", rules);
    return CascadeConfig.fromJson(j, TIERS, FIELDS, List.of("is_spam", "is_abusive", "is_fake"), "p");
  }

  @Test
  @DisplayName("a flagged first verdict escalates to escalate_to as 'flagged', however confident")
  void flaggedEscalates() {
    CascadeConfig c = cascade(new JsonArray());
    CascadeConfig.Escalation up = c.escalation("fast", review("buy at www.x.example", 5), verdict(true, "positive", 0.95), true);
    assertThat(up).isEqualTo(new CascadeConfig.Escalation("balanced", "flagged"));
  }

  @Test
  @DisplayName("a first verdict below confidence_below escalates as 'low_confidence'; at the threshold it stands")
  void lowConfidenceEscalates() {
    CascadeConfig c = cascade(new JsonArray());
    assertThat(c.escalation("fast", review("okay I guess", 3), verdict(false, "neutral", 0.62), false))
        .isEqualTo(new CascadeConfig.Escalation("balanced", "low_confidence"));
    assertThat(c.escalation("fast", review("okay I guess", 3), verdict(false, "neutral", 0.7), false)).isNull();
  }

  @Test
  @DisplayName("a confident, unflagged first verdict stands: no escalation")
  void clearVerdictStands() {
    assertThat(cascade(new JsonArray()).escalation("fast", review("Great kettle", 5), verdict(false, "positive", 0.91), false))
        .isNull();
  }

  @Test
  @DisplayName("rules match on event conditions and first-verdict values, first match wins, and may name their own tier")
  void rulesMatch() {
    CascadeConfig c = cascade(new JsonArray()
        .add(new JsonObject().put("tier", "deep").put("when", new JsonObject().put("min_chars", 20)
            .put("verdict", new JsonObject().put("sentiment", new JsonArray().add("negative").add("neutral")))))
        .add(new JsonObject().put("when", new JsonObject().put("ratings", new JsonArray().add(2)))));
    String longText = "The lid broke after a week of use.";
    assertThat(c.escalation("fast", review(longText, 1), verdict(false, "negative", 0.91), false))
        .isEqualTo(new CascadeConfig.Escalation("deep", "rule_1"));
    assertThat(c.escalation("fast", review(longText, 5), verdict(false, "positive", 0.91), false))
        .as("verdict condition fails").isNull();
    assertThat(c.escalation("fast", review("Meh.", 2), verdict(false, "negative", 0.91), false))
        .as("too short for rule 1; rule 2 without a tier goes to escalate_to")
        .isEqualTo(new CascadeConfig.Escalation("balanced", "rule_2"));
  }

  @Test
  @DisplayName("only verdicts from first_tier are checked: other tiers and a disabled cascade never escalate")
  void onlyTheFirstTier() {
    CascadeConfig c = cascade(new JsonArray());
    assertThat(c.escalation("balanced", review("x", 3), verdict(true, "neutral", 0.1), true)).isNull();
    assertThat(CascadeConfig.OFF.escalation("fast", review("x", 3), verdict(true, "neutral", 0.1), true)).isNull();
  }

  @Test
  @DisplayName("refused at start: an unknown tier, escalate_to equal to first_tier, a rule on an unknown verdict field")
  void invalidConfigurations() {
    JsonObject base = PipelineConfig.ENTRY_DEFAULTS.getJsonObject("cascade").copy().put("enabled", true);
    assertThatThrownBy(() -> CascadeConfig.fromJson(base.copy().put("escalate_to", "huge"), TIERS, FIELDS, List.of("is_spam"), "p"))
        .hasMessageContaining("escalate_to 'huge'");
    assertThatThrownBy(() -> CascadeConfig.fromJson(base.copy().put("escalate_to", "fast"), TIERS, FIELDS, List.of("is_spam"), "p"))
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> cascade(new JsonArray().add(new JsonObject().put("when",
        new JsonObject().put("verdict", new JsonObject().put("mood", "sad")))))).hasMessageContaining("'mood'");
  }

  @Test
  @DisplayName("shadow sampling is a pure function of the event id: the same ids in every run, about the configured share, never on the reference tier")
  void shadowSampling() {
    ShadowConfig s = new ShadowConfig(0.1, "deep", List.of("is_spam"));
    int sampled = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = "event-" + i;
      boolean once = s.sampled(id, "fast");
      assertThat(s.sampled(id, "fast")).isEqualTo(once);
      assertThat(s.sampled(id, "deep")).isFalse();
      sampled += once ? 1 : 0;
    }
    assertThat(sampled / 20_000.0).isBetween(0.09, 0.11);
    assertThat(ShadowConfig.position("event-1")).isEqualTo(ShadowConfig.position("event-1")).isBetween(0.0, 1.0);
    assertThat(ShadowConfig.OFF.sampled("event-1", "fast")).isFalse();
    assertThat(new ShadowConfig(1.0, "deep", List.of()).sampled("anything", "balanced")).isTrue();
  }
}
