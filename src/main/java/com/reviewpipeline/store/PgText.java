package com.reviewpipeline.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Text PostgreSQL can hold. {@code text} and {@code jsonb} reject U+0000 (NUL), and UTF-8 cannot encode an unpaired
 * surrogate code unit (what a JSON {@code \\ud800} escape without its pair decodes to), though both are valid in a
 * Kafka record's JSON. The stored copy replaces each with U+FFFD (the replacement character); everything else is
 * kept as it is, and the record on Kafka is never changed.
 */
public final class PgText {

  static final char REPLACEMENT = '\uFFFD';

  private PgText() {}

  /** The string with NUL and unpaired surrogates replaced; the same instance when there is none. */
  public static String safe(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder out = null;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean bad;
      if (c == '\u0000') {
        bad = true;
      } else if (Character.isHighSurrogate(c)) {
        bad = i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1));
        if (!bad) {
          if (out != null) {
            out.append(c).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
      } else {
        bad = Character.isLowSurrogate(c);
      }
      if (bad && out == null) {
        out = new StringBuilder(n).append(s, 0, i);
      }
      if (out != null) {
        out.append(bad ? REPLACEMENT : c);
      }
    }
    return out == null ? s : out.toString();
  }

  /** A copy of the JSON with every string, keys included, made {@link #safe}. */
  public static JsonObject safe(JsonObject json) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> e : json) {
      out.put(safe(e.getKey()), safeValue(e.getValue()));
    }
    return out;
  }

  private static Object safeValue(Object v) {
    if (v instanceof String s) {
      return safe(s);
    }
    if (v instanceof JsonObject o) {
      return safe(o);
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(safeValue(x)));
      return out;
    }
    return v;
  }
}
