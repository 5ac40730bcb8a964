package com.reviewpipeline.model;

import java.util.List;

/** Offsets whose outcome Kafka has acknowledged (result, retry or DLQ record written with acks=all). */
public record BatchAck(List<SourceRef> done) {}
