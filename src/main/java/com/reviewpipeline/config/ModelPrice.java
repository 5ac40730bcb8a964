package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;

/** USD per million tokens for one model, from {@code pricing} in conf/application.yaml. */
public record ModelPrice(double input, double output, double cacheWrite, double cacheRead) {

  public static ModelPrice fromJson(String model, JsonObject j) {
    return new ModelPrice(
        required(model, j, "input"),
        required(model, j, "output"),
        required(model, j, "cache_write"),
        required(model, j, "cache_read"));
  }

  private static double required(String model, JsonObject j, String key) {
    Double v = j.getDouble(key);
    if (v == null || v < 0) {
      throw new IllegalArgumentException("pricing." + model + "." + key + " is missing or negative");
    }
    return v;
  }
}
