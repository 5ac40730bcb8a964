package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the items a model answers with map to a pipeline's documented verdict fields, read from the {@code compact}
 * section of its tool file. Output tokens cost five times input tokens and the model writes every key and value of
 * every item, so a pipeline may ask for short items ({@code {"i":"3","f":"s","s":"neg","c":9,"r":"promo link"}})
 * and publish the documented ones ({@code is_spam}, ..., {@code confidence: 0.9}). Without the section, items are
 * the documented fields already (the identity).
 *
 * <p>Rules, one per item key: {@code {"field": name}} copies the value; with {@code "codes": {code: value}} a code
 * becomes its value; with {@code "scale": k} a number becomes number × k (decimal, so 3 × 0.1 is 0.3);
 * {@code {"flags": {letter: field}}} turns a string of letters into one boolean per field; {@code "when_flagged": true}
 * allows the key only on an item that sets a flag. Checked at start against the item schema and {@code flag_fields}.
 */
public final class VerdictMapping {

  private enum Kind { COPY, CODES, SCALE, FLAGS }

  private record Rule(String key, Kind kind, String field, Map<String, String> table, BigDecimal scale,
      boolean whenFlagged) {}

  /** A documented verdict (its id under {@code id}), or the first problem of the item. */
  public record Mapped(JsonObject verdict, String problem) {}

  private final String idKey;
  private final List<Rule> rules;
  private final List<String> fields;
  private final List<String> flagFields;

  private VerdictMapping(String idKey, List<Rule> rules, List<String> fields, List<String> flagFields) {
    this.idKey = idKey;
    this.rules = rules;
    this.fields = fields;
    this.flagFields = flagFields;
  }

  /** Items that are the documented verdict already: the schema's properties but {@code id}. */
  public static VerdictMapping identity(JsonObject itemSchema) {
    List<String> fields = properties(itemSchema).stream().filter(f -> !f.equals("id")).toList();
    return new VerdictMapping("id", null, fields, List.of());
  }

  /**
   * The mapping of a tool file's {@code compact} section (null: the identity).
   *
   * @throws IllegalArgumentException naming what does not fit the item schema or the flag fields
   */
  public static VerdictMapping of(JsonObject compact, JsonObject itemSchema, List<String> flagFields) {
    if (compact == null) {
      return identity(itemSchema);
    }
    Set<String> keys = properties(itemSchema);
    String idKey = compact.getString("id", "id");
    if (!keys.contains(idKey)) {
      throw new IllegalArgumentException("compact.id '" + idKey + "' is not a property of the item schema " + keys);
    }
    JsonObject spec = compact.getJsonObject("fields", new JsonObject());
    List<Rule> rules = new ArrayList<>();
    Set<String> fields = new LinkedHashSet<>();
    for (String key : spec.fieldNames()) {
      if (!keys.contains(key)) {
        throw new IllegalArgumentException("compact.fields." + key + ": not a property of the item schema " + keys);
      }
      Rule rule = rule(key, spec.getJsonObject(key));
      for (String f : rule.kind() == Kind.FLAGS ? rule.table().values() : List.of(rule.field())) {
        if (f.equals("id") || !fields.add(f)) {
          throw new IllegalArgumentException("compact.fields." + key + ": field '" + f + "' is mapped twice");
        }
      }
      rules.add(rule);
    }
    for (String key : keys) {
      if (!key.equals(idKey) && !spec.containsKey(key)) {
        throw new IllegalArgumentException("compact.fields: the item property '" + key + "' has no mapping");
      }
    }
    for (String f : flagFields) {
      if (!fields.contains(f)) {
        throw new IllegalArgumentException("flag_fields: '" + f + "' is not a field compact.fields produces " + fields);
      }
    }
    if (flagFields.isEmpty() && rules.stream().anyMatch(Rule::whenFlagged)) {
      throw new IllegalArgumentException("compact.fields: when_flagged needs flag_fields");
    }
    return new VerdictMapping(idKey, List.copyOf(rules), List.copyOf(fields), List.copyOf(flagFields));
  }

