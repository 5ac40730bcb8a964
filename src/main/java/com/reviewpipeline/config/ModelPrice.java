package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;

/**
 * USD per million tokens for one model, from {@code models.<id>.price} in conf/application.yaml.
 *
 * @param batchDiscount the share of the price the Message Batches API charges (0.5: half price)
 */
public record ModelPrice(double input, double output, double cacheWrite, double cacheRead, double batchDiscount) {

  /** The one optional price key: the Message Batches API charges half. */
  static final double DEFAULT_BATCH_DISCOUNT = 0.5;

  public static ModelPrice fromJson(String model, JsonObject j) {
    return new ModelPrice(
        required(model, j, "input"),
        required(model, j, "output"),
        required(model, j, "cache_write"),
        required(model, j, "cache_read"),
        j.getDouble("batch_discount", DEFAULT_BATCH_DISCOUNT));
  }

  private static double required(String model, JsonObject j, String key) {
    Double v = j.getDouble(key);
    if (v == null || v < 0) {
      throw new IllegalArgumentException("models." + model + ".price." + key + " is missing or negative");
    }
    return v;
  }
}
