package com.reviewpipeline.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenCalibrationTest {

  @Test
  @DisplayName("a tokenizer counting 30% more than the estimate: after 20 responses the median error is under 10%")
  void calibratesToAnotherTokenizer() {
    TokenCalibration c = new TokenCalibration(50);
    Random random = new Random(7);
    assertThat(c.factor("m")).isEqualTo(1.0);
    for (int i = 0; i < 40; i++) {
      long raw = 2000 + random.nextInt(3000);
      long actual = Math.round(raw * (1.3 + (random.nextDouble() - 0.5) * 0.1));
      long used = (long) Math.ceil(raw * c.factor("m"));
      // no fixed part: the fit's intercept is near zero, so the median ratio and the fit agree
      double error = c.record("m", "p", 1, raw - 1, used, actual);
      if (i == 0) {
        assertThat(error).as("the first estimate knows nothing yet").isLessThan(-0.2);
      }
    }
    JsonObject m = c.describe().getJsonObject("m");
    assertThat(m.getDouble("factor")).isBetween(1.25, 1.35);
    assertThat(m.getDouble("median_abs_relative_error")).isLessThan(0.10);
    assertThat(m.getLong("samples")).isEqualTo(40L);
    assertThat(c.factor("other")).as("per model").isEqualTo(1.0);
  }

  @Test
  @DisplayName("a fixed part that tokenizes apart from the reviews, single reviews and full batches of two pipelines: the fit learns both and every estimate is within 3%, where one ratio is 15% off")
  void separatesTheFixedPartFromTheReviews() {
    TokenCalibration c = new TokenCalibration(50);
    Random random = new Random(11);
    // billed: the moderator's fixed part at 0.7 of its raw estimate, the analyzer's at 0.8, reviews at 1.1
    java.util.Map<String, Double> fixedRatio = java.util.Map.of("moderator", 0.7, "analyzer", 0.8);
    java.util.Map<String, Integer> fixedRaw = java.util.Map.of("moderator", 700, "analyzer", 900);
    double worstLate = 0;
    double worstOneRatio = 0;
    for (int i = 0; i < 200; i++) {
      String p = random.nextBoolean() ? "moderator" : "analyzer";
      int size = random.nextInt(3) == 0 ? 1 : 20;
      long items = 0;
      for (int k = 0; k < size; k++) {
        items += 30 + random.nextInt(40);
      }
      long fixed = fixedRaw.get(p);
      long actual = Math.round(fixed * fixedRatio.get(p) + items * 1.1 * (1 + (random.nextDouble() - 0.5) * 0.04));
      long used = (long) Math.ceil(fixed * c.fixedFactor("m", p) + items * c.factor("m"));
      double error = c.record("m", p, fixed, items, used, actual);
      if (i >= 50) {
        worstLate = Math.max(worstLate, Math.abs(error));
        double oneRatio = (fixed + items) * 0.95; // the median ratio over this mix
        worstOneRatio = Math.max(worstOneRatio, Math.abs(oneRatio - actual) / actual);
      }
    }
    assertThat(worstLate).isLessThan(0.03);
    assertThat(worstOneRatio).as("why one ratio is not enough").isGreaterThan(0.15);
    assertThat(c.factor("m")).isBetween(1.07, 1.13);
    assertThat(c.fixedFactor("m", "moderator")).isBetween(0.65, 0.75);
    assertThat(c.fixedFactor("m", "analyzer")).isBetween(0.75, 0.85);
    assertThat(c.describe().getJsonObject("m").getJsonObject("fixed_factor").fieldNames())
        .containsExactlyInAnyOrder("moderator", "analyzer");
  }

  @Test
  @DisplayName("requests all of one size cannot separate the fixed part: the median ratio serves both")
  void oneSizeFallsBackToTheRatio() {
    TokenCalibration c = new TokenCalibration(50);
    for (int i = 0; i < 10; i++) {
      c.record("m", "p", 500, 1500, 2000, 2600);
    }
    assertThat(c.factor("m")).isEqualTo(1.3);
    assertThat(c.fixedFactor("m", "p")).isEqualTo(1.3);
    assertThat(c.describe().getJsonObject("m").getJsonObject("fixed_factor").isEmpty()).isTrue();
  }

  @Test
  @DisplayName("answers without thinking teach the answer's token density per tokenizer, apart from the input factor")
  void answerDensity() {
    TokenCalibration c = new TokenCalibration(5);
    assertThat(c.answerFactor("2.7")).isEqualTo(1.0);
    c.recordAnswer("2.7", 100, 180);
    c.recordAnswer("2.7", 200, 360);
    c.recordAnswer("2.7", 100, 175);
    assertThat(c.answerFactor("2.7")).isEqualTo(1.8);
    assertThat(c.answerFactor("3.5")).isEqualTo(1.0);
    assertThat(c.factor("2.7")).as("not an input calibration").isEqualTo(1.0);
    assertThat(c.describe().fieldNames()).isEmpty();
  }
}
