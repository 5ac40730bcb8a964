package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The configuration table of {@code docs/configuration.md} against the one declaration of the keys (the shipped
 * {@code conf/application.yaml}, and the entry defaults of pipelines and model profiles): every key documented, no
 * documented key that does not exist, and each default the table states equal to the declared one.
 */
class ConfigurationTableTest {

  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  /** Documented key (normalised: {@code pipelines[].x}, {@code models.*.x}) → the default cell's values. */
  static final Map<String, String> ROWS = new LinkedHashMap<>();

  @BeforeAll
  static void readTable() throws IOException {
    // the page holds the one section "Configuration" (moved from the README with this test)
    String page = Files.readString(Path.of("docs/configuration.md"));
    assertThat(page).as("docs/configuration.md starts with its section").startsWith("# Configuration\n");
    for (String line : page.split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      List<String> keys = keys(cells[1]);
      List<String> defaults = List.of(cells[3].trim().split(" / "));
      for (int i = 0; i < keys.size(); i++) {
        ROWS.put(keys.get(i), defaults.size() == keys.size() ? defaults.get(i).trim() : "");
      }
    }
    assertThat(ROWS).as("rows read from the Configuration table of docs/configuration.md").hasSizeGreaterThan(60);
  }

  /** {@code `a.b.c` / `d`} → {@code a.b.c}, {@code a.b.d}; entries of lists and named maps normalised. */
  static List<String> keys(String cell) {
    List<String> out = new ArrayList<>();
    Matcher m = CODE.matcher(cell);
    String parent = "";
    while (m.find()) {
      String k = m.group(1).replaceAll("<[^>]+>", "*").replaceAll("\\[]$", "");
      if (out.isEmpty()) {
        parent = k.contains(".") ? k.substring(0, k.lastIndexOf('.') + 1) : "";
        out.add(k);
      } else {
        out.add(parent + k);
      }
    }
    return out;
  }

  @Test
  @DisplayName("every key the shipped conf/application.yaml declares has a row in docs/configuration.md's table")
  void everyDeclaredKeyDocumented() {
    Set<String> missing = new TreeSet<>();
    for (String key : leaves("", Declaration.shipped())) {
      if (ROWS.keySet().stream().noneMatch(row -> key.equals(row) || key.startsWith(row + ".")
          || row.startsWith(key + "."))) {
        missing.add(key);
      }
    }
    leaves("", PipelineConfig.ENTRY_DEFAULTS).forEach(k -> require(missing, "pipelines[]." + k));
    List.of("name", "group_id", "prompt_file", "tool_file").forEach(k -> require(missing, "pipelines[]." + k));
    ModelProfile.ENTRY_DEFAULTS.fieldNames().forEach(k -> require(missing, "models.*." + k));
    require(missing, "models.*.price");
    MessageBatchSettings.ENTRY_DEFAULTS.fieldNames().forEach(k -> require(missing, "message_batches.pipelines.*." + k));
    assertThat(missing).as("declared keys the configuration table (docs/configuration.md) does not list").isEmpty();
  }

  @Test
  @DisplayName("every key in docs/configuration.md's table is declared (no stale or misspelt row)")
  void everyDocumentedKeyDeclared() {
    JsonObject shipped = Declaration.shipped();
    Set<String> stale = new TreeSet<>();
    for (String row : ROWS.keySet()) {
      if (declared(shipped, row) == null) {
        stale.add(row);
      }
    }
    assertThat(stale).as("docs/configuration.md rows naming no declared key").isEmpty();
  }

