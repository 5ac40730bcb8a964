package com.reviewpipeline.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
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

  @Test
  @DisplayName("a hand-over that found no receiver is sent again after its sender was undeployed (undeploying cancels the timers a verticle set)")
  void aHandOverOutlivesItsSender() {
    Vertx vertx = Vertx.vertx();
    try {
      List<String> received = new CopyOnWriteArrayList<>();
      // no receiver yet: the request fails at once and its resend waits RETRY_DELAY_MS, while the sender goes
      long sentAgain = Handoff.SENT_AGAIN.get();
      String sender = vertx.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          Handoff.send(vertx, "handoff-late", "batch");
          return Future.succeededFuture();
        }
      }).await();
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> Handoff.SENT_AGAIN.get() > sentAgain);
      vertx.undeploy(sender).await();
      vertx.eventBus().<String>localConsumer("handoff-late", Handoff.receiver(received::add)).completion().await();
      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
      assertThat(received).containsExactly("batch");
      assertThat(Handoff.context(vertx).isEventLoopContext()).isTrue();
      assertThat(Handoff.context(vertx)).as("one context per Vert.x instance").isSameAs(Handoff.context(vertx));
    } finally {
      vertx.close().await();
    }
  }
}
