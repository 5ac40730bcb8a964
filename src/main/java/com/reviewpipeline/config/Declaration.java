package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The one declaration of every configuration key and its default: the {@code conf/application.yaml} shipped on the
 * classpath (never the working directory's copy, which may be the edited one). A setting absent from the operator's
 * file takes the shipped value; the typed settings read nothing else, so a default exists in one place.
 * docs/configuration.md is checked against it by a test. Entries of operator-named lists and maps ({@code pipelines[]},
 * {@code models.<id>}) have their optional keys' defaults in {@link PipelineConfig#ENTRY_DEFAULTS} and
 * {@link ModelProfile#ENTRY_DEFAULTS}.
 */
public final class Declaration {

  private static final JsonObject SHIPPED = load();

  private Declaration() {}

  /** A copy of the whole shipped declaration. */
  public static JsonObject shipped() {
    return SHIPPED.copy();
  }

  /**
   * The declared section at {@code dottedPath} (e.g. {@code "anthropic.rate_limits"}) with {@code given} merged over
   * it (nested objects merged, arrays and scalars replaced).
   *
   * @throws IllegalArgumentException when a declared key is given without a value
   */
  public static JsonObject withDefaults(String dottedPath, JsonObject given) {
    JsonObject declared = section(dottedPath);
    return merged(declared, given, dottedPath);
  }

  /** {@code defaults} with {@code given} merged over it, every key of {@code defaults} required to keep a value. */
  static JsonObject merged(JsonObject defaults, JsonObject given, String where) {
    JsonObject out = defaults.copy();
    if (given != null) {
      out.mergeIn(given.copy(), true);
    }
    requireValues(defaults, out, where);
    return out;
  }

  static JsonObject section(String dottedPath) {
    Object node = SHIPPED;
    for (String part : dottedPath.split("\\.")) {
      if (!(node instanceof JsonObject o) || !(o.getValue(part) instanceof JsonObject)) {
        throw new IllegalArgumentException("no configuration section '" + dottedPath + "' is declared");
      }
      node = o.getValue(part);
    }
    return ((JsonObject) node).copy();
  }

  /** A declared key set to nothing ({@code key: ~} in YAML) is an error, not a silent fallback. */
  static void requireValues(JsonObject declared, JsonObject actual, String where) {
    declared.forEach(e -> {
      String key = where.isEmpty() ? e.getKey() : where + "." + e.getKey();
      if (e.getValue() != null && actual.getValue(e.getKey()) == null) {
        throw new IllegalArgumentException("configuration key '" + key + "' has no value (declared default: "
            + e.getValue() + ")");
      }
      if (e.getValue() instanceof JsonObject d && actual.getValue(e.getKey()) instanceof JsonObject a) {
        requireValues(d, a, key);
      }
    });
  }

  private static JsonObject load() {
    try (InputStream in = Declaration.class.getClassLoader().getResourceAsStream(ConfigLoader.DEFAULT_PATH)) {
      if (in == null) {
        throw new IllegalStateException(ConfigLoader.DEFAULT_PATH + " is missing from the classpath");
      }
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return toJson((Map<?, ?>) root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject toJson(Map<?, ?> map) {
    JsonObject out = new JsonObject();
    map.forEach((k, v) -> out.put(String.valueOf(k), toJsonValue(v)));
    return out;
  }

  private static Object toJsonValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return toJson(m);
    }
    if (v instanceof java.util.List<?> l) {
      JsonArray a = new JsonArray();
      l.forEach(x -> a.add(toJsonValue(x)));
      return a;
    }
    return v;
  }
}
