package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Refuses configuration keys the shipped {@code conf/application.yaml} does not declare: a typo ({@code --set},
 * an environment file, an edited YAML) would otherwise be accepted silently and its default used. The shipped file
 * is the declaration: every key with its default and a comment. Where a section's keys are names the operator
 * chooses (a model id under {@code models}, a tier under {@code tiers}, a pipeline under
 * {@code alerts.routing_drift.bounds}), any name is accepted and its contents are checked against the union of
 * what the shipped entries contain; list items are checked the same way. A routing rule's {@code when} is checked
 * by {@link RouteRule}.
 */
final class KnownKeys {

  /** Sections whose keys are the operator's names. */
  static final Set<String> NAMED = Set.of("tiers", "models", "alerts.routing_drift.bounds",
      "alerts.routing_drift.bounds.*", "budget.pipelines", "message_batches.pipelines");
  /** Sections checked elsewhere. */
  static final Set<String> DELEGATED = Set.of("pipelines[].routing[].when", "pipelines[].cascade.agreement.pin",
      "budget.pipelines.*",
      "message_batches.pipelines.*");

  private KnownKeys() {}

  /** @throws IllegalArgumentException naming the first unknown key and the nearest known one */
  static void check(JsonObject reference, JsonObject actual) {
    check("", reference, actual);
  }

  private static void check(String path, JsonObject reference, JsonObject actual) {
    if (DELEGATED.contains(path)) {
      return;
    }
    boolean named = NAMED.contains(path);
    JsonObject template = named ? union(reference) : null;
    for (String key : actual.fieldNames()) {
      String child = path.isEmpty() ? key : path + "." + key;
      Object ref = named ? template : reference.getValue(key);
      if (!named && !reference.containsKey(key)) {
        throw new IllegalArgumentException("unknown configuration key '" + child + "'" + nearest(path, key,
            reference.fieldNames()) + "; the keys are declared, with their defaults, in conf/application.yaml and"
            + " listed in docs/configuration.md");
      }
      checkValue(named ? (path.isEmpty() ? "*" : path + ".*") : child, ref, actual.getValue(key));
    }
  }

  private static void checkValue(String path, Object reference, Object actual) {
    if (reference instanceof JsonObject ro && actual instanceof JsonObject ao) {
      check(path, ro, ao);
    } else if (reference instanceof JsonArray ra && actual instanceof JsonArray aa) {
      Object item = union(ra);
      if (item instanceof JsonObject template) {
        for (Object o : aa) {
          if (o instanceof JsonObject ao) {
            check(path + "[]", template, ao);
          }
        }
      }
    }
  }

  /** The union of a section's entries: every key any of them has (objects merged recursively). */
  private static JsonObject union(JsonObject named) {
    JsonObject out = new JsonObject();
    named.forEach(e -> merge(out, e.getValue()));
    return out;
  }

  private static Object union(JsonArray items) {
    JsonObject out = new JsonObject();
    boolean objects = false;
    for (Object o : items) {
      if (o instanceof JsonObject) {
        objects = true;
        merge(out, o);
      }
    }
    return objects ? out : null;
  }

  private static void merge(JsonObject into, Object value) {
    if (!(value instanceof JsonObject o)) {
      return;
    }
    o.forEach(e -> {
      Object mine = into.getValue(e.getKey());
      if (mine instanceof JsonObject m && e.getValue() instanceof JsonObject v) {
        merge(m, v);
      } else if (mine instanceof JsonArray m && e.getValue() instanceof JsonArray v) {
        m.addAll(v);
      } else if (mine == null) {
        Object v = e.getValue();
        into.put(e.getKey(), v instanceof JsonObject j ? j.copy() : v instanceof JsonArray a ? a.copy() : v);
      }
    });
  }

  private static String nearest(String path, String key, Set<String> known) {
    List<String> candidates = new ArrayList<>(known);
    candidates.sort(Comparator.comparingInt(k -> distance(k, key)));
    if (candidates.isEmpty() || distance(candidates.get(0), key) > Math.max(3, key.length() / 2)) {
      return "; known keys here: " + known.stream().sorted().toList();
    }
    return " (did you mean '" + (path.isEmpty() ? "" : path + ".") + candidates.get(0) + "'?)";
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
