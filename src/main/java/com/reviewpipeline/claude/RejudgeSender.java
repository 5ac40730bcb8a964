package com.reviewpipeline.claude;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.ToBuffer;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what an answer leaves to judge again: escalated events back to the buffer for their higher tier, and shadow
 * samples to the reference tier's, both as a resend does (an escalated event's offset stays held until its last
 * verdict is published); counts first verdicts, escalations and shadow comparisons.
 */
final class RejudgeSender {

  private static final Logger LOG = LoggerFactory.getLogger(RejudgeSender.class);

  private final Vertx vertx;
  private final Telemetry telemetry;

  RejudgeSender(Vertx vertx, Telemetry telemetry) {
    this.vertx = vertx;
    this.telemetry = telemetry;
  }

  void send(String pipeline, Rejudgements next) {
    if (next.firstVerdicts() > 0) {
      telemetry.cascadeFirstVerdicts(pipeline, next.firstVerdicts());
    }
    for (PipelineEvent e : next.escalate()) {
      var from = e.rejudge().prior().get(e.rejudge().prior().size() - 1);
      LOG.debug("claude.cascade.escalated pipeline={} event={} from={} to={} reason={}", pipeline, e.id(), from.tier(),
          e.rejudge().tier(), from.reason());
      telemetry.escalated(pipeline, from.tier(), e.rejudge().tier(), from.reason());
    }
    ToBuffer.send(vertx, pipeline, next.escalate());
    next.comparisons().forEach(c -> {
      telemetry.shadowCompared(pipeline, c.pair(), c.agree());
      // to the agreement ledger of every node, through the agreement topic (docs/claude-stage.md "Agreement-gated
      // escalation")
      vertx.eventBus().send(Addresses.AGREEMENT, c.record().toJson());
    });
    next.shadows().forEach(e -> telemetry.shadowSampled(pipeline));
    ToBuffer.send(vertx, pipeline, next.shadows());
  }
}
