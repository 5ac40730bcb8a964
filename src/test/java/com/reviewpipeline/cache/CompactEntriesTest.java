package com.reviewpipeline.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.cache.VerdictKeys.Key;
import com.reviewpipeline.cache.VerdictKeys.Keys;
import com.reviewpipeline.cache.VerdictKeys.Kind;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.SourceRef;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cache's compact form: what goes in comes out value for value, one entry per verdict, and its key tables. */
class CompactEntriesTest {

  static final String MODERATOR = "review-moderator";

  final AtomicLong now = new AtomicLong(1_000_000);

  static ReviewEvent review(String id, String text) {
    return new ReviewEvent(id, "p", "u", text, 5, "2026-11-26T10:00:00Z", "web");
  }

  CachedVerdict verdict(String judgedId, String verdictJson, String batchId, boolean contained) {
    return new CachedVerdict(judgedId, verdictJson, "claude-haiku-5-5", "fast", batchId, 17, contained, now.get() - 5);
  }

  @Test
  @DisplayName("a hit gives back the verdict as it was put, value for value: UUID and other ids, non-ASCII text, no batch id, contained; so its answer is the same")
  void hitsGiveBackTheVerdictPut() {
    VerdictCache cache = new VerdictCache(10, 60_000, now::get);
    String uuid = UUID.randomUUID().toString();
    List<CachedVerdict> put = List.of(
        verdict(uuid, "{\"is_spam\":true,\"confidence\":0.9,\"reason\":\"lien promo \u00e9 \u2014 \ud83d\ude00\"}", "b-1",
            true),
        verdict(uuid.toUpperCase(), "{\"is_spam\":false}", null, false),
        verdict("judged-\u00fc", "{\"sentiment\":\"positive\",\"confidence\":0.1}", "b/2", false));
    for (int i = 0; i < put.size(); i++) {
      Keys keys = VerdictKeys.of(MODERATOR, review("e" + i, "text " + i));
      cache.put(keys, put.get(i));
      assertThat(cache.get(keys).verdict()).isEqualTo(put.get(i));
      PipelineEvent copy = new PipelineEvent(MODERATOR, review("c" + i, "text " + i), new SourceRef("t", 0, i, "a"), 0,
          0L);
      assertThat(cache.get(keys).verdict().answer(copy)).isEqualTo(put.get(i).answer(copy));
      assertThat(cache.get(keys).verdict().answer(copy).verdict().encode())
          .isEqualTo(put.get(i).answer(copy).verdict().encode());
    }
  }

  @Test
  @DisplayName("max_entries counts verdicts: a copy taking an older verdict's text key leaves it its event key, and a verdict with no key left is gone")
  void boundCountsVerdicts() {
    VerdictCache cache = new VerdictCache(2, 60_000, now::get);
    Keys a = VerdictKeys.of(MODERATOR, review("a", "Same words."));
    Keys b = VerdictKeys.of(MODERATOR, review("b", "same   WORDS."));
    cache.put(a, verdict("a", "{}", "b-1", false));
    cache.put(b, verdict("b", "{}", "b-1", false));
    assertThat(cache.entries()).isEqualTo(2);
    assertThat(cache.keys()).as("a's event key, b's two").isEqualTo(3);
    assertThat(cache.get(a.byEvent()).verdict().judgedEventId()).isEqualTo("a");
    assertThat(cache.get(a.byText()).verdict().judgedEventId()).isEqualTo("b");
    cache.put(a, verdict("a", "{\"is_spam\":true}", "b-2", false));
    assertThat(cache.entries()).as("a's old verdict lost its last key to its new one").isEqualTo(2);
    assertThat(cache.get(b.byEvent()).verdict().judgedEventId()).isEqualTo("b");
    assertThat(cache.get(b.byText()).verdict().verdict()).isEqualTo("{\"is_spam\":true}");
    Keys c = VerdictKeys.of(MODERATOR, review("c", "other words"));
    cache.put(c, verdict("c", "{}", "b-3", false));
    assertThat(cache.entries()).isEqualTo(2);
    assertThat(cache.get(b.byEvent())).as("least recently used verdict pushed out").isNull();
    assertThat(cache.keys()).isEqualTo(4);
  }

  @Test
  @DisplayName("the heap estimate counts an equal verdict once: 100 copies of one verdict cost less than 100 different ones of the same length")
  void equalVerdictsAreSharedAndCountedOnce() {
    VerdictCache same = new VerdictCache(1_000, 60_000, now::get);
    VerdictCache different = new VerdictCache(1_000, 60_000, now::get);
    for (int i = 0; i < 100; i++) {
      Keys keys = VerdictKeys.of(MODERATOR, review("e" + i, "text " + i));
      same.put(keys, verdict("e" + i, "{\"reason\":\"promo link 100\"}", "b", false));
      different.put(keys, verdict("e" + i, "{\"reason\":\"promo link " + (100 + i) + "\"}", "b", false));
    }
    long oneArray = CacheEntry.arrayBytes("{\"reason\":\"promo link 100\"}".length());
    assertThat(different.heapBytes() - same.heapBytes()).isEqualTo(99 * oneArray);
    assertThat(same.bytesPerEntry()).isGreaterThanOrEqualTo(CacheEntry.OBJECT_BYTES);
  }

  @Test
  @DisplayName("a key table with colliding slots: after random adds and removals every key held is found and no key removed is")
  void keyIndexAgreesWithAMap() {
    Random random = new Random(26);
    KeyIndex index = new KeyIndex(Kind.TEXT);
    Map<Long, CacheEntry> model = new HashMap<>();
    List<Long> held = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      if (held.isEmpty() || random.nextInt(3) > 0) {
        // few distinct low bits: long probe runs that wrap around the table's end
        long lo = ((long) random.nextInt(1 << 20) << 32) | random.nextInt(8) | (random.nextBoolean() ? 0xFFF0 : 0);
        if (model.containsKey(lo)) {
          continue;
        }
        CacheEntry e = new CacheEntry(null, new Key(Kind.TEXT, ~lo, lo), verdict("x", "{}", null, false),
            new byte[0], null, null, null, CacheEntry.TEXT_KEY);
        index.add(e);
        model.put(lo, e);
        held.add(lo);
      } else {
        long lo = held.remove(random.nextInt(held.size()));
        index.remove(~lo, lo);
        model.remove(lo);
        assertThat(index.get(~lo, lo)).isNull();
      }
      assertThat(index.size()).isEqualTo(model.size());
    }
    for (Map.Entry<Long, CacheEntry> e : model.entrySet()) {
      assertThat(index.get(~e.getKey(), e.getKey())).isSameAs(e.getValue());
    }
  }
}
