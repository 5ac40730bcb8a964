package com.reviewpipeline.model;

/**
 * One valid review travelling through one pipeline.
 *
 * @param retryCount how many times the retry ladder has already sent it back (0 on first pass)
 * @param enqueuedAtMs wall-clock time the ingest verticle handed it out, for end-to-end latency
 */
public record PipelineEvent(
    String pipeline,
    ReviewEvent event,
    SourceRef source,
    int retryCount,
    long enqueuedAtMs) {

  public String id() {
    return event.eventId();
  }
}
