package com.reviewpipeline.devtools.bench;

import com.reviewpipeline.cache.CachedVerdict;
import com.reviewpipeline.cache.VerdictCache;
import com.reviewpipeline.cache.VerdictKeys;
import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.devtools.simulator.VerdictHeuristic;
import com.reviewpipeline.model.ReviewEvent;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The verdict cache's heap per verdict (docs/claude-stage.md "Verdict cache"): fills a {@link VerdictCache} of
 * {@code n} entries
 * (default 100,000) with moderator verdicts of the load generator's standard mix, as the publisher would (batches of
 * 20 sharing one batch id and one model string per batch; a flagged verdict carries a reason of its own, as a model's
 * reasons are, so none is shared), and prints the heap retained after full collections, before and after, per verdict.
 * No Kafka, no Vert.x: {@code java -Xmx1g -cp ... com.reviewpipeline.devtools.bench.VerdictCacheMemory [n [max_entries]]}
 * ({@code bench/cache-memory} runs it).
 */
public final class VerdictCacheMemory {

  private static final String PIPELINE = "review-moderator";
  private static final int BATCH = 20;

  private VerdictCacheMemory() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int maxEntries = args.length > 1 ? Integer.parseInt(args[1]) : n;
    VerdictCache cache = fill(n, maxEntries);
    int keys = cache.keys();
    String estimate = String.format("%,d verdicts held; estimated from the layout (/api/stats bytes_per_entry): %,d"
        + " bytes = %d bytes per verdict", cache.entries(), cache.heapBytes(), cache.bytesPerEntry());
    long full = retainedHeap();
    // measured by letting the filled cache go rather than against the heap before the fill, which would count what
    // filling it loaded for good (classes' static tables, the JSON library's buffers) as the cache's
    cache = null;
    long empty = retainedHeap();
    System.out.printf("verdict cache: %,d verdicts put, max_entries %,d: %,d keys retain %,d bytes (%.0f bytes per"
        + " verdict it may hold)%n", n, maxEntries, keys, full - empty, (full - empty) / (double) Math.min(n, maxEntries));
    System.out.println("verdict cache: " + estimate);
  }

  static VerdictCache fill(int n, int maxEntries) {
    VerdictCache cache = new VerdictCache(maxEntries, 86_400_000L, System::currentTimeMillis);
    ReviewGenerator reviews = new ReviewGenerator(26);
    VerdictHeuristic judge = new VerdictHeuristic();
    long now = System.currentTimeMillis();
    String batchId = null;
    String model = null;
    for (int i = 0; i < n; i++) {
      if (i % BATCH == 0) {
        // one id and one model string per call, shared by its verdicts, as in a published batch
        batchId = UUID.randomUUID().toString();
        model = new String("claude-haiku-5-5".toCharArray());
      }
      ReviewEvent e = reviews.next();
      JsonObject verdict = verdict(judge, e, i);
      cache.put(VerdictKeys.of(PIPELINE, e),
          new CachedVerdict(e.eventId(), verdict.encode(), model, "fast", batchId, BATCH, false, now));
    }
    return cache;
  }

  /** The moderator's documented verdict; a flagged one with a reason of its own (about 60 characters). */
  static JsonObject verdict(VerdictHeuristic judge, ReviewEvent e, int i) {
    String text = e.reviewText();
    boolean spam = judge.isSpam(text);
    boolean abusive = judge.isAbusive(text);
    boolean fake = judge.isFake(text, e.rating());
    JsonObject v = new JsonObject()
        .put("is_spam", spam)
        .put("is_abusive", abusive)
        .put("is_fake", fake)
        .put("sentiment", judge.sentiment(text, e.rating()))
        .put("confidence", e.rating() == 3 ? 0.6 : 0.9);
    if (spam || abusive || fake) {
      String why = spam ? "promotes an outside offer" : abusive ? "insults other customers" : "template praise";
      v.put("reason", why + " in review " + i + " of product " + e.productId());
    }
    return v;
  }

  /** Heap in use after collections have stopped freeing anything (at most 10). */
  static long retainedHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(100);
      long now = rt.totalMemory() - rt.freeMemory();
      if (now >= used) {
        return now;
      }
      used = now;
    }
    return used;
  }
}
