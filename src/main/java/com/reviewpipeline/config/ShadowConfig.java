package com.reviewpipeline.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A pipeline's shadow sampling (docs/claude-stage.md "Shadow sampling"): a share of the events whose published
 * verdict comes from
 * another tier than {@code referenceTier} is judged on the reference tier as well, and the two verdicts are compared
 * field by field. Shadow verdicts are never published.
 *
 * @param sampleShare share of eligible events sampled (0: off); chosen by a hash of the event id, so the same events
 *     are sampled in every run and on every node
 * @param fields the documented verdict fields compared (empty: the tool file's {@code flag_fields})
 * @param unprovenShare the share sampled from the cascade's first tier while a flag field's agreement there is still
 *     unproven (docs/claude-stage.md "Agreement-gated escalation"): more comparisons sooner, the base share once proven
 */
public record ShadowConfig(double sampleShare, String referenceTier, List<String> fields, double unprovenShare) {

  public static final ShadowConfig OFF = new ShadowConfig(0, "", List.of());

  /** Shadow sampling at one share, proven or not. */
  public ShadowConfig(double sampleShare, String referenceTier, List<String> fields) {
    this(sampleShare, referenceTier, fields, sampleShare);
  }

  /** Whether a verdict published from {@code tier} for event {@code eventId} is also judged on the reference tier. */
  public boolean sampled(String eventId, String tier) {
    return sampled(eventId, tier, sampleShare);
  }

  /** The same at {@code share} (the unproven share while the first tier's agreement is being learned). */
  public boolean sampled(String eventId, String tier, double share) {
    return share > 0 && !referenceTier.isEmpty() && !referenceTier.equals(tier) && position(eventId) < share;
  }

  /** The event id's place in [0, 1): CRC-32 of its UTF-8 bytes over 2^32 (stable across JVMs, unlike hashCode). */
  static double position(String eventId) {
    CRC32 crc = new CRC32();
    crc.update(eventId.getBytes(StandardCharsets.UTF_8));
    return crc.getValue() / 4294967296.0;
  }

  static ShadowConfig fromJson(io.vertx.core.json.JsonObject j, Set<String> tiers, List<String> verdictFields,
      List<String> flagFields, String pipeline) {
    String where = "pipeline " + pipeline + ": shadow.";
    double share = j.getDouble("sample_share");
    if (share < 0 || share > 1) {
      throw new IllegalArgumentException(where + "sample_share must be within 0..1: " + share);
    }
    double unproven = j.getDouble("unproven_sample_share");
    if (unproven < 0 || unproven > 1) {
      throw new IllegalArgumentException(where + "unproven_sample_share must be within 0..1: " + unproven);
    }
    if (share == 0) {
      return OFF;
    }
    String reference = j.getString("reference_tier");
    CascadeConfig.requireTier(tiers, reference, where + "reference_tier");
    List<String> fields = j.getJsonArray("fields").stream().map(String::valueOf).toList();
    for (String f : fields) {
      if (!verdictFields.contains(f)) {
        throw new IllegalArgumentException(where + "fields: '" + f + "' is not one of " + verdictFields);
      }
    }
    // never fewer samples while unproven than once proven
    return new ShadowConfig(share, reference, fields.isEmpty() ? List.copyOf(flagFields) : fields,
        Math.max(share, unproven));
  }
}
