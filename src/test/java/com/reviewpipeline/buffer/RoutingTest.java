package com.reviewpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.ToBuffer;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.support.TestConfig;
import com.reviewpipeline.tokens.TokenCalibration;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Per-event routing with the shipped rules of review-moderator. */
@ExtendWith(VertxExtension.class)
class RoutingTest {

  static ReviewEvent review(String id, String text, int rating) {
    return new ReviewEvent(id, "prod", "u", text, rating, "2026-01-01T00:00:00Z", "web");
  }

  static final String LONG = "I have used this blender every day for three months. ".repeat(40);

  @Test
  @DisplayName("shipped moderator rules: non-Latin to balanced, everything else (long, short, link spam, middle rating) to the cascade's first tier, fast")
  void shippedRules(Vertx vertx) throws Exception {
    PipelineConfig p = TestConfig.load(vertx, new JsonObject()).pipelines().get(0);
    assertThat(p.cascade().judgesFirst("fast")).isTrue();
    assertThat(LONG.length()).isGreaterThan(1500);
    assertThat(p.tierFor(review("a", LONG, 5))).isEqualTo("fast");
    assertThat(p.tierFor(review("b", "Отличный чайник, кипятит быстро, рекомендую всем", 5))).isEqualTo("balanced");
    assertThat(p.tierFor(review("c", "Great kettle, boils fast.", 5))).isEqualTo("fast");
    assertThat(p.tierFor(review("d", "Terrible. Broke in a week.", 1))).isEqualTo("fast");
    assertThat(p.tierFor(review("e", "Cheap watches at www.deals.example use code SAVE50 " + "x".repeat(500), 3))).isEqualTo("fast");
    assertThat(p.tierFor(review("f", "It is fine I guess, does the job but the lid is flimsy.", 3))).isEqualTo("fast");
  }

  @Test
  @DisplayName("one long review among nineteen short ones goes alone to deep; the short ones stay together on fast")
  void oneLongReviewDoesNotPullShortOnesToAnExpensiveTier(Vertx vertx, VertxTestContext ctx) throws Exception {
    AppConfig shipped = TestConfig.load(vertx, new JsonObject());
    PipelineConfig routed = shipped.pipelines().get(0).withRouting("fast",
        List.of(new com.reviewpipeline.config.RouteRule("deep", 1500, null, null, null, null, null)));
    AppConfig config = shipped.withPipelines(List.of(routed));
    String pipeline = routed.name();
    PipelineApp.registerCodecs(vertx);
    List<Batch> batches = new ArrayList<>();
    vertx.eventBus().<Batch>localConsumer(Addresses.BATCH_READY, msg -> {
      batches.add(msg.body());
      if (batches.stream().mapToInt(Batch::size).sum() == 20) {
        ctx.completeNow();
      }
    });
    vertx.deployVerticle(new BatchBufferVerticle(config, com.reviewpipeline.support.Telemetries.fresh(), new TokenCalibration(50), new Coalescer())).onComplete(ctx.succeeding(id -> {
      for (int i = 0; i < 20; i++) {
        ReviewEvent e = i == 7 ? review("long", LONG, 5) : review("short-" + i, "Works as described, happy with it.", 5);
        ToBuffer.send(vertx, new PipelineEvent(pipeline, e, new SourceRef("t", 0, i, "ack"), 0, 0));
      }
    }));
    assertThat(ctx.awaitCompletion(15, TimeUnit.SECONDS)).isTrue();
    Map<String, List<String>> idsByTier = batches.stream().collect(Collectors.groupingBy(Batch::tier,
        Collectors.flatMapping(b -> b.events().stream().map(PipelineEvent::id), Collectors.toList())));
    assertThat(idsByTier.get("deep")).containsExactly("long");
    assertThat(idsByTier.get("fast")).hasSize(19).doesNotContain("long");
    assertThat(idsByTier).doesNotContainKey("balanced");
  }
}
