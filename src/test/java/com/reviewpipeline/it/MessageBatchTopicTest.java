package com.reviewpipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.reviewpipeline.app.Topics;
import com.reviewpipeline.claude.batches.MessageBatchLedger;
import com.reviewpipeline.claude.batches.MessageBatchStore;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.support.IntegrationTest;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.support.TestStack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The compacted topic of submitted Message Batches on a real broker, as two nodes of a cluster use it. */
@IntegrationTest(beside = true)
class MessageBatchTopicTest {

  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("a node's store follows, from where its load stopped, the batches another node puts and removes; a "
      + "store loading afterwards finds only those not removed")
  void storeFollowsAnotherNodesWrites() throws Exception {
    String topic = "message-batches-" + UUID.randomUUID().toString().substring(0, 8);
    AppConfig config = TestConfig.load(vertx, new JsonObject().put("kafka",
        new JsonObject().put("bootstrap_servers", TestStack.kafkaBootstrap())));
    Topics.ensure(config.kafka(), topic);
    MessageBatchStore first = MessageBatchStore.topic(vertx, config.kafka(), topic);
    MessageBatchStore second = MessageBatchStore.topic(vertx, config.kafka(), topic);
    MessageBatchLedger.Submitted before = batch("msgbatch_before");
    first.put(before).await();

    assertThat(vertx.executeBlocking(second::load).await()).extracting(MessageBatchLedger.Submitted::id)
        .containsExactly("msgbatch_before");
    List<String> seen = new CopyOnWriteArrayList<>();
    second.follow(vertx, (id, b) -> seen.add(id + (b == null ? " removed" : " put " + b.events()))).await();
    first.put(batch("msgbatch_during")).await();
    first.remove("msgbatch_before").await();
    await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 2);
    assertThat(seen).as("only what came after the load, in order").containsExactly("msgbatch_during put 2",
        "msgbatch_before removed");

    MessageBatchStore third = MessageBatchStore.topic(vertx, config.kafka(), topic);
    assertThat(vertx.executeBlocking(third::load).await()).extracting(MessageBatchLedger.Submitted::id)
        .containsExactly("msgbatch_during");
    for (MessageBatchStore s : List.of(first, second, third)) {
      s.close().await();
    }
  }

  static MessageBatchLedger.Submitted batch(String id) {
    return new MessageBatchLedger.Submitted(id, System.currentTimeMillis(), List.of(new MessageBatchLedger.Request(
        "b-" + id, "review-moderator", "fast", "claude-haiku-5-5", List.of("e1", "e2"), 500, 60, 560)));
  }
}
