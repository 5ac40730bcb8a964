package com.reviewpipeline.claude.resilience;

import static com.reviewpipeline.claude.resilience.ErrorTriage.Action.FAIL_TOO_LARGE;
import static com.reviewpipeline.claude.resilience.ErrorTriage.Action.HOLD_NO_KEY;
import static com.reviewpipeline.claude.resilience.ErrorTriage.Action.HOLD_SPEND_LIMIT;
import static com.reviewpipeline.claude.resilience.ErrorTriage.Action.OTHER_KEY;
import static com.reviewpipeline.claude.resilience.ErrorTriage.Action.PIPELINE_FAILURE;
import static com.reviewpipeline.claude.resilience.ErrorTriage.Action.RETRY_RULE;
import static com.reviewpipeline.claude.resilience.ErrorTriage.Action.SPLIT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorTriageTest {

  @Test
  @DisplayName("a 429 with the spend-limit code holds everything; a plain 429 follows the retry rule")
  void spendLimit() {
    assertThat(ErrorTriage.of(429, "enforced_spend_limit_reached", 2, 20)).isEqualTo(HOLD_SPEND_LIMIT);
    assertThat(ErrorTriage.of(429, null, 2, 20)).isEqualTo(RETRY_RULE);
    assertThat(ErrorTriage.of(429, "rate_limit_error", 2, 20)).isEqualTo(RETRY_RULE);
  }

  @Test
  @DisplayName("a 401 tries another key while one is usable, then holds")
  void rejectedKey() {
    assertThat(ErrorTriage.of(401, null, 1, 20)).isEqualTo(OTHER_KEY);
    assertThat(ErrorTriage.of(401, null, 0, 20)).isEqualTo(HOLD_NO_KEY);
  }

  @Test
  @DisplayName("a 413 halves a batch; a lone review too large fails alone")
  void tooLarge() {
    assertThat(ErrorTriage.of(413, null, 1, 2)).isEqualTo(SPLIT);
    assertThat(ErrorTriage.of(413, null, 1, 1)).isEqualTo(FAIL_TOO_LARGE);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 402, 403, 404})
  @DisplayName("400, 402, 403 and 404 count towards the pipeline's circuit")
  void pipelineLevel(int status) {
    assertThat(ErrorTriage.of(status, null, 1, 20)).isEqualTo(PIPELINE_FAILURE);
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 409, 500, 502, 503, 529})
  @DisplayName("timeouts, conflicts, server errors and overload follow the retry rule")
  void retryRule(int status) {
    assertThat(ErrorTriage.of(status, null, 1, 20)).isEqualTo(RETRY_RULE);
  }
}
