package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.budget.BudgetVerticle;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Membership;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.Telemetries;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The budget's spend is the cluster's: two Hazelcast-clustered Vert.x in this JVM, each with its budget verticle,
 * book spend on both; each reads the sum, and only the oldest member pauses the pipeline (once) and resumes it when a
 * budget is raised through the other.
 */
@IntegrationTest
class BudgetClusterTest {

  static final String MOD = "review-moderator";

  static double spend(Vertx node) {
    JsonObject budgets = node.eventBus().<JsonObject>request(Addresses.BUDGETS, new JsonObject().put("op", "get"))
        .await().body();
    return budgets.getJsonArray("budgets").stream().map(JsonObject.class::cast)
        .filter(b -> b.getString("scope").equals(MOD)).findFirst().orElseThrow().getDouble("spend_today_usd");
  }

  static void spent(Vertx node, double usd) {
    node.eventBus().send(Addresses.SPEND, new JsonObject().put("pipeline", MOD).put("usd", usd));
  }

  @Test
  @DisplayName("spend booked on two nodes is summed on both; the budget reached pauses the pipeline once, from the oldest member; raised through the other node, it resumes")
  void spendSummedOverTheCluster() throws Exception {
    int portA = SharedVerdictsClusterTest.freePort();
    int portB = SharedVerdictsClusterTest.freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    String cluster = "budget-" + portA;
    SharedVerdictsClusterTest.Member memberA = SharedVerdictsClusterTest.member(cluster, portA, members);
    Vertx a = memberA.vertx().await();
    SharedVerdictsClusterTest.Member memberB = SharedVerdictsClusterTest.member(cluster, portB, members);
    Vertx b = memberB.vertx().await();
    try {
      AppConfig base = TestConfig.load(a, new JsonObject());
      AppConfig config = base.withBudget(base.budget().withPipeline(MOD, 0.05, "pause").withCheckIntervalMs(100));
      List<JsonObject> controls = new CopyOnWriteArrayList<>();
      b.eventBus().<JsonObject>consumer(Addresses.CONTROL, m -> controls.add(m.body())).completion().await();
      a.deployVerticle(new BudgetVerticle(config, Telemetries.fresh(), Membership.of(memberA.manager()))).await();
      b.deployVerticle(new BudgetVerticle(config, Telemetries.fresh(), Membership.of(memberB.manager()))).await();
      assertThat(Membership.of(memberA.manager()).oldest()).isTrue();
      assertThat(Membership.of(memberB.manager()).oldest()).isFalse();

      spent(a, 0.01);
      spent(b, 0.015);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(spend(a)).isCloseTo(0.025, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(spend(b)).isCloseTo(0.025, org.assertj.core.data.Offset.offset(1e-9));
      });
      assertThat(controls).as("half the budget: no action").isEmpty();

      spent(b, 0.03);
      await().atMost(Duration.ofSeconds(10)).until(() -> !controls.isEmpty());
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> controls.size() == 1);
      assertThat(controls.get(0).getString("action")).isEqualTo("pause");
      assertThat(controls.get(0).getString("reason")).isEqualTo("budget");
      assertThat(controls.get(0).getString("pipeline")).isEqualTo(MOD);
      assertThat(b.sharedData().<String, JsonObject>getAsyncMap(Addresses.BUDGET_PAUSES).await().get(MOD).await())
          .as("kept for ingest instances that start later, on any node").isNotNull();

      JsonObject raised = b.eventBus().<JsonObject>request(Addresses.BUDGETS, new JsonObject().put("op", "set")
          .put("scope", MOD).put("daily_usd", 1.0)).await().body();
      assertThat(raised.getJsonArray("budgets").getJsonObject(1).getDouble("daily_usd")).isEqualTo(1.0);
      await().atMost(Duration.ofSeconds(10)).until(() -> controls.stream()
          .anyMatch(c -> "resume".equals(c.getString("action")) && "budget".equals(c.getString("reason"))));
      await().atMost(Duration.ofSeconds(5)).until(() -> b.sharedData().<String, JsonObject>getAsyncMap(
          Addresses.BUDGET_PAUSES).await().get(MOD).await() == null);
    } finally {
      b.close().await();
      a.close().await();
    }
  }
}
