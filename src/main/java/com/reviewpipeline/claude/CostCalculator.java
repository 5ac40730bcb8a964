package com.reviewpipeline.claude;

import com.reviewpipeline.config.ModelPrice;
import com.reviewpipeline.model.Usage;
import java.util.Map;

/** Turns a response's {@code usage} into USD with the configured per-model prices. */
public final class CostCalculator {

  private final Map<String, ModelPrice> pricing;

  public CostCalculator(Map<String, ModelPrice> pricing) {
    this.pricing = pricing;
  }

  public double cost(String model, Usage usage) {
    ModelPrice p = pricing.get(model);
    if (p == null) {
      throw new IllegalArgumentException("no price configured for model " + model);
    }
    return (usage.inputTokens() * p.input()
        + usage.outputTokens() * p.output()
        + usage.cacheCreationInputTokens() * p.cacheWrite()
        + usage.cacheReadInputTokens() * p.cacheRead()) / 1_000_000.0;
  }
}
