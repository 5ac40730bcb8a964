package com.reviewpipeline.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.reviewpipeline.cache.VerdictCache.Hit;
import com.reviewpipeline.cache.VerdictKeys.Keys;
import com.reviewpipeline.cache.VerdictKeys.Kind;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** This node's verdict cache on a fake clock: its LRU bound, its TTL, its two keys, and the answers it gives. */
class VerdictCacheTest {

  static final String MODERATOR = "review-moderator";
  static final String ANALYZER = "review-analyzer";

  final AtomicLong now = new AtomicLong(1_000_000);

  static ReviewEvent review(String id, String text, int rating) {
    return new ReviewEvent(id, "p-" + id, "u-" + id, text, rating, "2026-11-26T10:00:00Z", "web");
  }

  /** A verdict published now for {@code judgedId}. */
  CachedVerdict verdict(String judgedId, boolean spam) {
    return new CachedVerdict(judgedId, new JsonObject().put("is_spam", spam).put("sentiment", "positive").encode(),
        "claude-haiku-5-5", "fast", "batch-" + judgedId, 20, false, now.get());
  }

  VerdictCache cache(int maxEntries, long ttlMs) {
    return new VerdictCache(maxEntries, ttlMs, now::get);
  }

  static Keys keys(String pipeline, ReviewEvent e) {
    return VerdictKeys.of(pipeline, e);
  }

  @Test
  @DisplayName("LRU bound: a cache of 3 verdicts holds 6 keys; a 4th verdict pushes out the least recently used one, not the oldest")
  void leastRecentlyUsedVerdictGoesFirst() {
    VerdictCache cache = cache(3, 60_000);
    ReviewEvent a = review("a", "text a", 5);
    ReviewEvent b = review("b", "text b", 5);
    ReviewEvent c = review("c", "text c", 5);
    ReviewEvent d = review("d", "text d", 5);
    cache.put(keys(MODERATOR, a), verdict("a", false));
    cache.put(keys(MODERATOR, b), verdict("b", false));
    cache.put(keys(MODERATOR, c), verdict("c", false));
    assertThat(cache.keys()).isEqualTo(6);
    // a is used again: b is now the least recently used
    assertThat(cache.get(keys(MODERATOR, a))).isNotNull();
    assertThat(cache.get(keys(MODERATOR, a).byText())).isNotNull();
    cache.put(keys(MODERATOR, d), verdict("d", false));
    assertThat(cache.keys()).as("bounded at twice max_entries").isEqualTo(6);
    assertThat(cache.get(keys(MODERATOR, b))).as("least recently used, pushed out").isNull();
    assertThat(cache.get(keys(MODERATOR, a))).isNotNull();
    assertThat(cache.get(keys(MODERATOR, c))).isNotNull();
    assertThat(cache.get(keys(MODERATOR, d))).isNotNull();
  }

  @Test
  @DisplayName("TTL: a verdict is reused until ttl after its publication, then dropped; a hit never extends it")
  void verdictsExpireAfterTheirTtl() {
    VerdictCache cache = cache(10, 1_000);
    ReviewEvent a = review("a", "text a", 4);
    cache.put(keys(MODERATOR, a), verdict("a", false));
    now.addAndGet(999);
    assertThat(cache.get(keys(MODERATOR, a))).as("1 ms before expiry").isNotNull();
    now.addAndGet(1);
    assertThat(cache.get(keys(MODERATOR, a).byEvent())).as("at expiry, despite the hit just before").isNull();
    assertThat(cache.get(keys(MODERATOR, a))).isNull();
    assertThat(cache.keys()).as("expired keys are dropped when looked up").isZero();
  }

  @Test
  @DisplayName("a verdict found in the cluster map is kept only if still fresh, and only for what is left of its TTL")
  void clusterVerdictsKeepTheirPublicationTime() {
    VerdictCache cache = cache(10, 1_000);
    ReviewEvent a = review("a", "text a", 4);
    CachedVerdict old = verdict("a", false);
    now.addAndGet(1_500);
    cache.put(keys(MODERATOR, a).byEvent(), old);
    assertThat(cache.keys()).as("expired: not kept").isZero();
    CachedVerdict recent = new CachedVerdict("a", old.verdict(), old.model(), old.tier(), old.batchId(), 20, false,
        now.get() - 600);
    cache.put(keys(MODERATOR, a).byEvent(), recent);
    assertThat(cache.remainingMs(recent)).isEqualTo(400);
    now.addAndGet(400);
    assertThat(cache.get(keys(MODERATOR, a))).isNull();
  }

  @Test
  @DisplayName("normalisation: NFKC, lower case, whitespace runs folded to one space, none at the ends")
  void textIsNormalised() {
    assertThat(VerdictKeys.normalise("  GREAT\tproduct,\n\n  would\u00A0BUY   again!  ")).isEqualTo("great product, would buy again!");
    assertThat(VerdictKeys.normalise("\uFF27\uFF52\uFF45\uFF41\uFF54 \u2003kettle")).as("full-width letters, em space")
        .isEqualTo("great kettle");
    assertThat(VerdictKeys.normalise("caf\u0065\u0301")).as("combining accent composed").isEqualTo("caf\u00e9");
    assertThat(VerdictKeys.normalise("Sehr gutes Produkt")).isEqualTo("sehr gutes produkt");
  }

