package com.reviewpipeline.eval;

import com.reviewpipeline.agreement.Wilson;
import com.reviewpipeline.config.AgreementPolicy;
import com.reviewpipeline.config.CascadeConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.config.RouteRule;
import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cascade replayed offline on answers already recorded for every tier: routing by the pipeline's rules (else the
 * setting's default tier), the escalation decision by the service's own {@link CascadeConfig#escalation}, the
 * agreement gate from each first tier's agreement with the reference tier measured on the whole labelled set (a field
 * is proven with at least {@code min_samples} comparisons and a Wilson 95% lower bound at the target; the service
 * measures it on shadow samples over its window). The cost of a review is its first judgement's share plus, when
 * escalated, its second's.
 */
public final class CascadeSim {

  /** The quality and cost of one setting over the set. */
  public record Point(CascadeSetting setting, Quality quality, List<Quality.Pair> pairs, double usd, int reviews,
      int escalated) {

    public double usdPer1000() {
      return reviews == 0 ? 0 : usd / reviews * 1000;
    }

    public double escalatedShare() {
      return reviews == 0 ? 0 : (double) escalated / reviews;
    }
  }

  private final PipelineConfig pipeline;
  private final List<LabelledReview> reviews;
  private final Map<String, Map<String, Judgement>> byTier;
  private final String referenceTier;

  public CascadeSim(PipelineConfig pipeline, List<LabelledReview> reviews, Map<String, Map<String, Judgement>> byTier,
      String referenceTier) {
    this.pipeline = pipeline;
    this.reviews = reviews;
    this.byTier = byTier;
    this.referenceTier = referenceTier;
  }

  /** The tiers a setting needs answers from: null when all were judged, else the first missing one. */
  public String missingTier(CascadeSetting s) {
    Set<String> need = new HashSet<>();
    need.add(s.defaultTier());
    pipeline.routes().forEach(r -> need.add(r.tier()));
    if (s.enabled()) {
      need.add(s.escalateTo());
      pipeline.cascade().rules().forEach(r -> need.add(r.tier().isEmpty() ? s.escalateTo() : r.tier()));
    }
    return need.stream().filter(t -> !byTier.containsKey(t)).sorted().findFirst().orElse(null);
  }

  public Point simulate(CascadeSetting s) {
    String missing = missingTier(s);
    if (missing != null) {
      throw new IllegalArgumentException("setting " + s.label() + " needs tier '" + missing + "', which was not judged");
    }
    AgreementPolicy configured = pipeline.cascade().agreement();
    CascadeConfig cascade = new CascadeConfig(s.enabled(), s.firstTier(), s.escalateTo(), s.flagged(),
        s.confidenceBelow(), s.enabled() ? pipeline.cascade().rules() : List.of());
    List<Quality.Pair> pairs = new ArrayList<>();
    double usd = 0;
    int escalated = 0;
    for (LabelledReview r : reviews) {
      ReviewEvent event = r.event();
      String tier = route(event, s.defaultTier());
      Judgement first = byTier.get(tier).get(r.id());
      usd += first.usd();
      JsonObject verdict = first.verdict();
      if (first.ok()) {
        List<String> flagged = pipeline.flagFields().stream()
            .filter(f -> Boolean.TRUE.equals(verdict.getValue(f))).toList();
        CascadeConfig.Escalation e = cascade.escalation(tier, event, verdict, flagged,
            field -> escalatesFlag(configured, s, field));
        if (e != null) {
          escalated++;
          Judgement second = byTier.get(e.tier()).get(r.id());
          usd += second.usd();
          if (second.ok()) {
            pairs.add(new Quality.Pair(r, second.verdict()));
          }
          continue;
        }
        pairs.add(new Quality.Pair(r, verdict));
      }
    }
    return new Point(s, Quality.of(pairs, pipeline.flagFields()), pairs, usd, reviews.size(), escalated);
  }

  private String route(ReviewEvent event, String defaultTier) {
    for (RouteRule rule : pipeline.routes()) {
      if (rule.matches(event)) {
        return rule.tier();
      }
    }
    return defaultTier;
  }

  private boolean escalatesFlag(AgreementPolicy configured, CascadeSetting s, String field) {
    AgreementPolicy.Pin pin = configured.pin(field);
    if (pin != null) {
      return pin == AgreementPolicy.Pin.ALWAYS;
    }
    if (!s.agreement()) {
      return true;
    }
    long[] agreeN = agreement(s.firstTier(), field);
    boolean proven = agreeN[1] >= configured.minSamples()
        && Wilson.lowerBound(agreeN[0], agreeN[1]) >= s.agreementTarget();
    return !proven;
  }

  private final Map<String, long[]> agreements = new java.util.concurrent.ConcurrentHashMap<>();

  /** {agreeing, compared} of {@code tier} with the reference tier on {@code field}, over reviews both answered. */
  long[] agreement(String tier, String field) {
    return agreements.computeIfAbsent(tier + "/" + field, k -> {
      Map<String, Judgement> ref = byTier.get(referenceTier);
      if (ref == null) {
        return new long[] {0, 0};
      }
      long agree = 0;
      long n = 0;
      for (LabelledReview r : reviews) {
        Judgement a = byTier.get(tier).get(r.id());
        Judgement b = ref.get(r.id());
        if (a.ok() && b.ok()) {
          n++;
          agree += java.util.Objects.equals(a.verdict().getValue(field), b.verdict().getValue(field)) ? 1 : 0;
        }
      }
      return new long[] {agree, n};
    });
  }
}
