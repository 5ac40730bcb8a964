package com.reviewpipeline.support;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** Loads the shipped conf/application.yaml with test overrides and no environment. */
public final class TestConfig {

  private TestConfig() {}

  /** The shipped configuration with only the first pipeline (review-moderator) enabled. */
  public static AppConfig load(Vertx vertx, JsonObject overrides) throws Exception {
    return ConfigLoader.load(vertx, ConfigLoader.DEFAULT_PATH, Map.of(), overrides, List.of("pipelines.1.enabled=false"))
        .toCompletionStage().toCompletableFuture().get();
  }

  /** The shipped configuration with every pipeline it enables. */
  public static AppConfig loadAll(Vertx vertx, JsonObject overrides) throws Exception {
    return ConfigLoader.load(vertx, ConfigLoader.DEFAULT_PATH, Map.of(), overrides)
        .toCompletionStage().toCompletableFuture().get();
  }

  /**
   * {@code c} with the verdict cache off: for tests whose later phases need their events to reach the API (a failure
   * injected after earlier events were judged), where the generated mix's repeated texts would be answered by the
   * cache instead.
   */
  public static AppConfig withoutVerdictCache(AppConfig c) {
    return c.withVerdictCache(new com.reviewpipeline.config.VerdictCacheSettings(false, c.verdictCache().maxEntries(),
        c.verdictCache().ttlSeconds()));
  }
}
