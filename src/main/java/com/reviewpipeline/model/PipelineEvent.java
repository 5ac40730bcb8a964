package com.reviewpipeline.model;

/**
 * One valid review travelling through one pipeline.
 *
 * @param retryCount how many times the retry ladder has already sent it back (0 on first pass)
 * @param enqueuedAtMs wall-clock time the ingest verticle handed it out, for end-to-end latency
 * @param resends how often it went back to its buffer because an answer left it out
 * @param contained whether its text looks like an instruction to the model, so that it is judged apart from
 *     ordinary reviews (set where events are routed into batches; README "Prompt-injection containment")
 * @param rejudge whether an operator asked for a new judgment (Kafka header {@code rejudge: true}, set by a replay
 *     with {@code "rejudge": true}): the verdict cache is not consulted, and the new verdict replaces the cached one
 */
public record PipelineEvent(
    String pipeline,
    ReviewEvent event,
    SourceRef source,
    int retryCount,
    long enqueuedAtMs,
    int resends,
    boolean contained,
    boolean rejudge) {

  public PipelineEvent(String pipeline, ReviewEvent event, SourceRef source, int retryCount, long enqueuedAtMs) {
    this(pipeline, event, source, retryCount, enqueuedAtMs, 0, false, false);
  }

  public PipelineEvent resent() {
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, resends + 1, contained, rejudge);
  }

  /** The same event, to be judged apart from ordinary reviews. */
  public PipelineEvent asContained() {
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, resends, true, rejudge);
  }

  /** The same event, to be judged anew whatever the verdict cache holds. */
  public PipelineEvent asRejudged() {
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, resends, contained, true);
  }

  public String id() {
    return event.eventId();
  }
}
