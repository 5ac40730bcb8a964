package com.reviewpipeline.kafka;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a group's committed offsets and their offset maps for newly assigned partitions, with the partitions' end
 * offsets (a map reaching past the end is not trusted). Through an admin client: the Vert.x consumer's
 * {@code committed} calls a method kafka-clients 4 no longer has. Results complete on the owner's context.
 */
final class CommittedMaps implements AutoCloseable {

  /** Client settings an admin client takes from the consumer's: where the brokers are and how to reach them. */
  private static boolean connection(String key) {
    return key.equals("bootstrap.servers") || key.startsWith("security.") || key.startsWith("ssl.")
        || key.startsWith("sasl.") || key.equals("client.dns.lookup");
  }

  private final Vertx vertx;
  private final Context context;
  private final Map<String, Object> props;
  private final String group;
  private final String topic;
  private Admin admin;

  CommittedMaps(Vertx vertx, Map<String, String> consumerProps, String topic) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.props = consumerProps.entrySet().stream().filter(e -> connection(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    this.props.put("client.id", consumerProps.getOrDefault("client.id", "consumer") + "-offset-maps");
    this.group = consumerProps.get("group.id");
    this.topic = topic;
  }

  /** Creating the client resolves the brokers' names: off the event loop. */
  Future<Void> start() {
    return vertx.executeBlocking(() -> Admin.create(props)).map(a -> {
      admin = a;
      return null;
    });
  }

  /** What each partition's commit says is done above it. */
  Future<Map<Integer, OffsetMapCodec.Decoded>> read(Set<Integer> partitions) {
    Set<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(topic, p)).collect(Collectors.toSet());
    Future<Map<TopicPartition, OffsetAndMetadata>> committed = onContext(admin.listConsumerGroupOffsets(
        Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(tps))).partitionsToOffsetAndMetadata(group));
    Future<Map<TopicPartition, Long>> ends = onContext(admin.listOffsets(
            tps.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all()
        .thenApply(all -> all.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()))));
    return Future.all(committed, ends).map(v -> {
      Map<Integer, OffsetMapCodec.Decoded> out = new HashMap<>();
      for (TopicPartition tp : tps) {
        OffsetAndMetadata c = committed.result().get(tp);
        Long end = ends.result().get(tp);
        OffsetMapCodec.Decoded d = c == null ? new OffsetMapCodec.Decoded.None()
            : end == null ? new OffsetMapCodec.Decoded.Ignored("no end offset for the partition")
            : OffsetMapCodec.decode(c.metadata(), c.offset(), end);
        if (d instanceof OffsetMapCodec.Decoded.None && c != null && end != null && c.offset() <= end) {
          // no done offsets above it, but the committed offset itself still says what is done below it
          d = new OffsetMapCodec.Decoded.Map(new OffsetMap(c.offset(), new long[0]));
        }
        out.put(tp.partition(), d);
      }
      return out;
    });
  }

  private <T> Future<T> onContext(KafkaFuture<T> kf) {
    Promise<T> promise = Promise.promise();
    kf.whenComplete((value, err) -> context.runOnContext(v -> {
      if (err != null) {
        promise.fail(err);
      } else {
        promise.complete(value);
      }
    }));
    return promise.future();
  }

  @Override
  public void close() {
    if (admin != null) {
      Admin a = admin;
      admin = null;
      vertx.executeBlocking(() -> {
        a.close(java.time.Duration.ofSeconds(5));
        return null;
      });
    }
  }
}
