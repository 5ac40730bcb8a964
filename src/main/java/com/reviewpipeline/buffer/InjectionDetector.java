package com.reviewpipeline.buffer;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells reviews that look like instructions to the model (orders about the batch, role markers, attempts to close
 * the data block, invisible or bidi characters) from ordinary ones, with the rules of
 * {@code containment.patterns_file}. A suspect is judged apart: batching untrusted texts lets one review that a
 * model obeys decide the verdicts of every review in its request, and the prompt saying that reviews are data only
 * mitigates that. The rules see the text after NFKC normalisation (full-width and styled letters become plain) and
 * lower-casing; each runs only on texts that pass its {@link RuleGate} ({@link Gates}), so an ordinary review costs
 * about one pass over its characters. Thread-safe.
 */
public final class InjectionDetector {

  private final List<Pattern> rules;
  private final Gates gates;

  /** @param rules compiled once, at configuration load ({@code ContainmentSettings}), in file order */
  public InjectionDetector(List<Pattern> rules) {
    this.rules = List.copyOf(rules);
    this.gates = new Gates(rules.stream().map(p -> RuleGate.of(p.pattern())).toList());
  }

  /** The first rule the review's text matches (its source, for the log), or empty for an ordinary review. */
  public Optional<String> rule(String reviewText) {
    String text = normalized(reviewText).toLowerCase(Locale.ROOT);
    boolean[] open = gates.open(text);
    for (int i = 0; i < open.length; i++) {
      if (open[i] && rules.get(i).matcher(text).find()) {
        return Optional.of(rules.get(i).pattern());
      }
    }
    return Optional.empty();
  }

  /** NFKC of the text; ASCII is its own NFKC form, and most reviews are ASCII. */
  private static String normalized(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 128) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC);
      }
    }
    return text;
  }
}
