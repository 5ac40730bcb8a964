package com.reviewpipeline.devtools.loadgen;

import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes generated reviews to a topic at a fixed rate, keyed by product id. */
public final class LoadGenerator {

  private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
  private static final long TICK_MS = 100;

  private final Vertx vertx;
  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final ReviewGenerator generator;
  private final AtomicLong sent = new AtomicLong();
  private long timer = -1;

  public LoadGenerator(Vertx vertx, String bootstrapServers, String topic, long seed) {
    this.vertx = vertx;
    this.topic = topic;
    this.generator = new ReviewGenerator(seed);
    this.producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", bootstrapServers,
        "acks", "all",
        "linger.ms", "5",
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
  }

  /**
   * Produces {@code count} events (negative: until {@link #stop()}) at {@code ratePerSecond};
   * completes when the last one is acknowledged.
   */
  public Future<Long> run(long count, double ratePerSecond) {
    Promise<Long> done = Promise.promise();
    double perTick = ratePerSecond * TICK_MS / 1000.0;
    double[] credit = {0};
    List<Future<?>> pending = new ArrayList<>();
    timer = vertx.setPeriodic(TICK_MS, id -> {
      credit[0] += perTick;
      while (credit[0] >= 1 && (count < 0 || sent.get() < count)) {
        credit[0] -= 1;
        pending.add(send(generator.next()));
      }
      if (count >= 0 && sent.get() >= count) {
        vertx.cancelTimer(id);
        Future.all(new ArrayList<>(pending)).onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(sent.get());
          } else {
            done.fail(ar.cause());
          }
        });
      }
      pending.removeIf(Future::isComplete);
    });
    return done.future();
  }

  public Future<?> send(ReviewEvent event) {
    sent.incrementAndGet();
    return producer.send(KafkaProducerRecord.create(topic, event.productId(), event.toJson().encode()))
        .onFailure(err -> LOG.warn("loadgen.send.failed topic={} error={}", topic, err.toString()));
  }

  public long sent() {
    return sent.get();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return producer.close();
  }
}
