package com.reviewpipeline.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.cache.VerdictCache.Hit;
import com.reviewpipeline.cache.VerdictKeys.Keys;
import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cluster half of the cache against a stand-in for the shared map: a slow, failing or corrupt map is a miss, never
 * an error, and every answer reaches the asking verticle on its own context (a cluster manager answers on its threads,
 * and a timeout fires on a timer thread).
 */
class ClusterVerdictsTest {

  static final Keys KEYS = VerdictKeys.of("review-moderator",
      new ReviewEvent("e-1", "p", "u", "Solid kettle.", 4, "2026-11-26T10:00:00Z", "web"));

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** An AsyncMap whose get and put answer as {@code get} and {@code put} say; nothing else is called. */
  @SuppressWarnings("unchecked")
  static AsyncMap<String, String> map(Function<String, Future<String>> get, Future<Void> put) {
    return (AsyncMap<String, String>) Proxy.newProxyInstance(AsyncMap.class.getClassLoader(),
        new Class<?>[] {AsyncMap.class}, (proxy, method, args) -> switch (method.getName()) {
          case "get" -> get.apply((String) args[0]);
          case "put" -> put;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  /** Asks on a context of this Vert.x; returns the answer and whether it came back on that context. */
  Map.Entry<Hit, Boolean> ask(VerdictLookup lookup) {
    Context context = vertx.getOrCreateContext();
    Promise<Map.Entry<Hit, Boolean>> done = Promise.promise();
    context.runOnContext(v -> lookup.shared(KEYS).onComplete(ar ->
        done.complete(new java.util.AbstractMap.SimpleEntry<>(ar.result(), Vertx.currentContext() == context))));
    return done.future().await();
  }

  VerdictLookup lookup(AsyncMap<String, String> map) {
    return new VerdictLookup(new VerdictCache(10, 60_000, System::currentTimeMillis), new ClusterVerdicts(map));
  }

  @Test
  @DisplayName("a map that does not answer within 250 ms is a miss, answered on the asking context")
  void slowMapIsAMiss() {
    long t0 = System.nanoTime();
    Map.Entry<Hit, Boolean> answer = ask(lookup(map(k -> Promise.<String>promise().future(), Future.succeededFuture())));
    assertThat(answer.getKey()).isNull();
    assertThat(answer.getValue()).as("on the asking verticle's context, not the timer's thread").isTrue();
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(ClusterVerdicts.LOOKUP_TIMEOUT_MS);
  }

  @Test
  @DisplayName("a failing map and an unreadable entry are misses; a failing write is dropped without an error")
  void failuresAreMisses() {
    assertThat(ask(lookup(map(k -> Future.failedFuture("member gone"), Future.succeededFuture()))).getKey()).isNull();
    assertThat(ask(lookup(map(k -> Future.succeededFuture("{not json"), Future.succeededFuture()))).getKey()).isNull();
    VerdictLookup failingWrites = lookup(map(k -> Future.succeededFuture(), Future.failedFuture("member gone")));
    failingWrites.remember(KEYS, new CachedVerdict("e-1", "{}", "m", "fast", "b", 1, false, System.currentTimeMillis()));
    assertThat(failingWrites.local(KEYS)).as("still kept on this node").isNotNull();
  }

  @Test
  @DisplayName("an entry under the text key answers when the event key has none, on the asking context, and is kept on this node")
  void textEntryAnswersAndIsKeptLocally() {
    Map<String, String> entries = new ConcurrentHashMap<>();
    CachedVerdict v = new CachedVerdict("e-0", new JsonObject().put("is_spam", false).encode(), "m", "fast", "b", 20,
        false, System.currentTimeMillis());
    entries.put(KEYS.byText().shared(), v.encode());
    VerdictLookup lookup = lookup(map(k -> Future.succeededFuture(entries.get(k)), Future.succeededFuture()));
    Map.Entry<Hit, Boolean> answer = ask(lookup);
    assertThat(answer.getKey().key()).isEqualTo(KEYS.byText());
    assertThat(answer.getKey().verdict()).isEqualTo(v);
    assertThat(answer.getValue()).isTrue();
    assertThat(lookup.local(KEYS)).isNotNull();
  }
}
