package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code budget.*}: the shipped defaults (no budget), per-pipeline budgets, and bad values refusing the start. */
class BudgetSettingsTest {

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("shipped: no budget, warning at 80%, pause; --set adds a pipeline budget with its own action")
  void shippedDefaultsAndOverrides() throws Exception {
    BudgetSettings shipped = ConfigLoaderTest.load(vertx, new JsonObject(), List.of()).budget();
    assertThat(shipped.dailyUsdTotal()).isZero();
    assertThat(shipped.warningShare()).isEqualTo(0.8);
    assertThat(shipped.action()).isEqualTo("pause");
    assertThat(shipped.pipelines()).isEmpty();
    AppConfig set = ConfigLoaderTest.load(vertx, new JsonObject(), List.of("budget.daily_usd_total=40",
        "budget.pipelines.review-moderator.daily_usd=25", "budget.pipelines.review-moderator.action=cheaper_tier"));
    assertThat(set.budget().dailyUsd("total")).isEqualTo(40.0);
    assertThat(set.budget().dailyUsd("review-moderator")).isEqualTo(25.0);
    assertThat(set.budget().action("review-moderator")).isEqualTo("cheaper_tier");
    assertThat(set.budget().action("review-analyzer")).as("no entry: the default action").isEqualTo("pause");
    assertThat(set.cheapestTier()).as("Haiku 5.5 has the lowest prices").isEqualTo("fast");
  }

  @Test
  @DisplayName("unknown actions, pipelines, keys and bad amounts refuse the start naming the key")
  void badValuesRefused() {
    refused("budget.action=stop", "budget.action must be pause, cheaper_tier or batches, got 'stop'");
    refused("budget.daily_usd_total=-1", "budget.daily_usd_total must be 0 (no budget) or a positive amount in USD");
    refused("budget.daily_usd_total=lots", "budget.daily_usd_total must be a number, got 'lots'");
    refused("budget.warning_share=1.5", "budget.warning_share must be a share between 0 and 1");
    refused("budget.pipelines.review-moderatr.daily_usd=5", "budget.pipelines.review-moderatr: no pipeline 'review-moderatr'");
    refused("budget.pipelines.review-moderator.dailyusd=5", "unknown configuration key 'budget.pipelines.review-moderator.dailyusd'");
    refused("budget.pipelines.review-moderator.action=pause", "budget.pipelines.review-moderator.daily_usd is required");
    refused("budget.daily_total=5", "unknown configuration key 'budget.daily_total'");
    refused("pipelines.1.name=total", "a pipeline may not be named 'total'");
  }

  private void refused(String set, String message) {
    refused(List.of(set), message);
  }

  private void refused(List<String> sets, String message) {
    assertThatThrownBy(() -> ConfigLoaderTest.load(vertx, new JsonObject(), sets))
        .extracting(ConfigLoaderTest::cause).asInstanceOf(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
