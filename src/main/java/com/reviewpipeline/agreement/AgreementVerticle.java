package com.reviewpipeline.agreement;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Membership;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.kafka.Producers;
import com.reviewpipeline.kafka.TopicReplay;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's agreement ledger equal to every other node's (docs/claude-stage.md "Agreement-gated
 * escalation"): the shadow
 * comparisons made here are written to the agreement topic, and every record of that topic, whoever wrote it, is
 * folded into the ledger in the topic's order: read whole before the Claude verticles start (a restart keeps what
 * was learned), then followed. When a field's agreement falls below target or recovers, the oldest member sends one
 * alert or one resolved message (every member sees the change at the same record).
 */
public final class AgreementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AgreementVerticle.class);

  private final AppConfig app;
  private final AgreementLedger ledger;
  private final Membership membership;
  private final MeterRegistry registry;
  private final Set<String> gauged = ConcurrentHashMap.newKeySet();
  private KafkaProducer<String, String> producer;
  private TopicReplay replay;
  private final AgreementGate gate;

  public AgreementVerticle(AppConfig app, AgreementLedger ledger, AgreementGate gate, Membership membership,
      MeterRegistry registry) {
    this.app = app;
    this.ledger = ledger;
    this.gate = gate;
    this.membership = membership;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    String topic = app.kafka().agreementTopic();
    producer = Producers.strings(vertx, app.kafka().bootstrapServers());
    replay = new TopicReplay(app.kafka(), topic);
    vertx.eventBus().<JsonObject>localConsumer(Addresses.AGREEMENT, m -> {
      AgreementRecord r = AgreementRecord.fromJson(m.body());
      producer.send(KafkaProducerRecord.create(topic, r.key(), m.body().encode())).onFailure(err ->
          // one comparison fewer: the ledger learns a little later, nothing else depends on it
          LOG.warn("agreement.write.failed pipeline={} event={} error={}", r.pipeline(), r.eventId(), err.toString()));
    });
    long t0 = System.currentTimeMillis();
    return vertx.executeBlocking(() -> {
      int[] n = {0};
      // history: folded without alerts, which describe changes, not the state a restart finds
      replay.load(r -> {
        if (r.value() == null) {
          return;
        }
        try {
          ledger.apply(AgreementRecord.fromJson(new JsonObject(r.value())));
          n[0]++;
        } catch (RuntimeException e) {
          // one unreadable record costs one comparison, never the start
          LOG.warn("agreement.unreadable topic={} offset={} error={}", topic, r.offset(), e.toString());
        }
      });
      return n[0];
    }).compose(n -> {
      LOG.info("agreement.loaded topic={} comparisons={} in_ms={}", topic, n, System.currentTimeMillis() - t0);
      ledger.alerting().forEach(this::announce);
      meters();
      return replay.follow(vertx, r -> {
        if (r.value() != null) {
          ledger.apply(AgreementRecord.fromJson(new JsonObject(r.value()))).forEach(this::announce);
          meters();
        }
      });
    });
  }

  /** One alert when a field falls below target, one resolved message when it is proven again: from the oldest member. */
  private void announce(AgreementLedger.Change c) {
    AgreementLedger.FieldState s = c.state();
    PipelineConfig p = pipeline(c.pipeline());
    String target = p == null ? "?" : String.valueOf(p.cascade().agreement().target());
    String escalateTo = p == null ? "the escalation tier" : p.cascade().escalateTo();
    String message = String.format(Locale.ROOT, "%s: %s agrees with %s on %s in %.1f%% of the last %d comparisons "
            + "(95%% lower bound %.3f, target %s): %s", c.pipeline(), c.firstModel(), c.referenceModel(), c.field(),
        s.agreement() * 100, s.samples(), s.lowerBound(), target, s.alerting()
            ? "its confident " + c.field() + " flags are judged again on " + escalateTo
            : "its confident " + c.field() + " flags are published without a second opinion");
    LOG.info("agreement.{} pipeline={} first_model={} field={} samples={} lower_bound={}",
        s.alerting() ? "below_target" : "proven", c.pipeline(), c.firstModel(), c.field(), s.samples(),
        String.format(Locale.ROOT, "%.4f", s.lowerBound()));
    if (!membership.oldest()) {
      return;
    }
    vertx.eventBus().send(Addresses.ALERTS, new JsonObject().put("type", "agreement")
        .put("key", "agreement:" + c.pipeline() + ":" + c.firstModel() + ":" + c.field())
        .put("severity", "warning").put("resolved", !s.alerting()).put("message", message));
  }

  private PipelineConfig pipeline(String name) {
    return app.pipelines().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  /** Gauges per pipeline, model pair and field: samples, lower bound, whether confident flags escalate now. */
  private void meters() {
    JsonObject view = gate.describe(app.pipelines());
    view.forEach(pe -> ((JsonObject) pe.getValue()).forEach(pair -> {
      JsonObject section = (JsonObject) pair.getValue();
      String first = section.getString("first_model");
      String reference = section.getString("reference_model");
      if (first == null) {
        return;
      }
      section.getJsonObject("fields").fieldNames().forEach(field -> {
        String pipeline = pe.getKey();
        if (!gauged.add(pipeline + "|" + first + "|" + reference + "|" + field)) {
          return;
        }
        List<io.micrometer.core.instrument.Tag> tags = List.of(
            io.micrometer.core.instrument.Tag.of("pipeline", pipeline),
            io.micrometer.core.instrument.Tag.of("first_model", first),
            io.micrometer.core.instrument.Tag.of("reference_model", reference),
            io.micrometer.core.instrument.Tag.of("field", field));
        Gauge.builder("review_agreement_samples", () -> ledger.state(pipeline, first, reference, field).samples())
            .tags(tags).register(registry);
        Gauge.builder("review_agreement_lower_bound",
            () -> ledger.state(pipeline, first, reference, field).lowerBound()).tags(tags).register(registry);
        Gauge.builder("review_agreement_escalating", () -> {
          PipelineConfig p = pipeline(pipeline);
          return p == null || !gate.escalates(p, first, field) ? 0 : 1;
        }).tags(tags).register(registry);
      });
    }));
  }

  @Override
  public Future<?> stop() {
    Future<Void> following = replay == null ? Future.succeededFuture() : replay.close();
    return following.eventually(() -> producer == null ? Future.succeededFuture() : producer.close());
  }
}
