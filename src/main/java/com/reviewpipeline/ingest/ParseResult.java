package com.reviewpipeline.ingest;

import com.reviewpipeline.model.ReviewEvent;

/** Outcome of parsing one record value: a valid event, or the reason it is malformed. */
public sealed interface ParseResult {

  record Valid(ReviewEvent event) implements ParseResult {}

  record Malformed(String reason) implements ParseResult {}
}
