package com.reviewpipeline.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cascade's bookkeeping: escalation share and shadow agreement per pair and field, in stats and meters. */
class CascadeStatsTest {

  @Test
  @DisplayName("agreement per pair and field: counts, share, samples; escalations by reason and share of first verdicts")
  void agreementAndEscalations() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Telemetry t = new Telemetry(registry);
    t.cascadeFirstVerdicts("p", 10);
    t.escalated("p", "fast", "balanced", "flagged");
    t.escalated("p", "fast", "balanced", "low_confidence");
    t.escalated("p", "fast", "balanced", "flagged");
    for (int i = 0; i < 4; i++) {
      t.shadowSampled("p");
    }
    t.shadowCompared("p", "fast_vs_deep", Map.of("is_fake", true, "sentiment", true));
    t.shadowCompared("p", "fast_vs_deep", Map.of("is_fake", false, "sentiment", true));
    t.shadowCompared("p", "balanced_vs_deep", Map.of("is_fake", true, "sentiment", false));
    t.shadowFailed("p", "refusal");

    JsonObject p = t.stats().getJsonObject("cascade").getJsonObject("p");
    assertThat(p.getLong("first_verdicts")).isEqualTo(10);
    assertThat(p.getLong("escalated")).isEqualTo(3);
    assertThat(p.getDouble("escalation_share")).isEqualTo(0.3);
    assertThat(p.getJsonObject("escalated_by_reason").getMap()).containsEntry("flagged", 2L).containsEntry("low_confidence", 1L);
    JsonObject shadow = p.getJsonObject("shadow");
    assertThat(shadow.getLong("sampled")).isEqualTo(4);
    assertThat(shadow.getLong("failed")).isEqualTo(1);
    JsonObject fast = shadow.getJsonObject("pairs").getJsonObject("fast_vs_deep");
    assertThat(fast.getLong("samples")).isEqualTo(2);
    assertThat(fast.getJsonObject("fields").getJsonObject("is_fake").getDouble("agreement")).isEqualTo(0.5);
    assertThat(fast.getJsonObject("fields").getJsonObject("sentiment").getMap())
        .containsEntry("agree", 2L).containsEntry("disagree", 0L).containsEntry("agreement", 1.0);
    assertThat(shadow.getJsonObject("pairs").getJsonObject("balanced_vs_deep").getJsonObject("fields")
        .getJsonObject("sentiment").getDouble("agreement")).isEqualTo(0.0);
    assertThat(t.shadowCounts("p")).containsExactly(4, 3, 1);

    assertThat(registry.find("review_shadow_agreement_total")
        .tags("pipeline", "p", "pair", "fast_vs_deep", "field", "is_fake", "agree", "false").counter().count()).isEqualTo(1.0);
    assertThat(registry.find("review_escalations_total").tags("reason", "flagged").counter().count()).isEqualTo(2.0);
  }

  @Test
  @DisplayName("no cascade and no shadow: the cascade section is empty")
  void nothing() {
    assertThat(new Telemetry(new SimpleMeterRegistry()).stats().getJsonObject("cascade")).isEmpty();
  }
}
