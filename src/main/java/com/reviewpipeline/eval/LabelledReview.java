package com.reviewpipeline.eval;

import com.reviewpipeline.model.ReviewEvent;
import java.util.List;
import java.util.Map;

/**
 * One review of a labelled set with its gold labels.
 *
 * @param line the line of the input file it came from (1-based), for messages
 * @param flags per flag field, the gold label; a field the file does not label is absent (not counted for it)
 * @param sentiment positive | neutral | negative, or null when the file does not label sentiment
 * @param tags free labels of the set (language, hard_negative, sarcasm, injection, ...), for slicing only
 */
public record LabelledReview(int line, String id, String text, int rating, Map<String, Boolean> flags,
    String sentiment, List<String> tags) {

  public static final List<String> SENTIMENTS = List.of("positive", "neutral", "negative");

  public LabelledReview {
    flags = Map.copyOf(flags);
    tags = List.copyOf(tags);
  }

  /** The review as the service receives it: the eval set's id is the event id. */
  public ReviewEvent event() {
    return new ReviewEvent(id, "eval", "eval", text, rating, "1970-01-01T00:00:00Z", "eval");
  }
}
