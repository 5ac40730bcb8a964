package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;

/** Verticle instance counts per process. Each ingest instance is one consumer per pipeline group. */
public record Instances(int ingest, int buffer, int claude, int publisher) {

  public static Instances fromJson(JsonObject j) {
    JsonObject o = Declaration.withDefaults("instances", j);
    Instances i = new Instances(
        o.getInteger("ingest"), o.getInteger("buffer"), o.getInteger("claude"), o.getInteger("publisher"));
    if (i.ingest < 1 || i.buffer < 1 || i.claude < 1 || i.publisher < 1) {
      throw new IllegalArgumentException("instances.* must be at least 1: " + o.encode());
    }
    return i;
  }
}
