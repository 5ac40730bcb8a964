package com.reviewpipeline.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.bus.ClusterNodes;
import com.reviewpipeline.support.Telemetries;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The {@code GET /api/stats} document's counts of verdicts, read from the meters. */
class StatsDocumentTest {

  @Test
  @DisplayName("contained verdicts are counted per pipeline (review_events_contained_total) and shown in totals and by_pipeline")
  void containedCountedPerPipeline() {
    Telemetry t = Telemetries.fresh();
    t.processed("review-moderator", "claude-haiku-5-5", "fast", false, false);
    t.processed("review-moderator", "claude-haiku-5-5", "fast", true, true);
    t.processed("review-moderator", "claude-sonnet-5-5", "balanced", false, true);
    t.processed("review-analyzer", "claude-haiku-5-5", "fast", false, true);
    JsonObject stats = t.stats();
    assertThat(stats.getJsonObject("totals").getLong("processed")).isEqualTo(4);
    assertThat(stats.getJsonObject("totals").getLong("contained")).isEqualTo(3);
    assertThat(stats.getJsonObject("totals").getLong("flagged")).isEqualTo(1);
    assertThat(stats.getJsonObject("by_pipeline").getJsonObject("review-moderator").getLong("contained")).isEqualTo(2);
    assertThat(stats.getJsonObject("by_pipeline").getJsonObject("review-analyzer").getLong("contained")).isEqualTo(1);
    assertThat(t.registry().find("review_events_contained_total").tag("pipeline", "review-moderator").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  @DisplayName("verdict-cache hits (by key and scope) and misses give a hit rate per pipeline and in total; summed over two nodes the rate is recomputed, not added")
  void verdictCacheHitRate() {
    Telemetry t = Telemetries.fresh();
    VerdictCacheMeters meters = new VerdictCacheMeters(t.registry());
    int[] keys = {42};
    meters.register(() -> keys[0], () -> 21, () -> 21 * 180 + 4);
    System.gc(); // the gauge must keep its supplier: nothing else holds that lambda
    meters.hit("review-moderator", "event_id", "node");
    meters.hit("review-moderator", "text", "node");
    meters.hit("review-moderator", "text", "cluster");
    meters.miss("review-moderator");
    meters.miss("review-analyzer");
    JsonObject cache = t.stats().getJsonObject("verdict_cache");
    assertThat(cache.getLong("hits")).isEqualTo(3);
    assertThat(cache.getLong("misses")).isEqualTo(2);
    assertThat(cache.getDouble("hit_rate")).isEqualTo(0.6);
    assertThat(cache.getJsonObject("hits_by_key")).isEqualTo(new JsonObject().put("event_id", 1L).put("text", 2L));
    assertThat(cache.getJsonObject("hits_by_scope")).isEqualTo(new JsonObject().put("node", 2L).put("cluster", 1L));
    assertThat(cache.getJsonObject("by_pipeline").getJsonObject("review-moderator").getDouble("hit_rate")).isEqualTo(0.75);
    assertThat(cache.getJsonObject("by_pipeline").getJsonObject("review-analyzer").getDouble("hit_rate")).isZero();
    assertThat(cache.getInteger("keys")).isEqualTo(42);
    assertThat(cache.getLong("entries")).isEqualTo(21);
    assertThat(cache.getLong("heap_bytes")).isEqualTo(21 * 180 + 4);
    assertThat(cache.getLong("bytes_per_entry")).as("heap over verdicts, whole bytes").isEqualTo(180);
    assertThat(t.stats().getJsonObject("totals").getLong("cached")).isEqualTo(3);
    assertThat(t.stats().getJsonObject("by_pipeline").getJsonObject("review-moderator").getLong("cached")).isEqualTo(3);

    Telemetry other = Telemetries.fresh();
    new VerdictCacheMeters(other.registry()).miss("review-moderator");
    new VerdictCacheMeters(other.registry()).miss("review-moderator");
    new VerdictCacheMeters(other.registry()).miss("review-moderator");
    new VerdictCacheMeters(other.registry()).register(() -> 0, () -> 9, () -> 9 * 100);
    JsonObject merged = ClusterNodes.fixRatios(ClusterNodes.sum(ClusterNodes.sum(new JsonObject(), t.stats()),
        other.stats()));
    assertThat(merged.getJsonObject("verdict_cache").getDouble("hit_rate")).as("3 hits of 8 lookups").isEqualTo(0.375);
    assertThat(merged.getJsonObject("verdict_cache").getJsonObject("by_pipeline").getJsonObject("review-moderator")
        .getDouble("hit_rate")).as("3 of 7").isEqualTo(0.4286);
    assertThat(merged.getJsonObject("verdict_cache").getLong("bytes_per_entry")).as("(3784 + 900) bytes over 30 verdicts")
        .isEqualTo(156);
  }

  @Test
  @DisplayName("the cache read share per model is cache reads over every input token billed (uncached, written, read); summed over two nodes it is recomputed from the counts, not added")
  void cacheReadSharePerModel() {
    Telemetry t = Telemetries.fresh();
    t.claude().tokens("review-moderator", "claude-sonnet-5-5", "input", 1_000);
    t.claude().tokens("review-moderator", "claude-sonnet-5-5", "cache_write", 1_000);
    t.claude().tokens("review-moderator", "claude-sonnet-5-5", "cache_read", 8_000);
    t.claude().tokens("review-analyzer", "claude-sonnet-5-5", "input", 500);
    t.claude().tokens("review-analyzer", "claude-sonnet-5-5", "cache_read", 1_500);
    t.claude().tokens("review-moderator", "claude-haiku-5-5", "input", 300);
    t.claude().tokens("review-moderator", "claude-haiku-5-5", "cache_write", 0);
    t.claude().tokens("review-moderator", "claude-haiku-5-5", "cache_read", 0);
    JsonObject byModel = t.stats().getJsonObject("by_model");
    assertThat(byModel.getJsonObject("claude-sonnet-5-5").getDouble("cache_read_share")).as("9,500 of 12,000")
        .isEqualTo(0.7917);
    assertThat(byModel.getJsonObject("claude-haiku-5-5").getDouble("cache_read_share")).isZero();
    assertThat(t.stats().getJsonObject("by_pipeline").getJsonObject("review-analyzer").getDouble("cache_read_share"))
        .isEqualTo(0.75);

    Telemetry other = Telemetries.fresh();
    other.claude().tokens("review-moderator", "claude-sonnet-5-5", "input", 8_000);
    other.claude().tokens("review-moderator", "claude-sonnet-5-5", "cache_write", 0);
    other.claude().tokens("review-moderator", "claude-sonnet-5-5", "cache_read", 0);
    assertThat(other.stats().getJsonObject("by_model").getJsonObject("claude-sonnet-5-5").getDouble("cache_read_share"))
        .isZero();
    JsonObject merged = ClusterNodes.fixRatios(ClusterNodes.sum(ClusterNodes.sum(new JsonObject(), t.stats()),
        other.stats()));
    assertThat(merged.getJsonObject("by_model").getJsonObject("claude-sonnet-5-5").getDouble("cache_read_share"))
        .as("9,500 of 20,000, not 0.7917 + 0").isEqualTo(0.475);
    assertThat(merged.getJsonObject("by_model").getJsonObject("claude-haiku-5-5").getDouble("cache_read_share")).isZero();
  }

  @Test
  @DisplayName("each buffer's effective wait is in buffer_waits per pipeline and tier and in review_buffer_effective_wait_ms")
  void bufferWaits() {
    Telemetry t = Telemetries.fresh();
    long[] wait = {3000};
    t.registerBufferWait("review-moderator", "fast", () -> new JsonObject().put("effective_wait_ms", wait[0])
        .put("basis", "not_measured"));
    wait[0] = 5750;
    JsonObject waits = t.stats().getJsonObject("buffer_waits");
    assertThat(waits.getJsonObject("review-moderator").getJsonObject("fast").getLong("effective_wait_ms")).isEqualTo(5750);
    assertThat(t.registry().find("review_buffer_effective_wait_ms").tags("pipeline", "review-moderator", "tier", "fast")
        .gauge().value()).isEqualTo(5750.0);
    t.registerBufferWait("review-moderator", "fast", () -> new JsonObject().put("effective_wait_ms", 4000L));
    assertThat(t.registry().find("review_buffer_effective_wait_ms").gauges()).as("a second instance replaces, not adds")
        .singleElement().satisfies(g -> assertThat(g.value()).isEqualTo(4000.0));
  }
}