  @Test
  @DisplayName("each default docs/configuration.md states equals the declared default")
  void defaultsAgree() {
    JsonObject shipped = Declaration.shipped();
    List<String> wrong = new ArrayList<>();
    int compared = 0;
    for (Map.Entry<String, String> row : ROWS.entrySet()) {
      Object declared = declared(shipped, row.getKey());
      Object stated = stated(row.getValue());
      if (stated == null || declared instanceof JsonObject) {
        continue;
      }
      compared++;
      if (!same(stated, declared)) {
        wrong.add(row.getKey() + ": docs/configuration.md says '" + row.getValue() + "', declared " + declared);
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(compared).as("defaults compared (the rest are prose)").isGreaterThan(50);
  }

  private static void require(Set<String> missing, String key) {
    if (!ROWS.containsKey(key)) {
      missing.add(key);
    }
  }

  /** Paths of the declaration's leaves; a named section's entries are the operator's, so only the section counts. */
  static List<String> leaves(String path, JsonObject o) {
    List<String> out = new ArrayList<>();
    o.forEach(e -> {
      String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      if (key.equals("pipelines")) {
        out.add("pipelines[]");
      } else if (key.equals("models") || key.equals("alerts.routing_drift.bounds") || key.equals("budget.pipelines")
          || key.equals("message_batches.pipelines")) {
        out.add(key + ".*");
      } else if (e.getValue() instanceof JsonObject child) {
        out.addAll(leaves(key, child));
      } else {
        out.add(key);
      }
    });
    return out;
  }

  /** The declared value of a documented key, or null when nothing declares it. */
  static Object declared(JsonObject shipped, String key) {
    if (key.startsWith("pipelines[].")) {
      String k = key.substring("pipelines[].".length());
      Object v = walk(PipelineConfig.ENTRY_DEFAULTS, k);
      return v != null ? v : Set.of("name", "group_id", "prompt_file", "tool_file").contains(k) ? "required" : null;
    }
    if (key.startsWith("models.*.")) {
      String k = key.substring("models.*.".length());
      return k.equals("price") ? "required" : walk(ModelProfile.ENTRY_DEFAULTS, k);
    }
    if (key.startsWith("budget.pipelines.*.")) {
      // the operator's pipeline names; the entry's keys are checked by BudgetSettings
      return Set.of("daily_usd", "action").contains(key.substring("budget.pipelines.*.".length())) ? new JsonObject() : null;
    }
    if (key.startsWith("message_batches.pipelines.*.")) {
      return walk(MessageBatchSettings.ENTRY_DEFAULTS, key.substring("message_batches.pipelines.*.".length()));
    }
    if (key.startsWith("alerts.routing_drift.bounds.")) {
      return shipped.getJsonObject("alerts").getJsonObject("routing_drift").getJsonObject("bounds");
    }
    return walk(shipped, key);
  }

  private static Object walk(JsonObject o, String dotted) {
    Object node = o;
    for (String part : dotted.split("\\.")) {
      if (!(node instanceof JsonObject j) || !j.containsKey(part)) {
        return null;
      }
      node = j.getValue(part);
    }
    return node;
  }

  /** A default cell's value when it states one plainly (a number, a word in backticks, empty, none); null for prose. */
  static Object stated(String cell) {
    String c = cell.trim().replaceAll(" \\(.*$", "");
    if (c.equals("empty") || c.startsWith("empty →")) {
      return "";
    }
    if (c.equals("none") || c.startsWith("none →")) {
      return new JsonArray();
    }
    if (c.equals("required")) {
      return c;
    }
    if (c.equals("true") || c.equals("false")) {
      return Boolean.valueOf(c);
    }
    String number = c.replace(",", "");
    if (number.matches("-?\\d+(\\.\\d+)?")) {
      return Double.valueOf(number);
    }
    Matcher m = Pattern.compile("^`([^`]+)`$").matcher(c);
    return m.matches() ? m.group(1) : null;
  }

  private static boolean same(Object stated, Object declared) {
    if (stated instanceof Double d) {
      return declared instanceof Number n && n.doubleValue() == d;
    }
    if (stated instanceof JsonArray a) {
      return (declared instanceof JsonArray da && da.isEmpty()) || "".equals(declared);
    }
    if ("".equals(stated)) {
      return "".equals(declared) || (declared instanceof JsonArray da && da.isEmpty());
    }
    return String.valueOf(declared).equals(String.valueOf(stated));
  }
}
