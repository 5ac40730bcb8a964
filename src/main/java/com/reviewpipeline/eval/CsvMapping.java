package com.reviewpipeline.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which CSV columns hold a review and its labels: {@code field=COLUMN[|COLUMN...][:VALUE]}, comma-separated, for the
 * fields {@code text} (required), {@code id}, {@code rating} (default 3), {@code sentiment} and the pipeline's flag
 * fields. A flag is true when any of its columns is truthy (1, true, yes, or a number of at least 0.5) or, with
 * {@code :VALUE}, equals VALUE (case-insensitive). A sentiment column holds positive/neutral/negative (or pos/neu/neg)
 * or a 1-5 star rating (1-2 negative, 3 neutral, 4-5 positive). Examples for public layouts: eval/DATASHEET.md.
 */
public final class CsvMapping {

  private record Source(List<String> columns, String value) {}

  private final Map<String, Source> fields;

  private CsvMapping(Map<String, Source> fields) {
    this.fields = fields;
  }

  public static CsvMapping parse(String spec) {
    Map<String, Source> fields = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0 || eq == p.length() - 1) {
        throw new IllegalArgumentException("--csv-map: '" + p + "' is not field=COLUMN[|COLUMN...][:VALUE]");
      }
      String field = p.substring(0, eq).trim();
      String source = p.substring(eq + 1).trim();
      int colon = source.indexOf(':');
      String value = colon < 0 ? null : source.substring(colon + 1);
      String columns = colon < 0 ? source : source.substring(0, colon);
      fields.put(field, new Source(List.of(columns.split("\\|")), value));
    }
    if (!fields.containsKey("text")) {
      throw new IllegalArgumentException("--csv-map needs text=COLUMN");
    }
    return new CsvMapping(fields);
  }

  LabelledInput.Parsed read(BufferedReader in, String name, List<String> flagFields) throws IOException {
    for (String f : fields.keySet()) {
      if (!Set.of("text", "id", "rating", "sentiment").contains(f) && !flagFields.contains(f)) {
        throw new IllegalArgumentException("--csv-map: unknown field '" + f + "'; fields: text, id, rating, sentiment, "
            + String.join(", ", flagFields));
      }
    }
    CsvReader csv = new CsvReader(in);
    List<String> header = csv.next();
    if (header == null) {
      throw new IOException(name + ": empty file");
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      index.put(header.get(i).strip().replace("\uFEFF", ""), i);
    }
    for (Source s : fields.values()) {
      for (String c : s.columns()) {
        if (!index.containsKey(c)) {
          throw new IllegalArgumentException(name + ": no column '" + c + "' in the header " + index.keySet());
        }
      }
    }
    List<LabelledReview> reviews = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<String> row;
    while ((row = csv.next()) != null) {
      int line = csv.recordLine();
      try {
        LabelledReview r = review(row, index, line, flagFields);
        if (!ids.add(r.id())) {
          throw new IllegalArgumentException("duplicate id '" + r.id() + "'");
        }
        reviews.add(r);
      } catch (IllegalArgumentException e) {
        errors.add(name + ":" + line + ": " + e.getMessage());
      }
    }
    return new LabelledInput.Parsed(reviews, errors);
  }

  private LabelledReview review(List<String> row, Map<String, Integer> index, int line, List<String> flagFields) {
    if (row.size() != index.size()) {
      throw new IllegalArgumentException(row.size() + " columns where the header has " + index.size());
    }
    String text = cell(row, index, "text");
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the text column is empty");
    }
    String id = cell(row, index, "id");
    String ratingCell = cell(row, index, "rating");
    int rating = 3;
    if (ratingCell != null && !ratingCell.isBlank()) {
      try {
        rating = (int) Math.round(Double.parseDouble(ratingCell.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("rating is not a number: " + ratingCell);
      }
      if (rating < 1 || rating > 5) {
        throw new IllegalArgumentException("rating must be 1 to 5: " + ratingCell);
      }
    }
    Map<String, Boolean> flags = new LinkedHashMap<>();
    for (String f : flagFields) {
      Source s = fields.get(f);
      if (s != null) {
        flags.put(f, s.columns().stream().anyMatch(c -> truthy(row.get(index.get(c)), s.value())));
      }
    }
    String sentimentCell = cell(row, index, "sentiment");
    String sentiment = sentimentCell == null ? null : sentimentCell.trim().matches("[1-5](\\.0)?")
        ? stars((int) Double.parseDouble(sentimentCell.trim())) : LabelledInput.sentiment(sentimentCell);
    return new LabelledReview(line, id == null || id.isBlank() ? "line-" + line : id, text, rating, flags, sentiment,
        List.of());
  }

  private String cell(List<String> row, Map<String, Integer> index, String field) {
    Source s = fields.get(field);
    return s == null ? null : row.get(index.get(s.columns().get(0)));
  }

  static boolean truthy(String cell, String value) {
    String c = cell == null ? "" : cell.trim();
    if (value != null) {
      return c.equalsIgnoreCase(value);
    }
    switch (c.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "y", "t" -> {
        return true;
      }
      default -> {
        try {
          return Double.parseDouble(c) >= 0.5;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
  }

  private static String stars(int s) {
    return s <= 2 ? "negative" : s == 3 ? "neutral" : "positive";
  }

  /** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
  static final class CsvReader {
    private final BufferedReader in;
    private int line;
    private int recordLine;

    CsvReader(BufferedReader in) {
      this.in = in;
    }

    int recordLine() {
      return recordLine;
    }

    List<String> next() throws IOException {
      String text = in.readLine();
      while (text != null && text.isEmpty()) {
        line++;
        text = in.readLine();
      }
      if (text == null) {
        return null;
      }
      line++;
      recordLine = line;
      List<String> cells = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      int i = 0;
      while (true) {
        if (i == text.length()) {
          if (!quoted) {
            break;
          }
          String more = in.readLine();
          if (more == null) {
            throw new IOException("line " + recordLine + ": a quoted field is not closed");
          }
          line++;
          cell.append('\n');
          text = more;
          i = 0;
          continue;
        }
        char c = text.charAt(i++);
        if (quoted) {
          if (c == '"' && i < text.length() && text.charAt(i) == '"') {
            cell.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            cell.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          cells.add(cell.toString());
          cell.setLength(0);
        } else {
          cell.append(c);
        }
      }
      cells.add(cell.toString());
      return cells;
    }
  }
}
