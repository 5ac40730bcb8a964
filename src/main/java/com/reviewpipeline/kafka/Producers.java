package com.reviewpipeline.kafka;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.HashMap;
import java.util.Map;

/** The product's producers of string records: written to every in-sync replica, once per send. */
public final class Producers {

  private Producers() {}

  /** The settings of {@link #strings}, to add to (the result publisher's batching and compression). */
  public static Map<String, String> stringSettings(String bootstrapServers) {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    return props;
  }

  /** An idempotent {@code acks=all} producer of string keys and values. */
  public static KafkaProducer<String, String> strings(Vertx vertx, String bootstrapServers) {
    return KafkaProducer.create(vertx, stringSettings(bootstrapServers));
  }
}
