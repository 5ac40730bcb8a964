package com.reviewpipeline.kafka;

import com.reviewpipeline.model.BatchAck.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome records of one tracked consumer's offsets, written in the transaction that commits those offsets
 * ({@code delivery.mode: exactly_once}). Outcomes wait here from their ack until the next commit; each commit is one
 * transaction: the waiting outcomes, then the offsets with their maps and the consumer's group metadata
 * ({@code sendOffsetsToTransaction}), then commit. A failed transaction is aborted and its outcomes wait for the next
 * commit, still ahead of later ones (the offsets stay uncommitted meanwhile); a fenced producer is replaced. The
 * outcomes of revoked partitions are dropped ({@link #forget}): the next owner reads their records again, from the
 * last committed offset, and writes their outcomes in its own transactions. The producer is used from worker threads,
 * one transaction at a time ({@code executeBlocking}, ordered on the owner's context); the rest from the owner's event
 * loop.
 */
public final class OutcomeTransactions {

  private static final Logger LOG = LoggerFactory.getLogger(OutcomeTransactions.class);
  /** Tries of {@code commitTransaction} that time out before the transaction counts as failed (its result unknown). */
  private static final int COMMIT_TRIES = 3;

  private final Vertx vertx;
  private final Map<String, Object> props;
  private final Supplier<ConsumerGroupMetadata> group;
  private final String consumerName;
  /** Outcomes not yet in a committed transaction, by the partition of their source offset, in ack order. */
  private final Map<Integer, List<Outcome>> waiting = new LinkedHashMap<>();
  private KafkaProducer<String, String> producer;

  /**
   * @param transactionalId unique per consumer instance (fencing is by the group's generation, KIP-447)
   * @param group the consumer's group metadata as of its last poll
   */
  OutcomeTransactions(Vertx vertx, String bootstrapServers, String transactionalId, long transactionTimeoutMs,
      Supplier<ConsumerGroupMetadata> group, String consumerName) {
    this.vertx = vertx;
    this.group = group;
    this.consumerName = consumerName;
    Map<String, Object> p = new HashMap<>(Producers.stringSettings(bootstrapServers));
    p.put("transactional.id", transactionalId);
    p.put("transaction.timeout.ms", String.valueOf(transactionTimeoutMs));
    p.put("linger.ms", "5");
    p.put("compression.type", "lz4");
    this.props = p;
  }

  Future<Void> start() {
    return vertx.executeBlocking(() -> {
      producer = newProducer();
      return null;
    });
  }

  private KafkaProducer<String, String> newProducer() {
    KafkaProducer<String, String> p = new KafkaProducer<>(props);
    p.initTransactions();
    return p;
  }

  /** Outcomes whose offsets are about to be marked done: written with the next commit. */
  void add(List<Outcome> outcomes) {
    for (Outcome o : outcomes) {
      waiting.computeIfAbsent(o.source().partition(), k -> new ArrayList<>()).add(o);
    }
  }

  /** The partitions were revoked: their waiting outcomes are the next owner's to write. */
  void forget(Set<Integer> partitions) {
    int dropped = 0;
    for (Integer p : partitions) {
      List<Outcome> gone = waiting.remove(p);
      dropped += gone == null ? 0 : gone.size();
    }
    if (dropped > 0) {
      LOG.info("consumer.transaction.outcomes_dropped consumer={} partitions={} outcomes={} (read again by the next owner)",
          consumerName, partitions, dropped);
    }
  }

  /**
   * One transaction: every waiting outcome and {@code offsets}. Call it in the same event-loop turn as the offsets
   * were computed, so that an offset it commits never lacks its outcome. Fails when the transaction did not commit;
   * the outcomes then wait for the next one.
   */
  Future<Void> write(Map<TopicPartition, OffsetAndMetadata> offsets) {
    Map<Integer, List<Outcome>> batch = new LinkedHashMap<>(waiting);
    waiting.clear();
    if (batch.isEmpty() && offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> commit =
        new HashMap<>();
    offsets.forEach((tp, om) -> commit.put(new org.apache.kafka.common.TopicPartition(tp.getTopic(), tp.getPartition()),
        new org.apache.kafka.clients.consumer.OffsetAndMetadata(om.getOffset(), om.getMetadata())));
    return vertx.<Void>executeBlocking(() -> {
      transaction(batch, commit);
      return null;
    }).onFailure(err -> {
      // back in front of what arrived meanwhile, per partition, unless the partition was revoked meanwhile
      batch.forEach((p, list) -> {
        List<Outcome> later = waiting.remove(p);
        List<Outcome> merged = new ArrayList<>(list);
        if (later != null) {
          merged.addAll(later);
        }
        waiting.put(p, merged);
      });
      LOG.warn("consumer.transaction.aborted consumer={} outcomes={} error={}", consumerName,
          batch.values().stream().mapToInt(List::size).sum(), err.toString());
    });
  }

  private void transaction(Map<Integer, List<Outcome>> batch,
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets) {
    ConsumerGroupMetadata g = group.get();
    if (g == null && !offsets.isEmpty()) {
      throw new IllegalStateException("the consumer has not polled yet: no group metadata");
    }
    try {
      producer.beginTransaction();
      for (List<Outcome> list : batch.values()) {
        for (Outcome o : list) {
          producer.send(new ProducerRecord<>(o.topic(), o.key(), o.value()));
        }
      }
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, g);
      }
      commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
        | UnsupportedVersionException | InvalidProducerEpochException fatal) {
      replaceProducer();
      throw fatal;
    } catch (RuntimeException e) {
      // any failure inside the transaction (a KafkaException, a serializer's, a timeout) ends it: never left open
      try {
        producer.abortTransaction();
      } catch (RuntimeException abortFailed) {
        replaceProducer();
      }
      throw e;
    }
  }

  private void commitTransaction() {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        // the commit may have reached the coordinator: only the same call may finish it (never an abort)
        if (attempt >= COMMIT_TRIES) {
          throw e;
        }
      }
    }
  }

  private void replaceProducer() {
    try {
      producer.close(java.time.Duration.ZERO);
    } catch (RuntimeException ignored) {
      // a fenced producer may refuse even to close cleanly
    }
    producer = newProducer();
  }

  Future<Void> close() {
    return vertx.executeBlocking(() -> {
      if (producer != null) {
        producer.close(java.time.Duration.ofSeconds(5));
      }
      return null;
    });
  }
}
