package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The configured model profiles: an exact id wins over a prefix, a longer prefix over a shorter one. */
public final class ModelProfiles {

  private final List<ModelProfile> profiles;
  /** Model id → its profile, resolved once (asked several times per review on the hot path); bounded by the ids used. */
  private final java.util.Map<String, ModelProfile> resolved = new java.util.concurrent.ConcurrentHashMap<>();

  public ModelProfiles(Collection<ModelProfile> profiles) {
    this.profiles = List.copyOf(profiles);
  }

  public static ModelProfiles fromJson(JsonObject models) {
    List<ModelProfile> list = new ArrayList<>();
    models.forEach(e -> {
      if (!(e.getValue() instanceof JsonObject j)) {
        throw new IllegalArgumentException("models." + e.getKey() + " must be a mapping");
      }
      list.add(ModelProfile.fromJson(e.getKey(), j));
    });
    return new ModelProfiles(list);
  }

  /** The profile for a model id; fails with the key to add when none matches. */
  public ModelProfile of(String model) {
    ModelProfile known = resolved.get(model);
    return known != null ? known : resolved.computeIfAbsent(model, this::resolve);
  }

  private ModelProfile resolve(String model) {
    ModelProfile best = null;
    for (ModelProfile p : profiles) {
      if (p.id().equals(model)) {
        return p;
      }
      if (p.matches(model) && (best == null || p.id().length() > best.id().length())) {
        best = p;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no model profile for " + model + " (add models." + model
          + ", or a prefix such as models.\"" + prefixHint(model) + "\", to conf/application.yaml)");
    }
    return best;
  }

  public ModelPrice price(String model) {
    return of(model).price();
  }

  public List<ModelProfile> all() {
    return profiles;
  }

  private static String prefixHint(String model) {
    int dash = model.lastIndexOf('-');
    return (dash > 0 ? model.substring(0, dash + 1) : model) + "*";
  }
}
