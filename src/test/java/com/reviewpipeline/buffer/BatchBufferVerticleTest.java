package com.reviewpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.ToBuffer;
import com.reviewpipeline.cache.CachedVerdict;
import com.reviewpipeline.cache.VerdictCache;
import com.reviewpipeline.cache.VerdictKeys;
import com.reviewpipeline.cache.VerdictLookup;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.support.Telemetries;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.telemetry.Telemetry;
import com.reviewpipeline.tokens.TokenCalibration;
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
          ToBuffer.send(vertx, config.pipelines().get(0).name(), java.util.List.of(SmartBufferTest.event("solo")));
        }));
    assertThat(ctx.awaitCompletion(maxWait + 10_000, TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  @DisplayName("an event the verdict cache knows goes to the publisher as a cached result, never into a batch; the same event marked rejudge is batched")
  void cachedEventsSkipTheBufferUnlessRejudged(Vertx vertx, VertxTestContext ctx) throws Exception {
    AppConfig config = TestConfig.load(vertx, new JsonObject());
    PipelineApp.registerCodecs(vertx);
    String pipeline = config.pipelines().get(0).name();
    ReviewEvent review = new ReviewEvent("known", "prod", "u", "Solid kettle.", 4, "2026-01-01T00:00:00Z", "web");
    VerdictCache cache = new VerdictCache(10, 60_000, System::currentTimeMillis);
    cache.put(VerdictKeys.of(pipeline, review), new CachedVerdict("judged-1", new JsonObject().put("is_spam", false)
        .put("is_abusive", false).put("is_fake", false).put("sentiment", "positive").put("confidence", 0.9)
        .put("reason", "").encode(), "claude-haiku-5-5", "fast", "b-1", 20, false, System.currentTimeMillis()));
    Telemetry telemetry = Telemetries.fresh();
    PipelineEvent plain = new PipelineEvent(pipeline, review, new SourceRef("t", 0, 1, "ack"), 0, 0);
    PipelineEvent rejudge = new PipelineEvent(pipeline, review, new SourceRef("t", 0, 2, "ack"), 0, 0).asRejudged();
    var checkpoint = ctx.checkpoint(2);
    vertx.eventBus().<BatchResults>localConsumer(Addresses.RESULTS, msg -> ctx.verify(() -> {
      msg.reply(null);
      EventResult r = msg.body().results().get(0);
      assertThat(r.event().source().offset()).as("only the plain copy is answered").isEqualTo(1);
      assertThat(r.cachedFrom()).isEqualTo("judged-1");
      assertThat(r.costUsd()).isZero();
      assertThat(telemetry.registry().counter("review_verdict_cache_hits_total", "pipeline", pipeline, "key",
          "event_id", "scope", "node").count()).isEqualTo(1.0);
      checkpoint.flag();
    }));
    vertx.eventBus().<Batch>localConsumer(Addresses.BATCH_READY, msg -> ctx.verify(() -> {
      assertThat(msg.body().events()).extracting(e -> e.source().offset()).as("only the rejudge copy").containsExactly(2L);
      checkpoint.flag();
    }));
    vertx.deployVerticle(new BatchBufferVerticle(config, telemetry, new TokenCalibration(50), new Coalescer(),
            new VerdictLookup(cache, null), null))
        .onComplete(ctx.succeeding(id -> {
          ToBuffer.send(vertx, plain);
          ToBuffer.send(vertx, rejudge);
        }));
    assertThat(ctx.awaitCompletion(config.pipelines().get(0).buffer().maxWaitMs() + 10_000, TimeUnit.MILLISECONDS))
        .isTrue();
  }
  @Test
  @DisplayName("while a budget's cheaper_tier action holds for the pipeline, a review its routing sends to balanced (mostly non-Latin text) is batched on the tier the budget names")
  void budgetCheaperTierOverridesRouting(Vertx vertx, VertxTestContext ctx) throws Exception {
    AppConfig config = TestConfig.load(vertx, new JsonObject());
    PipelineApp.registerCodecs(vertx);
    String pipeline = config.pipelines().get(0).name();
    ReviewEvent longReview = new ReviewEvent("long", "prod", "u", "Этот чайник хороший, пользуюсь каждый день.", 3,
        "2026-01-01T00:00:00Z", "web");
    assertThat(config.pipelines().get(0).tierFor(longReview)).as("routing alone").isEqualTo("balanced");
    vertx.sharedData().<String, String>getLocalMap(Addresses.BUDGET_TIERS).put(pipeline, config.cheapestTier());
    vertx.eventBus().<Batch>localConsumer(Addresses.BATCH_READY, msg -> ctx.verify(() -> {
      assertThat(msg.body().tier()).isEqualTo("fast");
      assertThat(msg.body().events()).extracting(e -> e.event().eventId()).containsExactly("long");
      ctx.completeNow();
    }));
    vertx.deployVerticle(new BatchBufferVerticle(config, Telemetries.fresh(), new TokenCalibration(50), new Coalescer()))
        .onComplete(ctx.succeeding(id -> ToBuffer.send(vertx, new PipelineEvent(pipeline, longReview, new SourceRef("t", 0, 1, "ack"), 0, 0))));
    assertThat(ctx.awaitCompletion(config.pipelines().get(0).buffer().maxWaitMs() + 10_000, TimeUnit.MILLISECONDS))
        .isTrue();
  }
}
