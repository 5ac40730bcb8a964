package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulator's lite judge (models marked judge: lite) against the full one. */
class LiteJudgeTest {

  static final JsonObject SCHEMA = CompactVerdicts.DOCUMENTED;
  final VerdictHeuristic h = new VerdictHeuristic();

  @Test
  @DisplayName("api-models.json marks the Haiku models lite and the others full")
  void whichModels() {
    ApiModels models = ApiModels.standard();
    assertThat(models.find("claude-haiku-5-5").orElseThrow().liteJudge()).isTrue();
    assertThat(models.find("claude-sonnet-5-5").orElseThrow().liteJudge()).isFalse();
    assertThat(models.find("claude-opus-5-5").orElseThrow().liteJudge()).isFalse();
  }

  @Test
  @DisplayName("the lite judge misses calm template praise and words against the rating, at full confidence; spam, abuse and shouting fakes it calls as the full judge does")
  void missesWhatIsSubtle() {
    JsonObject calm = h.judge("1", "Perfect product. Highly recommend. Five stars.", 5, SCHEMA, true);
    assertThat(calm.getBoolean("is_fake")).isFalse();
    assertThat(calm.getDouble("confidence")).isEqualTo(0.91);
    assertThat(h.judge("1", "Perfect product. Highly recommend. Five stars.", 5, SCHEMA, false).getBoolean("is_fake")).isTrue();
    assertThat(h.judge("2", "Best product ever!!! Five stars!!!", 5, SCHEMA, true).getBoolean("is_fake")).isTrue();

    String against = "Terrible, broke, awful, a waste. But the colour is nice.";
    assertThat(h.judge("3", against, 4, SCHEMA, false).getString("sentiment")).isEqualTo("neutral");
    assertThat(h.judge("3", against, 4, SCHEMA, true).getString("sentiment")).isEqualTo("positive");

    String spam = "Cheap at http://x.example use promo code SAVE";
    assertThat(h.judge("4", spam, 5, SCHEMA, true)).isEqualTo(h.judge("4", spam, 5, SCHEMA, false));
    String abuse = "Only an idiot would buy this.";
    assertThat(h.judge("5", abuse, 1, SCHEMA, true)).isEqualTo(h.judge("5", abuse, 1, SCHEMA, false));
    assertThat(h.judge("6", "It is okay.", 3, SCHEMA, true).getDouble("confidence")).isEqualTo(0.62);
  }
}
