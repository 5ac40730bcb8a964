package com.reviewpipeline.model;

/**
 * One valid review travelling through one pipeline.
 *
 * @param retryCount how many times the retry ladder has already sent it back (0 on first pass)
 * @param enqueuedAtMs wall-clock time the ingest verticle handed it out, for end-to-end latency
 * @param resends how often it went back to its buffer because an answer left it out
 * @param contained whether its text looks like an instruction to the model, so that it is judged apart from
 *     ordinary reviews (set where events are routed into batches; docs/claude-stage.md "Prompt-injection containment")
 * @param forced whether an operator asked for a new judgment (Kafka header {@code rejudge: true}, set by a replay
 *     with {@code "rejudge": true}): the verdict cache is not consulted, and the new verdict replaces the cached one
 * @param rejudge null on its first judgement; else where it is judged again and what it was judged before (a cascade's
 *     escalation or a shadow sample)
 */
public record PipelineEvent(
    String pipeline,
    ReviewEvent event,
    SourceRef source,
    int retryCount,
    long enqueuedAtMs,
    int resends,
    boolean contained,
    boolean forced,
    Rejudge rejudge) {

  public PipelineEvent(String pipeline, ReviewEvent event, SourceRef source, int retryCount, long enqueuedAtMs) {
    this(pipeline, event, source, retryCount, enqueuedAtMs, 0, false, false, null);
  }

  public PipelineEvent(String pipeline, ReviewEvent event, SourceRef source, int retryCount, long enqueuedAtMs,
      int resends, boolean contained) {
    this(pipeline, event, source, retryCount, enqueuedAtMs, resends, contained, false, null);
  }

  public PipelineEvent resent() {
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, resends + 1, contained, forced, rejudge);
  }

  /** The same event, to be judged apart from ordinary reviews. */
  public PipelineEvent asContained() {
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, resends, true, forced, rejudge);
  }

  /** The same event, to be judged anew whatever the verdict cache holds. */
  public PipelineEvent asRejudged() {
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, resends, contained, true, rejudge);
  }

  /** The same event to judge on {@code tier} after {@code verdict}, the earlier ones kept (resends start over). */
  public PipelineEvent escalated(String tier, Rejudge.Prior verdict) {
    java.util.List<Rejudge.Prior> prior = new java.util.ArrayList<>(rejudge == null ? java.util.List.of() : rejudge.prior());
    prior.add(verdict);
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, 0, contained, forced,
        new Rejudge(Rejudge.Kind.ESCALATION, tier, java.util.List.copyOf(prior)));
  }

  /** The same event with {@code rejudge} (restored from a durable record after a restart). */
  public PipelineEvent withRejudge(Rejudge rejudge) {
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, resends, contained, forced, rejudge);
  }

  /** A copy of the event to judge on {@code tier} for comparison with its published verdict {@code published}. */
  public PipelineEvent shadow(String tier, Rejudge.Prior published) {
    return new PipelineEvent(pipeline, event, source, retryCount, enqueuedAtMs, 0, contained, forced,
        new Rejudge(Rejudge.Kind.SHADOW, tier, java.util.List.of(published)));
  }

  /** A shadow sample: its verdict is compared, never published, and it never holds its offset. */
  public boolean isShadow() {
    return rejudge != null && rejudge.kind() == Rejudge.Kind.SHADOW;
  }

  /** Judged before by a cascade's first tier: its verdict published will name the earlier ones. */
  public boolean isEscalated() {
    return rejudge != null && rejudge.kind() == Rejudge.Kind.ESCALATION;
  }

  public String id() {
    return event.eventId();
  }
}
