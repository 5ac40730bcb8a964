package com.reviewpipeline.model;

import java.util.List;

/**
 * Offsets whose outcome is settled. In {@code at_least_once} delivery Kafka has acknowledged their outcome records
 * (result, retry or DLQ record written with acks=all) and {@code outcomes} is empty; in {@code exactly_once} the
 * outcome records travel here unwritten, and the consumer that owns the offsets writes them in the transaction that
 * commits the offsets.
 */
public record BatchAck(List<SourceRef> done, List<Outcome> outcomes) {

  public BatchAck(List<SourceRef> done) {
    this(done, List.of());
  }

  /** An outcome record for the offset {@code source} names: its topic, key and JSON value. */
  public record Outcome(SourceRef source, String topic, String key, String value) {}
}
