package com.reviewpipeline.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Run-time instance counts of the pipeline's verticles, for the admin API. */
public interface Scaler {

  /** Every scalable verticle kind with its instance count. */
  JsonObject deployments();

  /**
   * Replaces a kind's deployment by one with {@code instances} instances: the new one starts
   * first, then the old one stops gracefully, so no event is lost.
   *
   * @throws IllegalArgumentException for an unknown kind or a count outside 1..64
   */
  Future<JsonObject> scale(String kind, int instances);
}
