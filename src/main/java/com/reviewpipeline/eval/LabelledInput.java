package com.reviewpipeline.eval;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a labelled review file: JSON Lines ({@code {"id", "text", "rating", "labels": {"is_spam": true, ...,
 * "sentiment": "negative"}, "tags": [...]}}, one object a line) or CSV with a {@link CsvMapping}. A bad line is
 * reported with its line number and skipped; the rest is read.
 */
public final class LabelledInput {

  /** What a file held: the reviews that could be read, and one message per line that could not. */
  public record Parsed(List<LabelledReview> reviews, List<String> errors) {}

  private LabelledInput() {}

  public static Parsed read(Path file, List<String> flagFields, CsvMapping csv) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("input file not found: " + file);
    }
    boolean isCsv = csv != null || file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    if (isCsv && csv == null) {
      throw new IOException(file + " is CSV: give its column mapping with --csv-map (docs/eval.md \"Evaluating verdict "
          + "quality\", eval/DATASHEET.md)");
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return isCsv ? csv.read(in, file.toString(), flagFields) : jsonLines(in, file.toString(), flagFields);
    }
  }

  static Parsed jsonLines(BufferedReader in, String name, List<String> flagFields) throws IOException {
    List<LabelledReview> reviews = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        LabelledReview r = review(new JsonObject(line), n, flagFields);
        if (!ids.add(r.id())) {
          throw new IllegalArgumentException("duplicate id '" + r.id() + "'");
        }
        reviews.add(r);
      } catch (DecodeException e) {
        errors.add(name + ":" + n + ": not a JSON object: " + firstLine(e.getMessage()));
      } catch (IllegalArgumentException | ClassCastException e) {
        errors.add(name + ":" + n + ": " + e.getMessage());
      }
    }
    return new Parsed(reviews, errors);
  }

  static LabelledReview review(JsonObject j, int line, List<String> flagFields) {
    String text = j.getString("text");
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("\"text\" is missing or empty");
    }
    Object rating = j.getValue("rating", 3);
    if (!(rating instanceof Number r) || r.intValue() != r.doubleValue() || r.intValue() < 1 || r.intValue() > 5) {
      throw new IllegalArgumentException("\"rating\" must be an integer from 1 to 5: " + rating);
    }
    JsonObject labels = j.getJsonObject("labels", new JsonObject());
    Map<String, Boolean> flags = new LinkedHashMap<>();
    for (String f : flagFields) {
      Object v = labels.getValue(f);
      if (v == null) {
        continue;
      }
      if (!(v instanceof Boolean b)) {
        throw new IllegalArgumentException("labels." + f + " must be true or false: " + v);
      }
      flags.put(f, b);
    }
    String sentiment = sentiment(labels.getValue("sentiment"));
    if (flags.isEmpty() && sentiment == null) {
      throw new IllegalArgumentException("no labels: \"labels\" needs one of " + flagFields + " or sentiment");
    }
    String id = j.getValue("id") == null ? "line-" + line : String.valueOf(j.getValue("id"));
    List<String> tags = j.getJsonArray("tags", new JsonArray()).stream().map(String::valueOf).toList();
    return new LabelledReview(line, id, text, r.intValue(), flags, sentiment, tags);
  }

  static String sentiment(Object v) {
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
    String full = switch (s) {
      case "pos", "positive" -> "positive";
      case "neu", "neutral" -> "neutral";
      case "neg", "negative" -> "negative";
      default -> null;
    };
    if (full == null) {
      throw new IllegalArgumentException("sentiment must be positive, neutral or negative: " + v);
    }
    return full;
  }

  private static String firstLine(String message) {
    String m = String.valueOf(message);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
