package com.reviewpipeline.agreement;

import com.reviewpipeline.config.AgreementPolicy;
import com.reviewpipeline.config.PipelineConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The cascade's question to the ledger (docs/claude-stage.md "Agreement-gated escalation"): does a confident flag on
 * this field,
 * from this first-tier model, still need a second opinion? Yes while the field is unproven, when the operator pinned
 * it {@code always}, when the gate is off, and when nothing measures it (no shadow sampling, or the field is not
 * compared); no once proven or pinned {@code never}. Also how many first verdicts to shadow: the unproven share while
 * any of the pipeline's flags still escalates by measurement, the base share after.
 */
public final class AgreementGate {

  /** No ledger: every flag escalates, shadows at the base share (a cascade without the gate). */
  public static final AgreementGate UNGATED = new AgreementGate(null, tier -> tier);

  private final AgreementLedger ledger;
  private final UnaryOperator<String> modelForTier;

  /** @param modelForTier the model id behind a tier (the reference tier's is part of the ledger's key) */
  public AgreementGate(AgreementLedger ledger, UnaryOperator<String> modelForTier) {
    this.ledger = ledger;
    this.modelForTier = modelForTier;
  }

  /** Whether a confident first verdict from {@code firstModel} flagging {@code field} escalates. */
  public boolean escalates(PipelineConfig p, String firstModel, String field) {
    AgreementPolicy policy = p.cascade().agreement();
    AgreementPolicy.Pin pin = policy.pin(field);
    if (pin != null) {
      return pin == AgreementPolicy.Pin.ALWAYS;
    }
    return !measuredProven(p, firstModel, field);
  }

  /** The share of first verdicts from {@code firstModel} to shadow on the reference tier. */
  public double shadowShare(PipelineConfig p, String firstModel) {
    boolean learning = p.flagFields().stream()
        .anyMatch(f -> p.cascade().agreement().pin(f) == null && !measuredProven(p, firstModel, f));
    return learning ? p.shadow().unprovenShare() : p.shadow().sampleShare();
  }

  private boolean measuredProven(PipelineConfig p, String firstModel, String field) {
    if (ledger == null || !p.cascade().agreement().enabled() || p.shadow().sampleShare() == 0
        || !p.shadow().fields().contains(field)) {
      return false;
    }
    return ledger.state(p.name(), firstModel, modelForTier.apply(p.shadow().referenceTier()), field).proven();
  }

  /**
   * The ledger's view with, per pipeline and flag field of its cascade's first tier, whether confident flags escalate
   * now, and any pin; the {@code agreement} section of {@code GET /api/stats}.
   */
  public JsonObject describe(List<PipelineConfig> pipelines) {
    JsonObject out = ledger == null ? new JsonObject() : ledger.describe();
    for (PipelineConfig p : pipelines) {
      if (!p.cascade().enabled()) {
        continue;
      }
      String first = modelForTier.apply(p.cascade().firstTier());
      String reference = modelForTier.apply(p.shadow().referenceTier().isEmpty() ? "deep" : p.shadow().referenceTier());
      String pair = first + "_vs_" + reference;
      JsonObject pipeline = out.getJsonObject(p.name(), new JsonObject());
      out.put(p.name(), pipeline);
      JsonObject section = pipeline.getJsonObject(pair, new JsonObject());
      pipeline.put(pair, section);
      JsonObject fields = section.getJsonObject("fields", new JsonObject());
      section.put("first_model", first).put("reference_model", reference).put("fields", fields)
          .put("gate", p.cascade().agreement().toJson());
      for (String f : p.flagFields()) {
        JsonObject field = fields.getJsonObject(f, new JsonObject().put("samples", 0).put("proven", false));
        fields.put(f, field.put("escalating", escalates(p, first, f)));
        AgreementPolicy.Pin pin = p.cascade().agreement().pin(f);
        if (pin != null) {
          field.put("pinned", pin.name().toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return out;
  }
}
