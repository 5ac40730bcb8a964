package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulator's prompt cache on a fake clock: what it writes, reads and forgets, and how usage reports it. */
class PromptCacheTest {

  static final ApiModel SONNET = ApiModels.standard().find("claude-sonnet-5-5").orElseThrow();

  static JsonObject body(String system, boolean marked) {
    JsonObject block = new JsonObject().put("type", "text").put("text", system);
    if (marked) {
      block.put("cache_control", new JsonObject().put("type", "ephemeral"));
    }
    return new JsonObject().put("model", SONNET.id()).put("system", new JsonArray().add(block))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "review")));
  }

  @Test
  @DisplayName("a marked prefix is written once, read while used within five minutes (each read restarts the five minutes), and written again after five idle minutes")
  void fiveMinutesRefreshedOnUse() {
    AtomicLong now = new AtomicLong(1_000_000);
    PromptCache cache = new PromptCache(now::get);
    JsonObject body = body("policy ".repeat(600), true);
    long prefix = SimTokenizer.scale(600, SONNET.tokenRatio());
    assertThat(prefix).isEqualTo(780);

    assertThat(cache.use(body, SONNET, 512)).isEqualTo(new PromptCache.Use(prefix, 0));
    now.addAndGet(4 * 60_000);
    assertThat(cache.use(body, SONNET, 512)).isEqualTo(new PromptCache.Use(0, prefix));
    now.addAndGet(4 * 60_000);
    assertThat(cache.use(body, SONNET, 512)).as("8 minutes after the write, 4 after the last read")
        .isEqualTo(new PromptCache.Use(0, prefix));
    now.addAndGet(5 * 60_000 + 1);
    assertThat(cache.use(body, SONNET, 512)).as("five idle minutes").isEqualTo(new PromptCache.Use(prefix, 0));
    assertThat(cache.writes.get()).isEqualTo(2 * prefix);
    assertThat(cache.reads.get()).isEqualTo(2 * prefix);
  }

  @Test
  @DisplayName("below the model's minimum or without a marker nothing is cached and no error is returned")
  void belowMinimumOrUnmarked() {
    PromptCache cache = new PromptCache(() -> 0L);
    assertThat(cache.use(body("policy ".repeat(300), true), SONNET, 512)).isEqualTo(new PromptCache.Use(0, 0));
    assertThat(cache.use(body("policy ".repeat(600), false), SONNET, 512)).isEqualTo(new PromptCache.Use(0, 0));
    assertThat(cache.writes.get() + cache.reads.get()).isZero();
  }

  @Test
  @DisplayName("usage splits a request's input as the API does (input_tokens after the marker, cache writes and reads apart) and /_sim/stats keeps the split per model")
  void usageAndStatsSplitTheInput() {
    ClaudeSimulator sim = new ClaudeSimulator(0, SimulatorSettings.defaults(1, 0));
    JsonObject body = body("policy ".repeat(600), true).put("max_tokens", 256);
    long total = SimTokenizer.inputTokens(body, SONNET.tokenRatio());
    JsonObject first = sim.produce(body, SONNET, sim.settings()).getJsonObject("usage");
    JsonObject second = sim.produce(body, SONNET, sim.settings()).getJsonObject("usage");
    assertThat(first.getLong("cache_creation_input_tokens")).isEqualTo(780);
    assertThat(first.getLong("cache_read_input_tokens")).isZero();
    assertThat(first.getLong("input_tokens")).isEqualTo(total - 780);
    assertThat(first.getJsonObject("cache_creation").getLong("ephemeral_5m_input_tokens")).isEqualTo(780);
    assertThat(second.getLong("cache_creation_input_tokens")).isZero();
    assertThat(second.getLong("cache_read_input_tokens")).isEqualTo(780);
    assertThat(second.getLong("input_tokens")).isEqualTo(total - 780);
    JsonObject byModel = sim.stats().getJsonObject("by_model").getJsonObject(SONNET.id());
    assertThat(byModel.getLong("cache_creation_input_tokens")).isEqualTo(780);
    assertThat(byModel.getLong("cache_read_input_tokens")).isEqualTo(780);
    assertThat(byModel.getLong("input_tokens")).isEqualTo(2 * (total - 780));
  }
}
