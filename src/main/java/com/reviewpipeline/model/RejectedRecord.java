package com.reviewpipeline.model;

/** A Kafka record that is not a valid review event: dead-lettered as {@code malformed}, never retried. */
public record RejectedRecord(String pipeline, SourceRef source, byte[] key, byte[] value, String reason) {}
