package com.reviewpipeline.claude.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.model.Usage;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CostCalculatorTest {

  @Test
  @DisplayName("cost from usage with the list prices in conf/: input, output, cache write 1.25x and cache read 0.1x of input")
  void costFromUsageWithConfiguredPrices() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig config = TestConfig.load(vertx, new JsonObject());
      CostCalculator costs = new CostCalculator(config.models());
      Usage u = new Usage(1_000_000, 1_000_000, 1_000_000, 1_000_000);
      assertThat(costs.cost("claude-haiku-4-5", u)).isCloseTo(1.00 + 5.00 + 1.25 + 0.10, within(1e-9));
      assertThat(costs.cost("claude-sonnet-4-6", u)).isCloseTo(3.00 + 15.00 + 3.75 + 0.30, within(1e-9));
      assertThat(costs.cost("claude-opus-4-6", u)).isCloseTo(5.00 + 25.00 + 6.25 + 0.50, within(1e-9));
      // current generation (list prices, late 2026): Haiku 5.5 0.10/0.50, Sonnet 5.5 2/10, Opus 5.5 4/20
      assertThat(costs.cost("claude-haiku-5-5", u)).isCloseTo(0.10 + 0.50 + 0.125 + 0.01, within(1e-9));
      assertThat(costs.cost("claude-sonnet-5-5", u)).isCloseTo(2.00 + 10.00 + 2.50 + 0.10, within(1e-9));
      assertThat(costs.cost("claude-opus-5-5", u)).isCloseTo(4.00 + 20.00 + 5.00 + 0.20, within(1e-9));
      assertThat(costs.cost("claude-haiku-4-5-20251001", u)).as("a dated id matches the prefix profile")
          .isCloseTo(1.00 + 5.00 + 1.25 + 0.10, within(1e-9));
      // a typical 20-review Sonnet batch: 2,000 in, 600 out
      assertThat(costs.cost("claude-sonnet-4-6", new Usage(2000, 600, 0, 0))).isCloseTo(0.006 + 0.009, within(1e-12));
    } finally {
      vertx.close();
    }
  }
}
