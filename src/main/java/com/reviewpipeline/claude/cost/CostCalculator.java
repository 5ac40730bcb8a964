package com.reviewpipeline.claude.cost;

import com.reviewpipeline.config.ModelPrice;
import com.reviewpipeline.config.ModelProfiles;
import com.reviewpipeline.model.Usage;

/**
 * Turns a response's {@code usage} into USD with the model profile's prices. Thinking tokens are part of
 * {@code output_tokens} (the API bills them as output and reports no separate count), so they are priced once.
 */
public final class CostCalculator {

  private final ModelProfiles models;

  public CostCalculator(ModelProfiles models) {
    this.models = models;
  }

  public double cost(String model, Usage usage) {
    ModelPrice p = models.price(model);
    return (usage.inputTokens() * p.input()
        + usage.outputTokens() * p.output()
        + usage.cacheCreationInputTokens() * p.cacheWrite()
        + usage.cacheReadInputTokens() * p.cacheRead()) / 1_000_000.0;
  }

  /** The same usage answered through the Message Batches API: every token at the profile's batch share. */
  public double batchCost(String model, Usage usage) {
    return cost(model, usage) * models.price(model).batchDiscount();
  }
}
