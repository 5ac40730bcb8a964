package com.reviewpipeline.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EvalDatasheetTest {

  static final List<String> FLAGS = List.of("is_spam", "is_abusive", "is_fake");

  @Test
  @DisplayName("the label counts in eval/DATASHEET.md are the counts of eval/reviews.jsonl, and every line of the set reads")
  void countsMatch() throws Exception {
    LabelledInput.Parsed set = LabelledInput.read(Path.of("eval", "reviews.jsonl"), FLAGS, null);
    assertThat(set.errors()).isEmpty();
    List<LabelledReview> reviews = set.reviews();
    Map<String, Long> actual = new LinkedHashMap<>();
    actual.put("reviews", (long) reviews.size());
    for (String f : FLAGS) {
      actual.put(f, reviews.stream().filter(r -> Boolean.TRUE.equals(r.flags().get(f))).count());
    }
    actual.put("no flag", reviews.stream().filter(r -> FLAGS.stream().noneMatch(f -> r.flags().get(f))).count());
    for (String s : LabelledReview.SENTIMENTS) {
      actual.put("sentiment " + s, reviews.stream().filter(r -> s.equals(r.sentiment())).count());
    }
    actual.put("sentiment unlabelled", reviews.stream().filter(r -> r.sentiment() == null).count());
    for (String tag : List.of("hard_negative", "sarcasm", "injection")) {
      actual.put("tag " + tag, reviews.stream().filter(r -> r.tags().contains(tag)).count());
    }
    Set<String> languages = new HashSet<>();
    reviews.forEach(r -> languages.add(r.tags().get(0)));
    actual.put("languages", (long) languages.size());

    String sheet = Files.readString(Path.of("eval", "DATASHEET.md"));
    String table = sheet.substring(sheet.indexOf("<!-- counts"), sheet.indexOf("<!-- /counts -->"));
    Map<String, Long> documented = new LinkedHashMap<>();
    for (String line : table.split("\n")) {
      String[] cells = line.split("\\|");
      if (cells.length == 3 && cells[2].trim().matches("\\d+")) {
        documented.put(cells[1].trim(), Long.parseLong(cells[2].trim()));
      }
    }
    assertThat(documented).isEqualTo(actual);
    assertThat(reviews.size()).isGreaterThanOrEqualTo(300);
  }
}
