package com.reviewpipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Messages API {@code usage} object as the pipeline reads it. */
class UsageTest {

  @Test
  @DisplayName("fromJson reads the four documented token counts")
  void readsTheFourCounts() {
    Usage u = Usage.fromJson(new JsonObject()
        .put("input_tokens", 1_200).put("output_tokens", 345)
        .put("cache_creation_input_tokens", 2_048).put("cache_read_input_tokens", 4_096)
        .put("service_tier", "standard"));
    assertThat(u).isEqualTo(new Usage(1_200, 345, 2_048, 4_096));
  }

  @Test
  @DisplayName("fromJson takes counts beyond int range and whole-valued numbers of any JSON type")
  void readsLongsAndDoubles() {
    Usage u = Usage.fromJson(new JsonObject().put("input_tokens", 5_000_000_000L).put("output_tokens", 12.0));
    assertThat(u.inputTokens()).isEqualTo(5_000_000_000L);
    assertThat(u.outputTokens()).isEqualTo(12);
  }

  @Test
  @DisplayName("absent, null or non-numeric counts read as 0; a missing usage object is all zeros")
  void missingCountsAreZero() {
    Usage u = Usage.fromJson(new JsonObject().put("input_tokens", 10).putNull("output_tokens")
        .put("cache_read_input_tokens", "7"));
    assertThat(u).isEqualTo(new Usage(10, 0, 0, 0));
    assertThat(Usage.fromJson(null)).isEqualTo(new Usage(0, 0, 0, 0)).isSameAs(Usage.ZERO);
  }

  @Test
  @DisplayName("totalInputTokens counts uncached, cache-write and cache-read input, never output")
  void totalInputTokens() {
    assertThat(new Usage(100, 50_000, 20, 3).totalInputTokens()).isEqualTo(123);
  }
}
