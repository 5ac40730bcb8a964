package com.reviewpipeline.claude.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AccountHoldTest {

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("the first hold pauses every pipeline and alerts once; the first lift resumes once; later calls do nothing")
  void onceEach() {
    List<JsonObject> control = new CopyOnWriteArrayList<>();
    List<JsonObject> alerts = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.CONTROL, m -> control.add(m.body())).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.ALERTS, m -> alerts.add(m.body())).completion().await();
    AccountHold hold = new AccountHold(new PauseSignals(vertx.eventBus(), "node-a"));
    assertThat(hold.lift()).as("nothing to lift").isNull();
    assertThat(hold.hold("spend_limit", "limit reached")).isTrue();
    assertThat(hold.hold("spend_limit", "limit reached")).isFalse();
    assertThat(hold.hold("no_usable_api_key", "401")).as("one hold at a time").isFalse();
    assertThat(hold.reason()).isEqualTo("spend_limit");
    assertThat(hold.lift()).isEqualTo("spend_limit");
    assertThat(hold.lift()).isNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> control.size() >= 2 && alerts.size() >= 1);
    assertThat(control).extracting(c -> c.getString("action")).containsExactly("pause", "resume");
    assertThat(control).allSatisfy(c -> assertThat(c.getString("pipeline")).isEqualTo("*"));
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).getString("key")).as("named after the node that raised it").isEqualTo("spend_limit@node-a");
    assertThat(control).allSatisfy(c -> assertThat(c.getString("reason")).isEqualTo("spend_limit@node-a"));
  }
}
