package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.bus.Addresses;
import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.config.AppConfig;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import com.reviewpipeline.tokens.TokenCalibration;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The seed article's routing, the cost scenario's set-up (b), in place of the pipeline's buffer: events cut into
 * batches of {@link #BATCH} in arrival order, one model per batch from the batch's average length and rating
 * (the article's select_model), where the pipeline routes each event by itself.
 */
final class ArticleRouting {

  static final int BATCH = 20;

  private ArticleRouting() {
  }

  /** The article's model choice for a whole batch: averages of length and rating. */
  static String tier(List<ReviewEvent> batch) {
    double avgLength = batch.stream().mapToInt(e -> e.reviewText().length()).average().orElse(0);
    double avgRating = batch.stream().mapToInt(ReviewEvent::rating).average().orElse(0);
    if (avgLength < 50 && (avgRating <= 1.5 || avgRating >= 4.5)) {
      return "fast";
    }
    if (avgLength > 200 || (avgRating >= 1.8 && avgRating <= 3.2)) {
      return "deep";
    }
    return "balanced";
  }

  /** The article's buffer wait: it flushes when an event arrives this long after the last flush (never on a timer). */
  static final double MAX_WAIT_SEC = 3.0;

  /**
   * Where the article's buffer cuts a stream arriving at {@code ratePerSecond} (0: all at once, batches of
   * {@link #BATCH}): an arriving event is appended, then the buffer flushes at {@link #BATCH} events or when
   * {@link #MAX_WAIT_SEC} have passed since the last flush (its smart_buffer.py). Returns each batch's end index.
   */
  static List<Integer> cuts(int n, double ratePerSecond) {
    List<Integer> ends = new ArrayList<>();
    double lastFlush = 0;
    int size = 0;
    for (int i = 0; i < n; i++) {
      double now = ratePerSecond > 0 ? i / ratePerSecond : 0;
      size++;
      if (size >= BATCH || (ratePerSecond > 0 && now - lastFlush >= MAX_WAIT_SEC)) {
        ends.add(i + 1);
        size = 0;
        lastFlush = now;
      }
    }
    if (size > 0) {
      ends.add(n); // the shutdown's force_flush
    }
    return ends;
  }

  /**
   * Sends {@code mix} to the Claude verticles as ready batches of pipeline {@code p}, each with its estimated tokens,
   * cut as the article's buffer cuts a stream at {@code ratePerSecond} (0: all at once). Costs do not depend on when
   * the batches leave (the article had no prompt cache), so they are sent at once.
   */
  static void sendBatches(Vertx vertx, AppConfig config, PipelineConfig p, TokenCalibration calibration,
      List<ReviewEvent> mix, long t0, double ratePerSecond) {
    ClaudeRequests est = new ClaudeRequests(config.models(), config.anthropic(), calibration);
    int from = 0;
    for (int end : cuts(mix.size(), ratePerSecond)) {
      List<ReviewEvent> chunk = mix.subList(from, end);
      List<PipelineEvent> events = new ArrayList<>();
      String tier = tier(chunk);
      int tokens = est.fixedTokens(config.modelFor(tier), p);
      for (int i = 0; i < chunk.size(); i++) {
        events.add(new PipelineEvent(p.name(), chunk.get(i), new SourceRef("bench", 0, from + i, "none"), 0, t0));
        tokens += est.itemTokens(config.modelFor(tier), chunk.get(i));
      }
      vertx.eventBus().send(Addresses.BATCH_READY, new Batch(UUID.randomUUID().toString(), p.name(), tier,
          events, chunk.size() == BATCH ? FlushTrigger.COUNT : FlushTrigger.TIME, tokens));
      from = end;
    }
  }
}
