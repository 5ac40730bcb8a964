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

/** {@code message_batches.*} through the configuration loader, as an operator's file or {@code --set} gives it. */
class MessageBatchSettingsTest {

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("shipped: no pipeline deferred; --set puts one in always or backlog mode, the entry's defaults filling in")
  void shippedAndSet() throws Exception {
    MessageBatchSettings shipped = ConfigLoaderTest.load(vertx, new JsonObject(), List.of()).messageBatches();
    assertThat(shipped.pipelines()).isEmpty();
    assertThat(shipped.mode("review-moderator")).isEqualTo("off");
    assertThat(shipped.topic()).isEqualTo("review-message-batches");
    MessageBatchSettings set = ConfigLoaderTest.load(vertx, new JsonObject(), List.of(
        "message_batches.pipelines.review-moderator.mode=always",
        "message_batches.pipelines.review-analyzer.mode=backlog", "message_batches.collect_ms=500")).messageBatches();
    assertThat(set.mode("review-moderator")).isEqualTo("always");
    assertThat(set.mode("review-analyzer")).isEqualTo("backlog");
    assertThat(set.backlogLag("review-analyzer")).as("the entry default").isEqualTo(20_000L);
    assertThat(set.collectMs()).isEqualTo(500);
  }

  @Test
  @DisplayName("refused at start naming the key: an unknown mode, an unknown entry key, a pipeline that does not exist, max_requests above the API's 100,000")
  void refused() {
    refused("message_batches.pipelines.review-moderator.mode=sometimes", "message_batches.pipelines.review-moderator.mode");
    refused("message_batches.pipelines.review-moderator.modes=always",
        "unknown configuration key 'message_batches.pipelines.review-moderator.modes'");
    refused("message_batches.pipelines.review-moderatr.mode=always", "message_batches.pipelines.review-moderatr: no such pipeline");
    refused("message_batches.max_requests=100001", "message_batches.max_requests must be within 1..100000");
    refused("message_batches.poll_interval_ms=1", "message_batches.poll_interval_ms must be at least 10");
  }

  private void refused(String set, String message) {
    assertThatThrownBy(() -> ConfigLoaderTest.load(vertx, new JsonObject(), List.of(set)))
        .extracting(ConfigLoaderTest::cause).asInstanceOf(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
