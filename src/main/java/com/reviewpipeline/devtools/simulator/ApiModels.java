package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's model table, read from {@code conf/simulator/api-models.json} on the classpath. Rules live
 * in that file rather than in code so each one sits next to the vendor page it was taken from.
 */
public final class ApiModels {

  public static final String RESOURCE = "conf/simulator/api-models.json";

  private static volatile ApiModels standard;

  private final Map<String, ApiModel> byId;

  ApiModels(Map<String, ApiModel> byId) {
    this.byId = Map.copyOf(byId);
  }

  /** The table shipped with the simulator, read once. */
  public static ApiModels standard() {
    ApiModels t = standard;
    if (t == null) {
      t = load();
      standard = t;
    }
    return t;
  }

  static ApiModels load() {
    try (InputStream in = ApiModels.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return parse(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ApiModels parse(JsonObject table) {
    Map<String, ApiModel> byId = new LinkedHashMap<>();
    for (Object o : table.getJsonArray("models")) {
      JsonObject entry = (JsonObject) o;
      // an alias is the same model under another id: its answers name the id the caller sent
      byId.put(entry.getString("id"), ApiModel.fromJson(entry.getString("id"), entry));
      for (Object alias : entry.getJsonArray("aliases", new io.vertx.core.json.JsonArray())) {
        byId.put((String) alias, ApiModel.fromJson((String) alias, entry));
      }
    }
    return new ApiModels(byId);
  }

  public Optional<ApiModel> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public java.util.Set<String> ids() {
    return byId.keySet();
  }
}
