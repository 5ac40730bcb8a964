package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Prompt-injection containment (docs/claude-stage.md "Prompt-injection containment"): the rules that tell a review
 * looking like an
 * instruction to the model, and how many such suspects may share one request. The rules file has one Java regular
 * expression per line, matched against the review's text after NFKC normalisation and lower-casing; blank lines and
 * lines starting with {@code #} are skipped. Each rule is compiled once, here, so a broken rule refuses the start.
 *
 * @param enabled false: every review is batched by its pipeline and tier only
 * @param rules the compiled rules of {@code containment.patterns_file}, in file order
 * @param maxBatchSize suspects per request: 1 judges each alone; more batches suspects with suspects only
 */
public record ContainmentSettings(boolean enabled, List<Pattern> rules, int maxBatchSize) {

  public ContainmentSettings {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("containment.max_batch_size must be at least 1, got " + maxBatchSize);
    }
    rules = List.copyOf(rules);
  }

  /** @param rulesText the contents of the file {@code patterns_file} names */
  static ContainmentSettings fromJson(JsonObject given, String rulesText) {
    JsonObject j = Declaration.withDefaults("containment", given);
    return new ContainmentSettings(j.getBoolean("enabled"), parse(rulesText, j.getString("patterns_file")),
        j.getInteger("max_batch_size"));
  }

  /** The rules of a patterns file; a rule that does not compile is refused with its file and line. */
  static List<Pattern> parse(String text, String file) {
    List<Pattern> rules = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        rules.add(Pattern.compile(line));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("containment.patterns_file " + file + " line " + (i + 1) + ": "
            + e.getDescription() + " in " + line, e);
      }
    }
    return rules;
  }

  /** The buffer settings of a pipeline's suspects: its own, with at most {@code maxBatchSize} per request. */
  public BufferConfig buffer(BufferConfig pipeline) {
    // the pipeline's waits and objective too: a suspect's latency is bounded like any review's
    return pipeline.withMaxSize(Math.min(pipeline.maxSize(), maxBatchSize));
  }
}
