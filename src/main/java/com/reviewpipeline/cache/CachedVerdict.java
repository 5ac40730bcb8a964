package com.reviewpipeline.cache;

import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.PipelineEvent;
import io.vertx.core.json.JsonObject;

/**
 * A published verdict as the cache keeps it: the verdict fields (encoded JSON: one compact string instead of a map
 * per entry), the event that was judged and the judgment's model, tier and batch. Nothing of the review itself.
 *
 * @param judgedEventId the event whose call produced the verdict: {@code cached_from} of every answer
 * @param verdict the verdict fields as JSON text, without the item id
 * @param contained whether the judged review was judged apart as a suspected prompt injection; an answer for the same
 *     text is marked the same
 * @param publishedAtMs when the verdict was published; the TTL counts from here and is never extended by a hit
 */
public record CachedVerdict(String judgedEventId, String verdict, String model, String tier, String batchId,
    int batchSize, boolean contained, long publishedAtMs) {

  /** The cache entry for a verdict Kafka has just acknowledged. */
  public static CachedVerdict of(EventResult judged, long nowMs) {
    JsonObject fields = judged.verdict().copy();
    fields.remove("id");
    return new CachedVerdict(judged.event().id(), fields.encode(), judged.model(), judged.tier(), judged.batchId(),
        judged.batchSize(), judged.event().contained(), nowMs);
  }

  /**
   * The result for {@code event}: its own review, id and source with this verdict, at no cost, saying which event
   * was judged ({@link EventResult#cachedFrom()}).
   */
  public EventResult answer(PipelineEvent event) {
    JsonObject fields = new JsonObject(verdict).put("id", event.id());
    return new EventResult(contained && !event.contained() ? event.asContained() : event, fields, model, tier, batchId,
        batchSize, 0, 0, 0, judgedEventId);
  }

  /** The value in the cluster's shared map (plain JSON text: any member can read it whatever its classes). */
  public String encode() {
    return new JsonObject()
        .put("judged_event_id", judgedEventId)
        .put("verdict", verdict)
        .put("model", model)
        .put("tier", tier)
        .put("batch_id", batchId)
        .put("batch_size", batchSize)
        .put("contained", contained)
        .put("published_at_ms", publishedAtMs)
        .encode();
  }

  /** @throws IllegalArgumentException when {@code text} is not what {@link #encode()} writes */
  public static CachedVerdict decode(String text) {
    try {
      JsonObject j = new JsonObject(text);
      return new CachedVerdict(require(j, "judged_event_id"), require(j, "verdict"), require(j, "model"),
          require(j, "tier"), j.getString("batch_id"), j.getInteger("batch_size", 0), j.getBoolean("contained", false),
          j.getLong("published_at_ms"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a cached verdict: " + e.getMessage(), e);
    }
  }

  private static String require(JsonObject j, String field) {
    String v = j.getString(field);
    if (v == null) {
      throw new IllegalArgumentException("missing " + field);
    }
    return v;
  }
}
