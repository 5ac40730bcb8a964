package com.reviewpipeline.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.config.AgreementPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The learned state of the agreement gate, folded from comparisons as every node folds the agreement topic. */
class AgreementLedgerTest {

  static final AgreementPolicy POLICY = new AgreementPolicy(true, 100, 0.95, 200, 0.01, Map.of());
  static final String HAIKU = "claude-haiku-5-5";
  static final String OPUS = "claude-opus-5-5";

  int next;
  final List<AgreementLedger.Change> changes = new ArrayList<>();

  AgreementLedger ledger() {
    return new AgreementLedger(name -> "review-moderator".equals(name) ? POLICY : null);
  }

  /** {@code n} comparisons at time {@code next}; the fake field agrees unless {@code fakeMissEvery} says. */
  void compare(AgreementLedger l, int n, int fakeMissEvery, String firstModel) {
    for (int i = 0; i < n; i++) {
      next++;
      boolean fake = fakeMissEvery == 0 || next % fakeMissEvery != 0;
      changes.addAll(l.apply(new AgreementRecord("review-moderator", "e" + next, "fast", firstModel, OPUS, next,
          Map.of("is_spam", true, "is_fake", fake))));
    }
  }

  @Test
  @DisplayName("a field is unproven until min_samples comparisons, proven after when they agree; one that disagrees one in ten stays unproven and alerts once, at min_samples")
  void provenAfterMinSamples() {
    AgreementLedger l = ledger();
    compare(l, 99, 10, HAIKU);
    assertThat(l.state("review-moderator", HAIKU, OPUS, "is_spam").proven()).as("99 < min_samples").isFalse();
    assertThat(changes).isEmpty();
    compare(l, 1, 10, HAIKU);
    AgreementLedger.FieldState spam = l.state("review-moderator", HAIKU, OPUS, "is_spam");
    assertThat(spam.proven()).isTrue();
    assertThat(spam.samples()).isEqualTo(100);
    assertThat(spam.sinceMs()).isEqualTo(100);
    AgreementLedger.FieldState fake = l.state("review-moderator", HAIKU, OPUS, "is_fake");
    assertThat(fake.proven()).isFalse();
    assertThat(fake.agreement()).isEqualTo(0.9);
    assertThat(changes).singleElement().satisfies(c -> {
      assertThat(c.field()).isEqualTo("is_fake");
      assertThat(c.state().alerting()).isTrue();
    });
    compare(l, 50, 10, HAIKU);
    assertThat(changes).as("still below target: no second alert").hasSize(1);
  }

  @Test
  @DisplayName("drift: a proven field whose recent comparisons disagree becomes unproven within the window (one change), and proven again when they agree (one change)")
  void driftAndRecovery() {
    AgreementLedger l = ledger();
    compare(l, 200, 0, HAIKU);
    assertThat(l.state("review-moderator", HAIKU, OPUS, "is_fake").proven()).isTrue();
    compare(l, 60, 4, HAIKU);
    assertThat(l.state("review-moderator", HAIKU, OPUS, "is_fake").proven()).isFalse();
    assertThat(l.state("review-moderator", HAIKU, OPUS, "is_spam").proven()).isTrue();
    assertThat(changes).singleElement().satisfies(c -> assertThat(c.state().alerting()).isTrue());
    compare(l, 200, 0, HAIKU);
    assertThat(l.state("review-moderator", HAIKU, OPUS, "is_fake").proven()).isTrue();
    assertThat(changes).hasSize(2);
    assertThat(changes.get(1).state().alerting()).isFalse();
  }

  @Test
  @DisplayName("hysteresis: a bound hovering just around the target neither unproves a proven field nor alerts")
  void hysteresis() {
    AgreementLedger l = ledger();
    compare(l, 200, 0, HAIKU);
    // one disagreement in 40 keeps the bound of the 200-comparison window between 0.94 and 0.95
    compare(l, 400, 40, HAIKU);
    AgreementLedger.FieldState fake = l.state("review-moderator", HAIKU, OPUS, "is_fake");
    assertThat(fake.lowerBound()).isLessThan(0.95).isGreaterThanOrEqualTo(0.94);
    assertThat(fake.proven()).isTrue();
    assertThat(changes).isEmpty();
  }

  @Test
  @DisplayName("a comparison of the same (pipeline, event) counts once; another model behind the tier starts unproven")
  void repeatsAndModels() {
    AgreementLedger l = ledger();
    AgreementRecord r = new AgreementRecord("review-moderator", "same", "fast", HAIKU, OPUS, 1, Map.of("is_spam", false));
    l.apply(r);
    l.apply(r);
    assertThat(l.state("review-moderator", HAIKU, OPUS, "is_spam").samples()).isEqualTo(1);
    compare(l, 200, 0, HAIKU);
    assertThat(l.state("review-moderator", HAIKU, OPUS, "is_spam").proven()).isTrue();
    assertThat(l.state("review-moderator", "claude-haiku-6", OPUS, "is_spam").proven()).isFalse();
    assertThat(l.describe().getJsonObject("review-moderator").getJsonObject(HAIKU + "_vs_" + OPUS)
        .getJsonObject("fields").getJsonObject("is_spam").getLong("samples")).isEqualTo(200);
  }
}
