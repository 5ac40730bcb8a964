package com.reviewpipeline.claude;

import com.reviewpipeline.agreement.AgreementGate;
import com.reviewpipeline.agreement.AgreementRecord;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.ShadowConfig;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.Rejudge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What becomes of a batch's verdicts under its pipeline's cascade and shadow sampling (docs/claude-stage.md
 * "Cascade", "Shadow
 * sampling"): published, escalated to a higher tier (back to the buffer, the offset still held), or, for a shadow
 * sample, compared with the published verdict and dropped. Published verdicts that are sampled get a shadow copy for
 * the reference tier. Plain data, decided without Vert.x so every branch is unit-tested.
 *
 * @param publish the verdicts to publish
 * @param escalate events to judge again, each carrying its earlier verdicts and the tier to judge it on
 * @param shadows shadow copies of published events, for the reference tier
 * @param comparisons one per shadow verdict: which fields the reference tier agreed on
 * @param firstVerdicts verdicts of the cascade's first tier, escalated or not (what the escalation share is of)
 */
public record Rejudgements(
    List<EventResult> publish,
    List<PipelineEvent> escalate,
    List<PipelineEvent> shadows,
    List<Comparison> comparisons,
    int firstVerdicts) {

  /**
   * A shadow verdict against the published one.
   *
   * @param pair {@code <published tier>_vs_<reference tier>}
   * @param agree per compared field, whether both verdicts have the same value
   * @param record the same as the agreement ledger keeps it (with the models and the event)
   */
  public record Comparison(String pair, Map<String, Boolean> agree, AgreementRecord record) {}

  public static Rejudgements of(PipelineConfig pipeline, List<EventResult> results) {
    return of(pipeline, results, false);
  }

  /**
   * @param saving a budget's {@code cheaper_tier} action holds for the pipeline: no verdict is escalated and no shadow
   *     sampled, since both are further calls (docs/claude-stage.md "Budget guardrails")
   */
  public static Rejudgements of(PipelineConfig pipeline, List<EventResult> results, boolean saving) {
    return of(pipeline, results, saving, AgreementGate.UNGATED);
  }

  /**
   * @param gate which confident flags escalate, and how many first verdicts are shadowed (docs/claude-stage.md
   * "Agreement-gated
   *     escalation")
   */
  public static Rejudgements of(PipelineConfig pipeline, List<EventResult> results, boolean saving,
      AgreementGate gate) {
    CascadeConfig cascade = pipeline.cascade();
    ShadowConfig shadow = pipeline.shadow();
    List<EventResult> publish = new ArrayList<>();
    List<PipelineEvent> escalate = new ArrayList<>();
    List<PipelineEvent> shadows = new ArrayList<>();
    List<Comparison> comparisons = new ArrayList<>();
    int first = 0;
    for (EventResult r : results) {
      PipelineEvent e = r.event();
      boolean flagged = pipeline.flags(r.verdict());
      if (e.isShadow()) {
        comparisons.add(compare(shadow, e.rejudge().prior().get(0), r));
        continue;
      }
      // an escalated event is judged once more at most: its second verdict is the cascade's last word
      boolean firstTier = !e.isEscalated() && cascade.judgesFirst(r.tier());
      if (firstTier) {
        first++;
      }
      List<String> flags = pipeline.flagFields().stream().filter(f -> Boolean.TRUE.equals(r.verdict().getValue(f)))
          .toList();
      CascadeConfig.Escalation up = e.isEscalated() || saving ? null
          : cascade.escalation(r.tier(), e.event(), r.verdict(), flags, f -> gate.escalates(pipeline, r.model(), f));
      // a first tier's verdict is compared as it was judged, escalated or not: comparing only what it published would
      // hide its errors on the flags escalation corrects; an escalated verdict was compared (or not) at its first tier
      double share = firstTier ? gate.shadowShare(pipeline, r.model()) : shadow.sampleShare();
      if (!saving && !e.isEscalated() && shadow.sampled(e.id(), r.tier(), share)) {
        shadows.add(e.shadow(shadow.referenceTier(), prior(r, flagged, "")));
      }
      if (up != null) {
        escalate.add(e.escalated(up.tier(), prior(r, flagged, up.reason())));
        continue;
      }
      publish.add(r);
    }
    return new Rejudgements(publish, escalate, shadows, comparisons, first);
  }

  /** The verdict as an earlier one; its cost is its own share (an escalated result's cost includes its priors'). */
  private static Rejudge.Prior prior(EventResult r, boolean flagged, String reason) {
    double before = r.event().rejudge() == null ? 0 : r.event().rejudge().priorCostUsd();
    return new Rejudge.Prior(r.model(), r.tier(), r.verdict().copy(), flagged, reason, r.costUsd() - before,
        r.inputTokens(), r.outputTokens());
  }

  static Comparison compare(ShadowConfig shadow, Rejudge.Prior published, EventResult reference) {
    Map<String, Boolean> agree = new LinkedHashMap<>();
    for (String field : shadow.fields()) {
      agree.put(field, Objects.equals(published.verdict().getValue(field), reference.verdict().getValue(field)));
    }
    return new Comparison(published.tier() + "_vs_" + reference.tier(), agree, new AgreementRecord(
        reference.event().pipeline(), reference.event().id(), published.tier(), published.model(), reference.model(),
        System.currentTimeMillis(), agree));
  }
}
