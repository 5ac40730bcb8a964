package com.reviewpipeline.support;

import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Loads the shipped conf/application.yaml with test overrides and no environment. */
public final class TestConfig {

  private TestConfig() {}

  public static AppConfig load(Vertx vertx, JsonObject overrides) throws Exception {
    return ConfigLoader.load(vertx, ConfigLoader.DEFAULT_PATH, Map.of(), overrides)
        .toCompletionStage().toCompletableFuture().get();
  }
}
