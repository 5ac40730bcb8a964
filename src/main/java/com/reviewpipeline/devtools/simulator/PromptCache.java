package com.reviewpipeline.devtools.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Prompt caching as usage reports it: a prefix (tools, then system) up to the last {@code cache_control}
 * marker is written on first use and read after, when it reaches the model's minimum; below it the request is
 * "processed without caching, and no error is returned"
 * (https://platform.claude.com/docs/en/build-with-claude/prompt-caching). An entry lives five minutes and each
 * read refreshes it "at no additional cost" (same page). The simulator keeps no bill: it splits {@code usage} as
 * the API does ({@code input_tokens} after the marker, {@code cache_creation_input_tokens} written,
 * {@code cache_read_input_tokens} read), and whoever bills that usage prices a 5-minute write at 1.25 times and
 * a read at 0.1 times the input price (https://platform.claude.com/docs/en/about-claude/pricing, the
 * prompt-caching page's pricing table); conf/application.yaml's prices follow that rule.
 */
final class PromptCache {

  private static final long TTL_MS = 5 * 60_000;

  /** Tokens written to and read from the cache by one request. */
  record Use(long write, long read) {}

  private final Map<String, Long> expiries = new ConcurrentHashMap<>();
  private final LongSupplier clock;
  final AtomicLong writes = new AtomicLong();
  final AtomicLong reads = new AtomicLong();

  PromptCache() {
    this(System::currentTimeMillis);
  }

  /** With a clock in milliseconds, so tests can move time past the lifetime. */
  PromptCache(LongSupplier clock) {
    this.clock = clock;
  }

  Use use(JsonObject body, ApiModel model, int minTokens) {
    long prefix = cacheablePrefix(body, model.tokenRatio(), minTokens);
    if (prefix == 0) {
      return new Use(0, 0);
    }
    String key = model.id() + "|" + body.getValue("tools") + "|" + body.getValue("system");
    long now = clock.getAsLong();
    // a read refreshes the lifetime as a write starts it: the entry expires TTL_MS after its last use
    Long expires = expiries.put(key, now + TTL_MS);
    if (expires != null && expires > now) {
      reads.addAndGet(prefix);
      return new Use(0, prefix);
    }
    writes.addAndGet(prefix);
    return new Use(prefix, 0);
  }

  /** Tokens of the prefix up to the last marked block when that reaches {@code minTokens}; otherwise 0. */
  static long cacheablePrefix(JsonObject body, double ratio, int minTokens) {
    long prefix = 0;
    long marked = 0;
    JsonArray tools = body.getJsonArray("tools");
    if (tools != null && !tools.isEmpty()) {
      int overhead = SimTokenizer.toolSystemTokens(body);
      for (Object t : tools) {
        JsonObject tool = (JsonObject) t;
        prefix += SimTokenizer.rawTool(tool);
        if (tool.containsKey("cache_control")) {
          marked = prefix + overhead;
        }
      }
      prefix += overhead;
    }
    if (body.getValue("system") instanceof JsonArray blocks) {
      for (Object o : blocks) {
        JsonObject b = (JsonObject) o;
        prefix += SimTokenizer.raw(b.getString("text", ""));
        if (b.containsKey("cache_control")) {
          marked = prefix;
        }
      }
    }
    long tokens = SimTokenizer.scale(marked, ratio);
    return marked > 0 && tokens >= minTokens ? tokens : 0;
  }
}
