package com.reviewpipeline.model;

/**
 * Where a record came from and which ingest instance must hear that it is done.
 * The ack address is per ingest instance, so acks reach the consumer that owns the offset.
 */
public record SourceRef(String topic, int partition, long offset, String ackAddress) {}
