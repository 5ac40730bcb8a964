package com.reviewpipeline.claude;

import com.reviewpipeline.agreement.AgreementGate;
import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.bus.Handoff;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.BatchResults;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.telemetry.Telemetry;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Sends a batch's verdicts on under the pipeline's cascade and shadow sampling ({@link Rejudgements}): those to
 * publish to the result publisher, counted per flag, and what is left to judge again through {@link RejudgeSender}.
 */
final class ResultSender {

  private final Vertx vertx;
  private final Telemetry telemetry;
  private final AgreementGate gate;
  private final RejudgeSender rejudges;

  ResultSender(Vertx vertx, Telemetry telemetry, AgreementGate gate) {
    this.vertx = vertx;
    this.telemetry = telemetry;
    this.gate = gate;
    this.rejudges = new RejudgeSender(vertx, telemetry);
  }

  void send(Batch batch, PipelineConfig pipeline, String model, List<EventResult> verdicts) {
    boolean saving = vertx.sharedData().getLocalMap(Addresses.BUDGET_TIERS).containsKey(pipeline.name());
    Rejudgements next = Rejudgements.of(pipeline, verdicts, saving, gate);
    List<EventResult> results = next.publish();
    results.forEach(r -> telemetry.processed(pipeline.name(), model, batch.tier(), pipeline.flags(r.verdict()),
        r.event().contained()));
    if (!results.isEmpty()) {
      Handoff.send(vertx, Addresses.RESULTS, new BatchResults(batch.id(), pipeline.name(), results));
    }
    rejudges.send(pipeline.name(), next);
  }
}
