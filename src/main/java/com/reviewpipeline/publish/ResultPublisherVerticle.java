package com.reviewpipeline.publish;

import com.reviewpipeline.buffer.Coalescer;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Drain;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.cache.CachedVerdict;
import com.reviewpipeline.cache.VerdictKeys;
import com.reviewpipeline.cache.VerdictLookup;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.KafkaSettings;
import com.reviewpipeline.model.BatchAck;
import com.reviewpipeline.model.BatchAck.Outcome;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.FailedEvents;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.RejectedRecord;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.ratelimit.Backoff;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns judgements into outcome records: results to {@code review-ai-results}, failures to a retry stage or
 * {@code review-dlq}, malformed records to {@code review-dlq}. At-least-once delivery: writes them (acks=all,
 * idempotent; a failed write is retried with backoff) and only then acknowledges the source offsets. Exactly-once: hands
 * them with the acknowledgement to the consumer owning each offset, which writes them in the transaction committing it.
 */
public final class ResultPublisherVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ResultPublisherVerticle.class);
  private static final Backoff WRITE_BACKOFF = new Backoff(400, 30_000, 0);

  private final AppConfig app;
  /** Records sent to Kafka and not yet acknowledged by it (tried again until they are). */
  private int writing;
  private final Coalescer coalescer;
  /** Null when the verdict cache is off. */
  private final VerdictLookup verdicts;
  private KafkaSettings kafka;
  private KafkaProducer<String, String> producer;
  private final Telemetry telemetry;
  private List<MessageConsumer<?>> consumers = List.of();

  /** @param coalescer the process's copies-of-one-event registry: copies waiting for an outcome get it here */
  public ResultPublisherVerticle(AppConfig app, Telemetry telemetry, Coalescer coalescer) {
    this(app, telemetry, coalescer, null);
  }

  /** @param verdicts the process's verdict cache, filled here with every verdict Kafka acknowledged; null: off */
  public ResultPublisherVerticle(AppConfig app, Telemetry telemetry, Coalescer coalescer, VerdictLookup verdicts) {
    this.app = app;
    this.coalescer = coalescer;
    this.verdicts = verdicts;
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    kafka = app.kafka();
    Map<String, String> props = com.reviewpipeline.kafka.Producers.stringSettings(kafka.bootstrapServers());
    props.put("linger.ms", "5");
    props.put("compression.type", "lz4");
    // exactly-once: the consumers owning the offsets write the outcomes, in their transactions
    producer = kafka.exactlyOnce() ? null : KafkaProducer.create(vertx, props);
    // acknowledged on receipt (bus/Handoff): a send routed to an instance stopping in a scale-down is sent again,
    // and a copy sent again after a lost acknowledgement is dropped
    consumers = List.of(
        vertx.eventBus().<BatchResults>localConsumer(Addresses.RESULTS, Handoff.receiver(this::publishResults)),
        vertx.eventBus().<FailedEvents>localConsumer(Addresses.FAILURES, Handoff.receiver(this::publishFailures)),
        vertx.eventBus().<RejectedRecord>localConsumer(Addresses.REJECTED, Handoff.receiver(this::publishRejected)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private void publishResults(BatchResults batch) {
    var pipeline = app.pipeline(batch.pipeline());
    List<Outcome> outcomes = new ArrayList<>();
    for (EventResult r : batch.results()) {
      outcomes.add(outcome(r.event().source(), kafka.resultsTopic(), r.event().id(), Records.result(pipeline, r)));
      for (PipelineEvent copy : coalescer.resolve(r.event())) {
        // the same verdict under the copy's own offset, billed once (to the judged copy)
        PipelineEvent as = r.event().contained() ? copy.asContained() : copy;
        if (r.event().isEscalated()) {
          // the same earlier verdicts, at no cost of its own (escalated_from[].cost_usd stays inside cost_usd, 0)
          as = as.withRejudge(r.event().rejudge().unbilled());
        }
        EventResult same = new EventResult(as, r.verdict().copy(), r.model(), r.tier(), r.batchId(), r.batchSize(),
            0, 0, 0);
        outcomes.add(outcome(copy.source(), kafka.resultsTopic(), copy.id(),
            Records.result(pipeline, same).put("coalesced", true)));
      }
    }
    write(outcomes).onSuccess(v -> {
      remember(batch.results());
      ack(outcomes);
    });
  }

  /**
   * Verdicts of calls, once Kafka has them, go into the verdict cache (before the acks, so a copy read after its
   * twin's offset is done finds the verdict). Not cached answers: a hit never extends a verdict's TTL. Failures never
   * reach this method, so the cache holds successful verdicts only.
   */
  private void remember(List<EventResult> results) {
    if (verdicts == null) {
      return;
    }
    long now = System.currentTimeMillis();
    for (EventResult r : results) {
      if (!r.cached()) {
        verdicts.remember(VerdictKeys.of(r.event().pipeline(), r.event().event()), CachedVerdict.of(r, now));
      }
    }
  }

  /**
   * Retryable failures go to the retry stage for their retry count; exhausted and non-retryable
   * ones to the DLQ. The source offset counts as done only once Kafka has the record.
   */
  private void publishFailures(FailedEvents judged) {
    // copies waiting for a failed event take the same failure, each with its own original event and retry count
    List<PipelineEvent> all = new ArrayList<>(judged.events());
    judged.events().forEach(e -> all.addAll(coalescer.resolve(e)));
    FailedEvents failed = all.size() == judged.events().size() ? judged
        : new FailedEvents(all, judged.errorType(), judged.errorMessage(), judged.retryable());
    List<Outcome> outcomes = new ArrayList<>();
    var stages = kafka.retryStages();
    int dead = 0;
    for (PipelineEvent e : failed.events()) {
      boolean retry = failed.retryable() && e.retryCount() < stages.size();
      if (retry) {
        var stage = stages.get(e.retryCount());
        String due = java.time.Instant.now().plusMillis(stage.delayMs()).toString();
        outcomes.add(outcome(e.source(), stage.topic(), e.id(),
            Records.deadLetter(e, failed.errorType(), failed.errorMessage(), stages.size(), false, due)));
        telemetry.retryScheduled(e.pipeline(), stage.topic());
      } else {
        dead++;
        outcomes.add(outcome(e.source(), kafka.dlqTopic(), e.id(),
            Records.deadLetter(e, failed.errorType(), failed.errorMessage(), stages.size(), true, null)));
      }
    }
    int deadLettered = dead;
    write(outcomes).onSuccess(v -> {
      if (deadLettered > 0) {
        failed.events().stream()
            .filter(e -> !(failed.retryable() && e.retryCount() < stages.size()))
            .collect(Collectors.groupingBy(PipelineEvent::pipeline, Collectors.counting()))
            .forEach((p, n) -> telemetry.deadLettered(p, failed.errorType(), n.intValue()));
      }
      ack(outcomes);
    });
  }

  private void publishRejected(RejectedRecord rejected) {
    String key = rejected.source().topic() + "-" + rejected.source().partition() + "-" + rejected.source().offset();
    LOG.info("ingest.malformed pipeline={} topic={} partition={} offset={} reason={}", rejected.pipeline(),
        rejected.source().topic(), rejected.source().partition(), rejected.source().offset(), rejected.reason());
    List<Outcome> outcomes = List.of(outcome(rejected.source(), kafka.dlqTopic(), key, Records.malformed(rejected)));
    write(outcomes).onSuccess(v -> {
      telemetry.deadLettered(rejected.pipeline(), "malformed", 1);
      ack(outcomes);
    });
  }

  private static Outcome outcome(SourceRef source, String topic, String key, JsonObject value) {
    return new Outcome(source, topic, key, value.encode());
  }

  /**
   * At-least-once: sends every outcome until Kafka acknowledges it. Exactly-once: nothing here; the outcomes travel
   * with the acks to the consumers owning their offsets, which write them in the transaction committing those offsets.
   */
  private Future<Void> write(List<Outcome> outcomes) {
    if (kafka.exactlyOnce()) {
      return Future.succeededFuture();
    }
    return Future.all(outcomes.stream().map(o -> send(o.topic(), o.key(), o.value())).toList()).mapEmpty();
  }

  /** Sends until Kafka acknowledges; the source offset stays uncommitted meanwhile. */
  private Future<Void> send(String topic, String key, String value) {
    Promise<Void> done = Promise.promise();
    writing++;
    attempt(KafkaProducerRecord.create(topic, key, value), 1, done);
    return done.future().onComplete(v -> writing--);
  }

  private void attempt(KafkaProducerRecord<String, String> record, int attempt, Promise<Void> done) {
    producer.send(record).onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete();
        return;
      }
      long delay = WRITE_BACKOFF.delayMs(attempt + 1);
      LOG.error("publish.failed topic={} key={} attempt={} retry_in_ms={} error={}",
          record.topic(), record.key(), attempt, delay, ar.cause().toString());
      vertx.setTimer(delay, t -> attempt(record, attempt + 1, done));
    });
  }

  /** Tells each consumer its offsets are done; in exactly-once delivery with their outcomes, to write. */
  private void ack(List<Outcome> outcomes) {
    boolean carry = kafka.exactlyOnce();
    outcomes.stream()
        .collect(Collectors.groupingBy(o -> o.source().ackAddress()))
        .forEach((address, list) -> vertx.eventBus().send(address,
            new BatchAck(list.stream().map(Outcome::source).toList(), carry ? list : List.of())));
  }

  @Override
  public Future<?> stop() {
    // no new hand-over first: one taken (acknowledged) after the producer closed could never be written, and its
    // offset would stay in flight until a restart; one arriving now is discarded by Vert.x and sent to another instance
    // then the writes it took finish: a write waiting to be tried again waits on a timer, which dies with this
    // instance, so closing first would leave its offset in flight until a restart
    long deadline = System.currentTimeMillis() + app.shutdownTimeoutMs();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> Drain.until(vertx, () -> writing == 0, deadline, 20))
        .eventually(() -> {
          if (writing > 0) {
            LOG.warn("publisher.stopped writes_abandoned={} (their events stay uncommitted and are read again)", writing);
            telemetry.uncleanStop("publisher: " + writing + " records still unwritten at the drain deadline");
          }
          return producer == null ? Future.succeededFuture() : producer.flush().compose(v -> producer.close());
        });
  }
}
