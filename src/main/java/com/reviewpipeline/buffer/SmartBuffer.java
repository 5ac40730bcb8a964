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
 * time. The time trigger is a real timer set to the earliest deadline of the events held: each event
 * may wait its own time from when it entered (an escalated one less, see {@link LatencyObjective}),
 * so a lone event is flushed after its wait even if nothing else arrives. With one wait for every
 * event, that is the first event's deadline: {@code max_wait} after it entered an empty buffer.
 *
 * <p>Not thread-safe: owned by one buffer verticle and driven from its event loop.
 */
public final class SmartBuffer {

  /** Schedules the time trigger; the verticle passes Vert.x timers, tests a manual clock. */
  public interface Scheduler {
    /** Runs {@code task} after {@code delayMs}; returns a handle that cancels it. */
    Runnable schedule(long delayMs, Runnable task);

    /** The clock the delays count on, in ms: an event's deadline is compared with the one armed. */
    long nowMs();
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
  /** When the armed timer fires, on the scheduler's clock. */
  private long armedAtMs;
  private final java.util.function.Supplier<LatencyObjective.Wait> waits;

  /**
   * @param fixedTokens tokens paid once per request (system prompt, tool schema, tool-use overhead)
   */
  public SmartBuffer(BufferConfig config, int fixedTokens, Scheduler scheduler, Consumer<Flush> onFlush) {
    this(config, () -> fixedTokens, scheduler, onFlush);
  }

  /** @param fixedTokens asked at each decision: the estimate follows the model's token calibration */
  public SmartBuffer(BufferConfig config, java.util.function.IntSupplier fixedTokens, Scheduler scheduler,
      Consumer<Flush> onFlush) {
    this(config, fixedTokens, fixed(config), scheduler, onFlush);
  }

  private static java.util.function.Supplier<LatencyObjective.Wait> fixed(BufferConfig config) {
    LatencyObjective.Wait wait = LatencyObjective.unmeasured(config);
    return () -> wait;
  }

  /** @param waits asked at each event: under a latency objective they follow the API's measured latency */
  SmartBuffer(BufferConfig config, java.util.function.IntSupplier fixedTokens,
      java.util.function.Supplier<LatencyObjective.Wait> waits, Scheduler scheduler, Consumer<Flush> onFlush) {
    this.config = config;
    this.fixedTokens = fixedTokens;
    this.waits = waits;
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
    LatencyObjective.Wait wait = waits.get();
    armBy(scheduler.nowMs() + (event.isEscalated() ? wait.escalatedMs() : wait.ordinaryMs()));
    if (events.size() >= config.maxSize()) {
      flush(FlushTrigger.COUNT);
    } else if (fixedTokens.getAsInt() + itemTokens >= config.maxTokens()) {
      flush(FlushTrigger.TOKENS);
    }
    return AddResult.ADDED;
  }

  /** Arms the time trigger for {@code deadlineMs} unless it fires at or before it already. */
  private void armBy(long deadlineMs) {
    if (cancelTimer != null && armedAtMs <= deadlineMs) {
      return;
    }
    if (cancelTimer != null) {
      cancelTimer.run();
    }
    armedAtMs = deadlineMs;
    cancelTimer = scheduler.schedule(Math.max(1, deadlineMs - scheduler.nowMs()), () -> {
      cancelTimer = null;
      flush(FlushTrigger.TIME);
    });
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
