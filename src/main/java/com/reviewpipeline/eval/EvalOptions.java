package com.reviewpipeline.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code review-pipeline eval} was asked.
 *
 * @param csv the column mapping of a CSV input, null for JSON Lines
 * @param tiers configured tier names to judge on (empty: all)
 * @param models further model ids to compare, each judged as a tier named by the id
 * @param batchSize reviews per request (0: the pipeline's buffer.max_size)
 * @param maxUsd 0: no cap
 * @param limit the first this many reviews only (0: all)
 * @param endpoint what answers: "simulator" or the API's base URL (part of the cache key)
 */
public record EvalOptions(Path input, CsvMapping csv, String pipeline, List<String> tiers, List<String> models,
    int batchSize, int concurrency, double maxUsd, int limit, Path cacheDir, Path outDir, List<String> targets,
    String endpoint) {

  public EvalOptions {
    tiers = List.copyOf(tiers);
    models = List.copyOf(models);
    targets = List.copyOf(targets);
  }
}
