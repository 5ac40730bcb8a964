package com.reviewpipeline.support;

import com.reviewpipeline.app.PipelineApp;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.devtools.simulator.ClaudeSimulator;
import com.reviewpipeline.devtools.simulator.SimulatorSettings;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A pipeline under test: the JVM's broker ({@link TestStack}), unique topics and group, the simulator, and one or
 * more pipeline nodes (each its own Vert.x instance, as separate processes would be).
 */
public final class PipelineHarness implements AutoCloseable {

  public final String bootstrap = TestStack.kafkaBootstrap();
  public final String run = UUID.randomUUID().toString().substring(0, 8);
  public final String events = "events-" + run;
  public final String results = "results-" + run;
  public final String dlq = "dlq-" + run;
  public final Vertx simVertx = Vertx.vertx();
  public final ClaudeSimulator sim;
  public final KafkaTestClient kafka = new KafkaTestClient(bootstrap);
  public final AppConfig config;
  private final List<Node> nodes = new ArrayList<>();

  /** One pipeline process: its own Vert.x and app. */
  public record Node(Vertx vertx, PipelineApp app) {
    public Telemetry telemetry() {
      return app.telemetry();
    }

    public void stop() {
      await(app.stop());
      await(vertx.close());
    }
  }

  public PipelineHarness(JsonObject kafkaOverrides, long simLatencyMs, UnaryOperator<AppConfig> tweak) throws Exception {
    this(kafkaOverrides, simLatencyMs, tweak, false);
  }

  /** @param allPipelines every pipeline the shipped configuration enables, not only review-moderator */
  public PipelineHarness(JsonObject kafkaOverrides, long simLatencyMs, UnaryOperator<AppConfig> tweak,
      boolean allPipelines) throws Exception {
    sim = new ClaudeSimulator(0, SimulatorSettings.defaults(simLatencyMs, 0));
    await(simVertx.deployVerticle(sim));
    JsonObject k = new JsonObject()
        .put("bootstrap_servers", bootstrap)
        .put("events_topic", events)
        .put("results_topic", results)
        .put("dlq_topic", dlq)
        .put("commit_interval_ms", 200)
        .put("retry_group", "retry-" + run)
        .put("store_group", "store-" + run)
        .put("manual_review_group", "manual-" + run)
        .put("agreement_topic", "agreement-" + run)
        .put("retry_stages", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("topic", "retry1-" + run).put("delay_ms", 2000))
            .add(new JsonObject().put("topic", "retry2-" + run).put("delay_ms", 3000))
            .add(new JsonObject().put("topic", "retry3-" + run).put("delay_ms", 4000)))
        .mergeIn(kafkaOverrides);
    JsonObject overrides = new JsonObject().put("kafka", k);
    AppConfig base = allPipelines ? TestConfig.loadAll(simVertx, overrides) : TestConfig.load(simVertx, overrides);
    AppConfig c = base
        .withAnthropic(base.anthropic().withEndpoint(sim.baseUrl(), List.of("test-key")))
        .withPipelines(base.pipelines().stream().map(p -> p.withGroupId(p.groupId() + "-" + run)).toList())
        .withMessageBatches(base.messageBatches().withTopic("message-batches-" + run));
    config = tweak.apply(c);
    com.reviewpipeline.app.Topics.ensure(config.kafka(), config.messageBatches().topic());
  }

  public String group() {
    return config.pipelines().get(0).groupId();
  }

  public Node startNode() {
    return startNode(config);
  }

  public Node startNode(AppConfig nodeConfig) {
    Vertx vertx = Vertx.vertx();
    Node node = new Node(vertx, await(PipelineApp.deploy(vertx, Telemetries.fresh(), nodeConfig, false)));
    nodes.add(node);
    return node;
  }

  public void stopNode(Node node) {
    nodes.remove(node);
    node.stop();
  }

  /** Generates and produces {@code n} valid events; returns them by id. */
  public Map<String, ReviewEvent> produceValid(int n, long seed) throws Exception {
    ReviewGenerator g = new ReviewGenerator(seed);
    Map<String, ReviewEvent> sent = new LinkedHashMap<>();
    Map<String, String> records = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      ReviewEvent e = g.next();
      sent.put(e.eventId(), e);
      records.put(e.eventId(), e.toJson().encode());
    }
    kafka.produceStrings(events, records);
    return sent;
  }

  /** Every result record so far, grouped by event id. */
  public Map<String, List<JsonObject>> resultsById() {
    return kafka.readAll(results).stream()
        .map(ConsumerRecord::value)
        .map(JsonObject::new)
        .collect(Collectors.groupingBy(j -> j.getString("event_id")));
  }

  public List<JsonObject> dlqRecords() {
    return kafka.readAll(dlq).stream().map(r -> new JsonObject(r.value())).toList();
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (Node n : new ArrayList<>(nodes)) {
      n.stop();
    }
    kafka.close();
    await(simVertx.close());
  }
}
