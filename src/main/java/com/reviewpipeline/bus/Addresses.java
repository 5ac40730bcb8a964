package com.reviewpipeline.bus;

/** Every event-bus address of the product. Hot-path addresses carry records through the local codec. */
public final class Addresses {

  /** Valid events of one pipeline, from ingest to the buffer: {@code pipeline.events.<pipeline>}. */
  public static String events(String pipeline) {
    return "pipeline.events." + pipeline;
  }

  /** Flushed batches, from the buffer to the Claude verticles (point to point, round robin). */
  public static final String BATCH_READY = "pipeline.batch.ready";

  /**
   * Local: a batch whose pipeline uses the Message Batches API now, from a Claude verticle to this node's Message
   * Batch verticle, which submits it with others as one Message Batch (docs/claude-stage.md "Message Batches").
   */
  public static final String DEFER = "pipeline.batch.defer";

  /** Local: one request's result from an ended Message Batch, back to a Claude verticle to be answered as usual. */
  public static final String DEFERRED_ANSWER = "pipeline.batch.deferred-answer";

  /**
   * Name of the node-local map {@code pipeline → reason} of pipelines whose batches go to the Message Batches API
   * now ({@code always}, a {@code backlog} above its lag, or a budget's {@code batches} action).
   */
  public static final String MESSAGE_BATCH_PIPELINES = "pipeline.message-batches";

  /** Successful batch results, from the Claude verticles to the publisher. */
  public static final String RESULTS = "pipeline.results";

  /** Failed events and rejected records, to the failure handler in the publisher. */
  public static final String FAILURES = "pipeline.failures";

  /** Malformed records, from ingest to the failure handler. */
  public static final String REJECTED = "pipeline.rejected";

  /** New buffer settings for one pipeline (published JSON {@code {pipeline, buffer: {max_size, max_wait_ms, max_tokens}}}). */
  public static final String BUFFER_CONFIG = "pipeline.buffer.config";

  /** Ask every buffer to flush now (published; replies are not awaited). */
  public static final String BUFFER_FLUSH = "pipeline.buffer.flush";

  /**
   * Pause or resume consumption (published JSON {@code {action: pause|resume, pipeline: name|*, reason}}):
   * the admin API and the Claude verticles (spend limit, no usable key) send it, ingest obeys.
   */
  public static final String CONTROL = "pipeline.control";

  /**
   * Name of the cluster-wide shared map holding the admin pauses ({@code pipeline → pause command}): ingest
   * instances that start later (a scaled deployment, a node joining) read it and start paused.
   */
  public static final String ADMIN_PAUSES = "pipeline.admin.pauses";

  /**
   * Name of the cluster-wide shared map of published verdicts (verdict-cache key → encoded verdict, with a TTL): a
   * node whose own cache misses asks it, so a copy judged on one node is answered on another (docs/claude-stage.md
   * "Verdict cache").
   */
  public static final String VERDICT_CACHE = "pipeline.verdict.cache";

  /** Conditions a human must look at (published JSON {@code {type, key, severity, message, at}};
   * {@code key} defaults to the type). A control resume carrying {@code alert} resolves the alert with that key. */
  public static final String ALERTS = "pipeline.alerts";

  /**
   * Local: one shadow comparison (JSON, the agreement record) for the node's agreement verticle, which writes it to
   * the agreement topic every node's ledger folds (docs/claude-stage.md "Agreement-gated escalation").
   */
  public static final String AGREEMENT = "pipeline.agreement.compared";

  /**
   * Local: a circuit's failures were cleared by a success (JSON {@code {pipeline, model, closed}}); every Claude
   * verticle of the process sends again, or narrows down, the batches it holds for that circuit.
   */
  public static final String CIRCUIT = "pipeline.claude.circuit";

  /**
   * Local: the cost of one answer (JSON {@code {pipeline, usd, reserved_usd}}), from the Claude verticles to this
   * node's budget verticle, which adds it, less what was reserved for it, to the cluster-wide spend of the UTC day.
   */
  public static final String SPEND = "pipeline.budget.spend";

  /**
   * Local request: reserve a request's estimated cost before it is sent (JSON {@code {pipeline, usd}}); the budget
   * verticle adds it to the day's spend and replies {@code {send, reserved}}: {@code send} false when a budget with the
   * pause action cannot cover it (docs/claude-stage.md "Budget guardrails"). The answer's {@link #SPEND} carries
   * {@code reserved_usd}
   * to correct it.
   */
  public static final String BUDGET_RESERVE = "pipeline.budget.reserve";

  /**
   * Node-local map: whether any budget exists (configured or set at run time), kept by the budget verticle; the
   * Claude verticles reserve a request's cost only then.
   */
  public static final String BUDGET_ACTIVE = "pipeline.budget.active";

  /** Local request/reply: the admin API asks this node's budget verticle ({@code {op: get}} or {@code {op: set, scope, daily_usd}}). */
  public static final String BUDGETS = "pipeline.budget.api";

  /** Published: check the budgets now (a budget changed through some node's API). */
  public static final String BUDGET_CHECK = "pipeline.budget.check";

  /**
   * Name of the cluster-wide shared map of budget pauses ({@code pipeline → pause command}, reason {@code budget}):
   * ingest instances that start later read it, as they read {@link #ADMIN_PAUSES}.
   */
  public static final String BUDGET_PAUSES = "pipeline.budget.pauses";

  /** Name of the cluster-wide shared map of budgets changed at run time ({@code scope → daily USD}). */
  public static final String BUDGET_LIMITS = "pipeline.budget.limits";

  /**
   * Name of the node-local map {@code pipeline → tier} of pipelines whose budget's {@code cheaper_tier} action holds:
   * the buffer routes their reviews to that tier. Each node's budget verticle keeps it from the cluster-wide spend.
   */
  public static final String BUDGET_TIERS = "pipeline.budget.tiers";

  /** Ack address of one ingest instance: {@code pipeline.ack.<instance-id>}. */
  public static String ack(String instanceId) {
    return "pipeline.ack." + instanceId;
  }

  private Addresses() {}
}
