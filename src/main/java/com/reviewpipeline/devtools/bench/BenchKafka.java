package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.telemetry.ConsumerLag;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for the benchmarks: fast backlog producer, offsets, the raw mirror baseline. */
final class BenchKafka implements AutoCloseable {

  final String bootstrap;
  final Admin admin;

  BenchKafka(String bootstrap) {
    this.bootstrap = bootstrap;
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    this.admin = Admin.create(p);
  }

  static List<JsonObject> pool(long seed, int size) {
    ReviewGenerator g = new ReviewGenerator(seed);
    List<JsonObject> pool = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      pool.add(g.next().toJson());
    }
    return pool;
  }

  KafkaProducer<byte[], byte[]> producer(boolean fast) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("linger.ms", fast ? "20" : "0");
    props.put("batch.size", String.valueOf(fast ? 256 * 1024 : 16 * 1024));
    props.put("compression.type", fast ? "lz4" : "none");
    props.put("key.serializer", ByteArraySerializer.class.getName());
    props.put("value.serializer", ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  /** Produces {@code n} valid events of the standard mix as fast as the broker takes them; ids {@code prefix + i}. */
  void produceBacklog(String topic, int n, String prefix, long seed) {
    produceBacklog(topic, n, prefix, seed, false);
  }

  /**
   * @param uniqueTexts every review's text made its own (an order number appended), as real reviews mostly are: the
   *     pool's 2,000 texts would otherwise be answered by the verdict cache after their first judgement
   */
  void produceBacklog(String topic, int n, String prefix, long seed, boolean uniqueTexts) {
    List<JsonObject> pool = pool(seed, 2000);
    try (KafkaProducer<byte[], byte[]> producer = producer(true)) {
      for (int i = 0; i < n; i++) {
        String id = prefix + i;
        JsonObject v = pool.get(i % pool.size()).copy().put("event_id", id);
        if (uniqueTexts) {
          v.put("review_text", v.getString("review_text") + " (order " + i + ")");
        }
        producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), v.toBuffer().getBytes()));
      }
      producer.flush();
    }
  }

  void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
  }

  Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      req.put(new TopicPartition(topic, i), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  /** Sum of committed offsets of a group on a topic (the admin API's lag measurement). */
  long committed(String group, String topic) throws Exception {
    return ConsumerLag.measure(admin, Map.of(group, List.of(topic))).get(group).stream()
        .mapToLong(p -> p.committed() == null ? 0 : p.committed()).sum();
  }

  /** Polls until the group has committed {@code target} offsets on the topic; returns the time it saw that. */
  long awaitCommitted(String group, String topic, long target, Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      if (committed(group, topic) >= target) {
        return System.currentTimeMillis();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(group + " did not commit " + target + " offsets on " + topic + " within " + timeout);
  }

  /**
   * The baseline: a plain consumer copying every record of {@code from} to {@code to} with an idempotent acks=all
   * producer, committing after each polled batch is acknowledged. Returns {first consumed ms, last commit ms}.
   */
  long[] mirror(String from, String to, String group, long expected) {
    Properties c = new Properties();
    c.put("bootstrap.servers", bootstrap);
    c.put("group.id", group);
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", "earliest");
    c.put("max.poll.records", "500");
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    long first = 0;
    long copied = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
         KafkaProducer<byte[], byte[]> producer = producer(false)) {
      consumer.subscribe(List.of(from));
      while (copied < expected) {
        var records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        if (first == 0) {
          first = System.currentTimeMillis();
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          producer.send(new ProducerRecord<>(to, r.key(), r.value()));
          offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
          copied++;
        }
        producer.flush();
        consumer.commitSync(offsets);
      }
      return new long[] {first, System.currentTimeMillis()};
    }
  }

  /**
   * Follows {@code topic} from its beginning as a {@code read_committed} reader downstream would, on a thread of its
   * own, and records when each key was first seen (wall-clock ms): with exactly-once delivery a result is visible only
   * once its transaction commits, later than the broker's append time. Close to stop.
   */
  static final class Tail implements AutoCloseable {
    final Map<String, Long> seenAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    Tail(String bootstrap, String topic) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("isolation.level", "read_committed");
      p.put("fetch.max.wait.ms", "20");
      p.put("key.deserializer", ByteArrayDeserializer.class.getName());
      p.put("value.deserializer", ByteArrayDeserializer.class.getName());
      thread = new Thread(() -> {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
          List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition())).toList();
          consumer.assign(parts);
          consumer.seekToBeginning(parts);
          while (running) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
              seenAt.putIfAbsent(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), System.currentTimeMillis());
            }
          }
        }
      }, "bench-tail-" + topic);
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }
  }

  Tail tail(String topic) {
    return new Tail(bootstrap, topic);
  }

  /** Every record of a topic from the beginning (for reading results), as a {@code read_committed} reader. */
  void readAll(String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("max.poll.records", "5000");
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    Map<TopicPartition, Long> end = endOffsets(topic);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>(end.keySet());
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        consumer.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
