package com.reviewpipeline.buffer;

import com.reviewpipeline.config.BufferConfig;
import com.reviewpipeline.model.FlushTrigger;
import com.reviewpipeline.model.PipelineEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Three-trigger buffer for one (pipeline, tier): flushes on count, on estimated tokens, and on
 * time. The time trigger is a real timer armed when the first event enters an empty buffer, so a
 * lone event is flushed after {@code max_wait} even if nothing else arrives.
 *
 * <p>Not thread-safe: owned by one buffer verticle and driven from its event loop.
 */
public final class SmartBuffer {

  /** Schedules the time trigger; the verticle passes Vert.x timers, tests a manual clock. */
  public interface Scheduler {
    /** Runs {@code task} after {@code delayMs}; returns a handle that cancels it. */
    Runnable schedule(long delayMs, Runnable task);
  }

  /** What a flush hands over: the events, their estimated tokens (fixed prefix included) and why. */
  public record Flush(List<PipelineEvent> events, int estimatedInputTokens, FlushTrigger trigger) {}

  /** Outcome of {@link #add}. */
  public enum AddResult { ADDED, DUPLICATE }

  private final java.util.function.IntSupplier fixedTokens;
  private final Scheduler scheduler;
  private final Consumer<Flush> onFlush;
  private BufferConfig config;
  private List<PipelineEvent> events = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();
  private int itemTokens;
  private Runnable cancelTimer;

  /**
   * @param fixedTokens tokens paid once per request (system prompt, tool schema, tool-use overhead)
   */
  public SmartBuffer(BufferConfig config, int fixedTokens, Scheduler scheduler, Consumer<Flush> onFlush) {
    this(config, () -> fixedTokens, scheduler, onFlush);
  }

  /** @param fixedTokens asked at each decision: the estimate follows the model's token calibration */
  public SmartBuffer(BufferConfig config, java.util.function.IntSupplier fixedTokens, Scheduler scheduler,
      Consumer<Flush> onFlush) {
    this.config = config;
    this.fixedTokens = fixedTokens;
    this.scheduler = scheduler;
    this.onFlush = onFlush;
  }

  /**
   * Adds an event whose serialised item costs {@code tokens}. An event id already in the buffer
   * is refused as a duplicate: one request must not carry two items with the same id.
   */
  public AddResult add(PipelineEvent event, int tokens) {
    if (ids.contains(event.id())) {
      return AddResult.DUPLICATE;
    }
    if (!events.isEmpty() && fixedTokens.getAsInt() + itemTokens + tokens > config.maxTokens()) {
      flush(FlushTrigger.TOKENS);
    }
    events.add(event);
    ids.add(event.id());
    itemTokens += tokens;
    if (events.size() == 1) {
      cancelTimer = scheduler.schedule(config.maxWaitMs(), () -> {
        cancelTimer = null;
        flush(FlushTrigger.TIME);
      });
    }
    if (events.size() >= config.maxSize()) {
      flush(FlushTrigger.COUNT);
    } else if (fixedTokens.getAsInt() + itemTokens >= config.maxTokens()) {
      flush(FlushTrigger.TOKENS);
    }
    return AddResult.ADDED;
  }

  /** Flushes whatever is buffered (no-op when empty). */
  public void flush(FlushTrigger trigger) {
    if (cancelTimer != null) {
      cancelTimer.run();
      cancelTimer = null;
    }
    if (events.isEmpty()) {
      return;
    }
    Flush flush = new Flush(List.copyOf(events), fixedTokens.getAsInt() + itemTokens, trigger);
    events = new ArrayList<>();
    ids.clear();
    itemTokens = 0;
    onFlush.accept(flush);
  }

  public BufferConfig config() {
    return config;
  }

  public int size() {
    return events.size();
  }

  public int estimatedTokens() {
    return fixedTokens.getAsInt() + itemTokens;
  }
}