  @Test
  @DisplayName("the text key: the same normalised text and rating match across event ids; another rating or another word does not")
  void textKeyMatchesExactCopiesOnly() {
    VerdictCache cache = cache(10, 60_000);
    cache.put(keys(MODERATOR, review("a", "Best product ever!!! Five stars!!!", 5)), verdict("a", true));
    Hit copy = cache.get(keys(MODERATOR, review("b", "  best PRODUCT ever!!!\nfive stars!!! ", 5)));
    assertThat(copy).isNotNull();
    assertThat(copy.key().kind()).isEqualTo(Kind.TEXT);
    assertThat(copy.verdict().judgedEventId()).isEqualTo("a");
    assertThat(cache.get(keys(MODERATOR, review("c", "Best product ever!!! Five stars!!!", 4)))).as("other rating").isNull();
    assertThat(cache.get(keys(MODERATOR, review("d", "Best product ever!! Five stars!!!", 5)))).as("other text").isNull();
  }

  @Test
  @DisplayName("keys are separate per pipeline: a moderator verdict never answers the analyzer, by event id or by text")
  void keysAreSeparatePerPipeline() {
    VerdictCache cache = cache(10, 60_000);
    ReviewEvent a = review("a", "Solid kettle.", 4);
    cache.put(keys(MODERATOR, a), verdict("a", false));
    assertThat(keys(ANALYZER, a).byEvent()).isNotEqualTo(keys(MODERATOR, a).byEvent());
    assertThat(keys(ANALYZER, a).byText()).isNotEqualTo(keys(MODERATOR, a).byText());
    assertThat(cache.get(keys(ANALYZER, a))).isNull();
    assertThat(cache.get(keys(MODERATOR, a))).isNotNull();
    // the two kinds of key never collide either: an event id that equals another review's text
    assertThat(keys(MODERATOR, review("solid kettle.", "x", 0)).byEvent())
        .isNotEqualTo(keys(MODERATOR, review("z", "solid kettle.", 0)).byText());
  }

  @Test
  @DisplayName("the event key wins over the text key, matches a copy whatever its text, and a newer verdict replaces an older one")
  void eventKeyFirstAndNewestWins() {
    VerdictCache cache = cache(10, 60_000);
    ReviewEvent a = review("a", "Same words.", 3);
    ReviewEvent b = review("b", "Same words.", 3);
    cache.put(keys(MODERATOR, a), verdict("a", false));
    cache.put(keys(MODERATOR, b), verdict("b", true));
    Hit forA = cache.get(keys(MODERATOR, a));
    assertThat(forA.key().kind()).isEqualTo(Kind.EVENT_ID);
    assertThat(forA.verdict().judgedEventId()).as("a's own verdict, though b holds the text key now").isEqualTo("a");
    Hit copyOfA = cache.get(keys(MODERATOR, review("a", "Second copy, same id.", 3)));
    assertThat(copyOfA.key().kind()).isEqualTo(Kind.EVENT_ID);
    cache.put(keys(MODERATOR, a), verdict("a", true));
    assertThat(new JsonObject(cache.get(keys(MODERATOR, a)).verdict().verdict()).getBoolean("is_spam"))
        .as("a new judgment replaces the cached one").isTrue();
  }

  @Test
  @DisplayName("an answer is the new event's own result with the cached verdict fields, cost 0, cached_from the judged event, contained as judged")
  void answersCarryTheNewEventAndTheCopiedVerdict() {
    SourceRef source = new SourceRef("review-events", 7, 99L, "pipeline.ack.x");
    ReviewEvent original = review("a", "Buy now at http://x.example", 5);
    PipelineEvent judged = new PipelineEvent(MODERATOR, original, source, 0, 1L).asContained();
    EventResult result = new EventResult(judged, new JsonObject().put("id", "a").put("is_spam", true),
        "claude-haiku-5-5", "fast", "batch-1", 1, 0.0002, 300, 40);
    CachedVerdict cached = CachedVerdict.of(result, now.get());
    assertThat(new JsonObject(cached.verdict()).containsKey("id")).as("no positional id kept").isFalse();
    assertThat(CachedVerdict.decode(cached.encode())).as("the cluster map's form").isEqualTo(cached);

    SourceRef other = new SourceRef("review-events", 2, 5L, "pipeline.ack.y");
    PipelineEvent copy = new PipelineEvent(MODERATOR, review("b", "buy now at http://x.example", 5), other, 1, 2L);
    EventResult answer = cached.answer(copy);
    assertThat(answer.event().id()).isEqualTo("b");
    assertThat(answer.event().source()).isEqualTo(other);
    assertThat(answer.event().event().productId()).isEqualTo("p-b");
    assertThat(answer.event().retryCount()).isEqualTo(1);
    assertThat(answer.event().contained()).as("the judged copy was contained").isTrue();
    assertThat(answer.verdict().getBoolean("is_spam")).isTrue();
    assertThat(answer.verdict().getString("id")).isEqualTo("b");
    assertThat(answer.costUsd()).isZero();
    assertThat(answer.inputTokens() + answer.outputTokens()).isZero();
    assertThat(answer.cached()).isTrue();
    assertThat(answer.cachedFrom()).isEqualTo("a");
    assertThat(answer.model()).isEqualTo("claude-haiku-5-5");
    assertThat(answer.batchId()).isEqualTo("batch-1");
    assertThatThrownBy(() -> CachedVerdict.decode("{\"verdict\": 1}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachedVerdict.decode("not json")).isInstanceOf(IllegalArgumentException.class);
  }
}
