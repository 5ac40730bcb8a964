package com.reviewpipeline.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HandoffTest {

  @Test
  @DisplayName("a hand-over received twice under one id (sent again after its acknowledgement was lost) is acknowledged both times and passed on once; other hand-overs pass")
  void aCopyUnderTheSameIdIsPassedOnOnce() {
    Vertx vertx = Vertx.vertx();
    try {
      List<String> received = new CopyOnWriteArrayList<>();
      vertx.eventBus().<String>localConsumer("handoff-test", Handoff.receiver(received::add));
      DeliveryOptions sameId = new DeliveryOptions().addHeader(Handoff.ID_HEADER, "test-" + UUID.randomUUID());
      vertx.eventBus().request("handoff-test", "batch", sameId).await();
      vertx.eventBus().request("handoff-test", "batch", sameId).await();
      Handoff.send(vertx, "handoff-test", "another");
      vertx.eventBus().request("handoff-test", "plain").await();
      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
      assertThat(received).containsExactlyInAnyOrder("batch", "another", "plain");
    } finally {
      vertx.close().await();
    }
  }
}
