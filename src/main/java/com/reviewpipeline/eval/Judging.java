package com.reviewpipeline.eval;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Judges every review on every tier compared: the reviews cut into batches of the batch size in file order (so the
 * same settings send the same requests), the batches of all tiers sent by {@code concurrency} worker threads. As in
 * the service with containment on, suspected prompt injections are never batched with ordinary reviews: they go in
 * batches of their own of {@code containment.max_batch_size}.
 */
final class Judging {

  /** Per tier (in the order asked), per review id (in file order), its judgement. */
  record Result(Map<String, Map<String, Judgement>> byTier, int requests, int cached, int sent) {}

  private Judging() {}

  /** How suspects are told apart and batched; {@link #NONE}: containment off. */
  record Containment(java.util.function.Predicate<LabelledReview> suspect, int batchSize) {
    static final Containment NONE = new Containment(r -> false, 1);
  }

  static Result run(BatchJudge judge, Map<String, String> tierModels, List<LabelledReview> reviews, int batchSize,
      int concurrency, PrintStream progressOut) throws InterruptedException {
    return run(judge, tierModels, reviews, batchSize, Containment.NONE, concurrency, progressOut);
  }

  static Result run(BatchJudge judge, Map<String, String> tierModels, List<LabelledReview> reviews, int batchSize,
      Containment containment, int concurrency, PrintStream progressOut) throws InterruptedException {
    record Task(String tier, String model, List<LabelledReview> batch) {}
    List<LabelledReview> ordinary = reviews.stream().filter(containment.suspect().negate()).toList();
    List<LabelledReview> suspects = reviews.stream().filter(containment.suspect()).toList();
    List<Task> tasks = new ArrayList<>();
    tierModels.forEach((tier, model) -> {
      for (List<LabelledReview> b : batches(ordinary, batchSize)) {
        tasks.add(new Task(tier, model, b));
      }
      for (List<LabelledReview> b : batches(suspects, containment.batchSize())) {
        tasks.add(new Task(tier, model, b));
      }
    });
    Progress progress = new Progress(progressOut, tasks.size());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, concurrency), r -> {
      Thread t = new Thread(r, "eval-worker");
      t.setDaemon(true);
      return t;
    });
    List<Future<BatchJudge.Outcome>> futures = new ArrayList<>();
    try {
      for (Task t : tasks) {
        futures.add(pool.submit(() -> {
          BatchJudge.Outcome o = judge.judge(t.tier(), t.model(), t.batch());
          progress.record(o);
          return o;
        }));
      }
      Map<String, Map<String, Judgement>> byTier = new LinkedHashMap<>();
      tierModels.keySet().forEach(tier -> byTier.put(tier, new LinkedHashMap<>()));
      int cached = 0;
      int sent = 0;
      for (Future<BatchJudge.Outcome> f : futures) {
        BatchJudge.Outcome o;
        try {
          o = f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("eval: a batch failed unexpectedly: " + e.getCause(), e.getCause());
        }
        cached += o.cached() ? 1 : 0;
        sent += o.sent() ? 1 : 0;
        for (Judgement j : o.judgements()) {
          byTier.get(j.tier()).put(j.reviewId(), j);
        }
      }
      return new Result(byTier, tasks.size(), cached, sent);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<List<LabelledReview>> batches(List<LabelledReview> reviews, int size) {
    List<List<LabelledReview>> out = new ArrayList<>();
    for (int i = 0; i < reviews.size(); i += size) {
      out.add(reviews.subList(i, Math.min(reviews.size(), i + size)));
    }
    return out;
  }
}
