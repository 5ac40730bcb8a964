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

/** {@code verdict_cache.*}: the shipped defaults, and a bad value refusing the start with a message naming the key. */
class VerdictCacheSettingsTest {

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("shipped: on, 100,000 verdicts per node, 24 h; --set changes each")
  void shippedDefaultsAndOverrides() throws Exception {
    VerdictCacheSettings shipped = ConfigLoaderTest.load(vertx, new JsonObject(), List.of()).verdictCache();
    assertThat(shipped).isEqualTo(new VerdictCacheSettings(true, 100_000, 86_400));
    assertThat(shipped.ttlMs()).isEqualTo(86_400_000L);
    VerdictCacheSettings set = ConfigLoaderTest.load(vertx, new JsonObject(), List.of("verdict_cache.enabled=false",
        "verdict_cache.max_entries=500", "verdict_cache.ttl_seconds=60")).verdictCache();
    assertThat(set).isEqualTo(new VerdictCacheSettings(false, 500, 60));
  }

  @Test
  @DisplayName("zero, negative, too large, fractional or non-numeric sizes and TTLs, and a non-boolean switch, refuse the start naming the key")
  void badValuesRefused() {
    refused("verdict_cache.max_entries=0", "verdict_cache.max_entries must be between 1 and 10000000, got 0");
    refused("verdict_cache.max_entries=20000000", "verdict_cache.max_entries must be between 1 and 10000000, got 20000000");
    refused("verdict_cache.max_entries=1.5", "verdict_cache.max_entries must be a whole number, got '1.5'");
    refused("verdict_cache.ttl_seconds=-5", "verdict_cache.ttl_seconds must be between 1 and 2592000, got -5");
    refused("verdict_cache.ttl_seconds=forever", "verdict_cache.ttl_seconds must be a whole number, got 'forever'");
    refused("verdict_cache.enabled=yes", "verdict_cache.enabled must be true or false, got 'yes'");
    refused("verdict_cache.max_entry=5", "unknown configuration key 'verdict_cache.max_entry'");
  }

  private void refused(String set, String message) {
    assertThatThrownBy(() -> ConfigLoaderTest.load(vertx, new JsonObject(), List.of(set)))
        .extracting(ConfigLoaderTest::cause).asInstanceOf(InstanceOfAssertFactories.THROWABLE)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
