package com.reviewpipeline.buffer;

import com.reviewpipeline.claude.TokenCalibration;
import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class BatchBufferVerticleTest {

  @Test
  @DisplayName("a single event is emitted as a batch by the real timer after max_wait")
  void singleEventFlushedByRealTimer(Vertx vertx, VertxTestContext ctx) throws Exception {
    AppConfig config = TestConfig.load(vertx, new JsonObject());
    PipelineApp.registerCodecs(vertx);
    long maxWait = config.pipelines().get(0).buffer().maxWaitMs();
    long[] sentAt = new long[1];
    vertx.eventBus().<Batch>localConsumer(Addresses.BATCH_READY, msg -> ctx.verify(() -> {
      long waited = System.currentTimeMillis() - sentAt[0];
      assertThat(msg.body().trigger()).isEqualTo(FlushTrigger.TIME);
      assertThat(msg.body().events()).hasSize(1);
      assertThat(waited).isGreaterThanOrEqualTo(maxWait - 5);
      ctx.completeNow();
    }));
    vertx.deployVerticle(new BatchBufferVerticle(config, com.reviewpipeline.support.Telemetries.fresh(), new TokenCalibration(50), new Coalescer()))
        .onComplete(ctx.succeeding(id -> {
          sentAt[0] = System.currentTimeMillis();
          vertx.eventBus().send(Addresses.events(config.pipelines().get(0).name()), SmartBufferTest.event("solo"));
        }));
    assertThat(ctx.awaitCompletion(maxWait + 10_000, TimeUnit.MILLISECONDS)).isTrue();
  }
}
