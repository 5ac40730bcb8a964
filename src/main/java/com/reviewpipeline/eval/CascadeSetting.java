package com.reviewpipeline.eval;

import java.util.Locale;

/**
 * One point of the sweep: where reviews that no routing rule claims go ({@code defaultTier}), and the cascade's keys
 * as {@code conf/application.yaml} spells them under {@code pipelines[].cascade}. Disabled: every review is judged
 * once on its routed tier.
 */
public record CascadeSetting(String defaultTier, boolean enabled, String firstTier, String escalateTo, boolean flagged,
    double confidenceBelow, boolean agreement, double agreementTarget) {

  /** Every review on one tier (routing rules still apply), no cascade. */
  public static CascadeSetting single(String tier) {
    return new CascadeSetting(tier, false, tier, "", false, 0, false, 0);
  }

  /** A cascade whose first tier is also the default tier. */
  public static CascadeSetting cascade(String first, String to, boolean flagged, double confidenceBelow,
      boolean agreement, double target) {
    return new CascadeSetting(first, true, first, to, flagged, confidenceBelow, agreement, target);
  }

  public String label() {
    if (!enabled) {
      return defaultTier + ", no cascade";
    }
    return String.format(Locale.ROOT, "%s→%s%s c<%.2f%s", firstTier, escalateTo, flagged ? " flagged" : "",
        confidenceBelow, !flagged ? "" : agreement ? String.format(Locale.ROOT, " agreement≥%.2f", agreementTarget)
            : " (no agreement gate)");
  }

  /** The YAML to paste under the pipeline's entry in conf/application.yaml. */
  public String yaml(String pipeline) {
    StringBuilder y = new StringBuilder()
        .append("# conf/application.yaml, under pipelines: the entry with name: ").append(pipeline).append('\n')
        .append("    default_tier: ").append(defaultTier).append('\n')
        .append("    cascade:\n")
        .append("      enabled: ").append(enabled).append('\n');
    if (!enabled) {
      return y.toString();
    }
    y.append("      first_tier: ").append(firstTier).append('\n')
        .append("      escalate_to: ").append(escalateTo).append('\n')
        .append(String.format(Locale.ROOT, "      escalate_when: { flagged: %s, confidence_below: %s, rules: [] }%n",
            flagged, trim(confidenceBelow)));
    if (flagged) {
      y.append("      agreement:\n")
          .append("        enabled: ").append(agreement).append('\n');
      if (agreement) {
        y.append("        target: ").append(trim(agreementTarget)).append('\n');
      }
    }
    return y.toString();
  }

  static String trim(double v) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.2f", v)).stripTrailingZeros().toPlainString();
  }
}
