package com.reviewpipeline.eval;

import com.reviewpipeline.eval.Judgement.Status;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * What judging the set on one tier cost and how it went: reviews by status, USD, tokens and thinking tokens per review,
 * and the p50/p99 of each review's request latency. Reviews never sent ({@code --max-usd}) count in none of the means.
 */
public record TierStats(int reviews, Map<Status, Integer> statuses, double usd, double usdPer1000,
    double inputTokensPerReview, double outputTokensPerReview, double thinkingTokensPerReview, long p50Ms, long p99Ms) {

  public static TierStats of(Collection<Judgement> judgements) {
    Map<Status, Integer> statuses = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      statuses.put(s, 0);
    }
    double usd = 0;
    double in = 0;
    double out = 0;
    double thinking = 0;
    int sent = 0;
    long[] latencies = new long[judgements.size()];
    for (Judgement j : judgements) {
      statuses.merge(j.status(), 1, Integer::sum);
      if (j.status() == Status.NOT_JUDGED) {
        continue;
      }
      usd += j.usd();
      in += j.inputTokens();
      out += j.outputTokens();
      thinking += j.thinkingTokens();
      latencies[sent++] = j.latencyMs();
    }
    long[] measured = Arrays.copyOf(latencies, sent);
    Arrays.sort(measured);
    return new TierStats(judgements.size(), statuses, usd, sent == 0 ? 0 : usd / sent * 1000, mean(in, sent),
        mean(out, sent), mean(thinking, sent), percentile(measured, 0.50), percentile(measured, 0.99));
  }

  private static double mean(double sum, int n) {
    return n == 0 ? 0 : sum / n;
  }

  /** Nearest rank; 0 without values. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