  private static Rule rule(String key, JsonObject r) {
    String where = "compact.fields." + key;
    if (r == null) {
      throw new IllegalArgumentException(where + ": must be an object");
    }
    boolean whenFlagged = r.getBoolean("when_flagged", false);
    if (r.getValue("flags") instanceof JsonObject letters) {
      Map<String, String> table = new LinkedHashMap<>();
      letters.forEach(e -> {
        if (e.getKey().length() != 1 || !(e.getValue() instanceof String field)) {
          throw new IllegalArgumentException(where + ".flags: one letter per field name, not '" + e.getKey() + "'");
        }
        table.put(e.getKey().toLowerCase(Locale.ROOT), field);
      });
      return new Rule(key, Kind.FLAGS, null, Collections.unmodifiableMap(table), null, whenFlagged);
    }
    if (!(r.getValue("field") instanceof String field)) {
      throw new IllegalArgumentException(where + ": needs 'field' (a name) or 'flags' (letters to field names)");
    }
    if (r.getValue("codes") instanceof JsonObject codes) {
      Map<String, String> table = new LinkedHashMap<>();
      codes.forEach(e -> table.put(e.getKey(), String.valueOf(e.getValue())));
      return new Rule(key, Kind.CODES, field, Collections.unmodifiableMap(table), null, whenFlagged);
    }
    if (r.getValue("scale") instanceof Number scale) {
      return new Rule(key, Kind.SCALE, field, null, new BigDecimal(scale.toString()), whenFlagged);
    }
    return new Rule(key, Kind.COPY, field, null, null, whenFlagged);
  }

  /** The property names of an item schema in declaration order, those of its {@code anyOf} branches included. */
  public static Set<String> properties(JsonObject itemSchema) {
    Set<String> out = new LinkedHashSet<>();
    if (itemSchema.getValue("properties") instanceof JsonObject props) {
      out.addAll(props.fieldNames());
    }
    if (itemSchema.getValue("anyOf") instanceof JsonArray branches) {
      branches.forEach(b -> {
        if (b instanceof JsonObject branch) {
          out.addAll(properties(branch));
        }
      });
    }
    return out;
  }

  /** The key of an item that carries the id the request gave its review. */
  public String idKey() {
    return idKey;
  }

  /** The documented verdict fields, in order, without {@code id}: what a result record carries. */
  public List<String> fields() {
    return fields;
  }

  public boolean compact() {
    return rules != null;
  }

  /** The documented verdict of an item that passed the item schema; a problem names the key and the value. */
  public Mapped expand(JsonObject item) {
    if (rules == null) {
      return new Mapped(item, null);
    }
    JsonObject out = new JsonObject().put("id", item.getValue(idKey));
    for (Rule rule : rules) {
      Object v = item.getValue(rule.key());
      if (v == null && rule.kind() != Kind.FLAGS) {
        continue; // an optional field left out: the record carries it as null
      }
      String problem = switch (rule.kind()) {
        case COPY -> {
          out.put(rule.field(), v);
          yield null;
        }
        case CODES -> code(rule, v, out);
        case SCALE -> {
          if (!(v instanceof Number n)) {
            yield "item." + rule.key() + " must be a number, not " + v;
          }
          out.put(rule.field(), new BigDecimal(n.toString()).multiply(rule.scale()).doubleValue());
          yield null;
        }
        case FLAGS -> flags(rule, v, out);
      };
      if (problem != null) {
        return new Mapped(null, problem);
      }
    }
    boolean flagged = flagFields.stream().anyMatch(f -> Boolean.TRUE.equals(out.getValue(f)));
    for (Rule rule : rules) {
      if (rule.whenFlagged() && !flagged && item.getValue(rule.key()) != null) {
        return new Mapped(null, "item." + rule.key() + " (" + rule.field() + ") is given but the item sets no flag");
      }
    }
    return new Mapped(out, null);
  }

  private static String code(Rule rule, Object v, JsonObject out) {
    String value = v instanceof String s ? rule.table().get(s) : null;
    if (value == null && v instanceof String s) {
      value = rule.table().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(s))
          .map(Map.Entry::getValue).findFirst().orElse(null);
    }
    if (value == null) {
      return "item." + rule.key() + " must be one of " + rule.table().keySet() + ", not " + quoted(v);
    }
    out.put(rule.field(), value);
    return null;
  }

  private static String flags(Rule rule, Object v, JsonObject out) {
    if (!(v instanceof String letters)) {
      return "item." + rule.key() + " must be a string of the flag letters " + rule.table().keySet() + ", not " + quoted(v);
    }
    rule.table().values().forEach(f -> out.put(f, false));
    for (char c : letters.toLowerCase(Locale.ROOT).toCharArray()) {
      String field = rule.table().get(String.valueOf(c));
      if (field == null) {
        return "item." + rule.key() + " " + quoted(letters) + ": '" + c + "' is not a flag letter "
            + rule.table().keySet();
      }
      if (Boolean.TRUE.equals(out.getValue(field))) {
        return "item." + rule.key() + " " + quoted(letters) + " repeats the letter '" + c + "'";
      }
      out.put(field, true);
    }
    return null;
  }

  private static String quoted(Object v) {
    return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }
}
