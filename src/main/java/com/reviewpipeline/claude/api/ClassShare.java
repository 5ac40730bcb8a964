package com.reviewpipeline.claude.api;

/**
 * A capped work class's grants on one key's budget for one model over the last minute: how many, and their input and
 * output tokens, for the fair shares of {@link KeyPool}. Guarded by the pool's lock.
 */
final class ClassShare {
  private final java.util.ArrayDeque<long[]> grants = new java.util.ArrayDeque<>();
  long input;
  long output;

  void expire(long now) {
    while (!grants.isEmpty() && grants.peekFirst()[0] <= now - 60_000) {
      long[] g = grants.pollFirst();
      input -= g[1];
      output -= g[2];
    }
  }

  void add(long now, long in, long out) {
    grants.addLast(new long[] {now, in, out});
    input += in;
    output += out;
  }

  int requests() {
    return grants.size();
  }

  long oldest() {
    return grants.isEmpty() ? 0 : grants.peekFirst()[0];
  }
}
