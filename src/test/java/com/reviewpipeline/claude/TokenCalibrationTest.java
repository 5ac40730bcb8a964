package com.reviewpipeline.claude;

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
      double error = c.record("m", raw, used, actual);
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
