package com.reviewpipeline.model;

import io.vertx.core.json.JsonObject;

/** A review as the platform publishes it on {@code review-events}; only valid events exist as this type. */
public record ReviewEvent(
    String eventId,
    String productId,
    String userId,
    String reviewText,
    int rating,
    String timestamp,
    String source) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("event_id", eventId)
        .put("product_id", productId)
        .put("user_id", userId)
        .put("review_text", reviewText)
        .put("rating", rating)
        .put("timestamp", timestamp)
        .put("source", source);
  }
}
