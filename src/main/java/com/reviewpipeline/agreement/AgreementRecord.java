package com.reviewpipeline.agreement;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One shadow comparison: the verdict a first tier gave (before any escalation) against the reference tier's, field by
 * field. The unit of the agreement topic; its key is the pipeline and event, so a comparison made twice (the event
 * read again after a crash) counts once.
 *
 * @param atMs when it was compared (the time every node's "since" comes from)
 * @param agree per compared field, whether both verdicts had the same value
 */
public record AgreementRecord(String pipeline, String eventId, String firstTier, String firstModel,
    String referenceModel, long atMs, Map<String, Boolean> agree) {

  public AgreementRecord {
    agree = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(agree));
  }

  /** The topic key: one comparison per (pipeline, event). */
  public String key() {
    return pipeline + "/" + eventId;
  }

  public JsonObject toJson() {
    JsonObject a = new JsonObject();
    agree.forEach(a::put);
    return new JsonObject().put("pipeline", pipeline).put("event_id", eventId).put("first_tier", firstTier)
        .put("first_model", firstModel).put("reference_model", referenceModel).put("at", atMs).put("agree", a);
  }

  /** @throws IllegalArgumentException when a field is missing or of another type */
  public static AgreementRecord fromJson(JsonObject j) {
    try {
      Map<String, Boolean> agree = new LinkedHashMap<>();
      j.getJsonObject("agree").forEach(e -> agree.put(e.getKey(), (Boolean) e.getValue()));
      AgreementRecord r = new AgreementRecord(j.getString("pipeline"), j.getString("event_id"),
          j.getString("first_tier"), j.getString("first_model"), j.getString("reference_model"), j.getLong("at"),
          agree);
      if (r.pipeline == null || r.eventId == null || r.firstModel == null || r.referenceModel == null) {
        throw new IllegalArgumentException("pipeline, event_id, first_model and reference_model are required");
      }
      return r;
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("not an agreement record: " + e.getMessage(), e);
    }
  }
}
