package com.reviewpipeline.eval;

import com.reviewpipeline.claude.request.ClaudeRequests;
import com.reviewpipeline.claude.cost.CostCalculator;
import com.reviewpipeline.claude.request.ParsedResponse;
import com.reviewpipeline.claude.request.ResponseFormatException;
import com.reviewpipeline.claude.request.ResponseReader;
import com.reviewpipeline.config.ModelPrice;
import com.reviewpipeline.config.ModelProfile;
import com.reviewpipeline.config.ModelProfiles;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.eval.Judgement.Status;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.model.Usage;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges one batch of reviews on one model as the Claude stage does: the request from {@link ClaudeRequests} (the
 * model's profile: structured-output mode, thinking, effort, cache marker, max_tokens), the answer read and validated
 * by {@link ResponseReader} (item schema, compact-verdict mapping), its cost from {@link CostCalculator}, thinking
 * tokens as output tokens beyond the answer's own (as UsageAccounting books them). The answer comes from the
 * {@link AnswerCache} when the same request was answered before; otherwise its cost is reserved against
 * {@link SpendCap} and it is sent.
 */
final class BatchJudge {

  /** What a batch gave: one judgement per review, and whether its answer came from the cache or was never sent. */
  record Outcome(List<Judgement> judgements, boolean cached, boolean sent, double usd) {}

  interface Sender {
    AnswerCache.Entry send(JsonObject body) throws ApiSender.CallFailed, InterruptedException;
  }

  private final PipelineConfig pipeline;
  private final ClaudeRequests requests;
  private final ModelProfiles models;
  private final ResponseReader reader;
  private final CostCalculator costs;
  private final AnswerCache cache;
  private final String endpoint;
  private final Sender sender;
  private final SpendCap cap;

  BatchJudge(PipelineConfig pipeline, ClaudeRequests requests, ModelProfiles models, AnswerCache cache,
      String endpoint, Sender sender, SpendCap cap) {
    this.pipeline = pipeline;
    this.requests = requests;
    this.models = models;
    this.reader = ResponseReader.of(pipeline);
    this.costs = new CostCalculator(models);
    this.cache = cache;
    this.endpoint = endpoint;
    this.sender = sender;
    this.cap = cap;
  }

  Outcome judge(String tier, String model, List<LabelledReview> batch) throws InterruptedException {
    List<ReviewEvent> events = batch.stream().map(LabelledReview::event).toList();
    int maxTokens = requests.maxTokens(model, pipeline, events.size());
    JsonObject body = requests.request(model, pipeline, events, maxTokens);
    String key = AnswerCache.key(endpoint, body);
    Optional<AnswerCache.Entry> hit = cache.get(key);
    if (hit.isPresent()) {
      return new Outcome(read(tier, model, batch, hit.get(), true), true, false, 0);
    }
    double reserve = reserve(model, requests.inputEstimate(model, pipeline, events).tokens(), maxTokens);
    if (!cap.reserve(reserve)) {
      return new Outcome(all(tier, model, batch, Status.NOT_JUDGED, "not sent: " + cap.stopped()), false, false, 0);
    }
    AnswerCache.Entry answer;
    try {
      answer = sender.send(body);
    } catch (ApiSender.CallFailed e) {
      cap.settle(reserve, 0);
      return new Outcome(all(tier, model, batch, Status.ERROR, e.getMessage()), false, true, 0);
    }
    List<Judgement> judged = read(tier, model, batch, answer, false);
    double usd = judged.stream().mapToDouble(Judgement::usd).sum();
    cap.settle(reserve, usd);
    cache.put(key, answer);
    return new Outcome(judged, false, true, usd);
  }

  /** The most the request may cost (see {@link SpendCap}). */
  double reserve(String model, int inputTokens, int maxTokens) {
    ModelPrice p = models.price(model);
    return (inputTokens * Math.max(p.input(), p.cacheWrite()) + maxTokens * p.output()) / 1_000_000.0;
  }

  private List<Judgement> read(String tier, String model, List<LabelledReview> batch, AnswerCache.Entry answer,
      boolean cached) {
    ModelProfile profile = requests.profile(model);
    List<String> ids = ClaudeRequests.batchIds(batch.size());
    ParsedResponse parsed;
    try {
      parsed = reader.read(answer.response(), profile.output(), ids);
    } catch (ResponseFormatException e) {
      // billed but unreadable: its cost still counts
      Usage usage = Usage.fromJson(answer.response().getJsonObject("usage"));
      double share = costs.cost(model, usage) / batch.size();
      List<Judgement> out = new ArrayList<>();
      for (LabelledReview r : batch) {
        out.add(new Judgement(r.id(), tier, model, Status.INVALID, null, "unreadable answer: " + e.getMessage(),
            share, (double) usage.totalInputTokens() / batch.size(), (double) usage.outputTokens() / batch.size(), 0,
            answer.latencyMs(), cached));
      }
      return out;
    }
    Usage usage = parsed.usage();
    long thinking = parsed.thinkingBlocks() > 0
        ? Math.max(0, usage.outputTokens() - requests.answerTokens(model, parsed.answerChars())) : 0;
    int n = batch.size();
    double usd = costs.cost(model, usage) / n;
    List<Judgement> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = ids.get(i);
      LabelledReview r = batch.get(i);
      JsonObject verdict = parsed.verdicts().get(id);
      Status status = verdict != null ? Status.OK : parsed.invalid().containsKey(id) ? Status.INVALID
          : parsed.refused() ? Status.REFUSED : Status.MISSING;
      String problem = switch (status) {
        case INVALID -> parsed.invalid().get(id);
        case REFUSED -> "refused" + (parsed.stopDetails() == null ? "" : ": " + parsed.stopDetails().encode());
        case MISSING -> "not in the answer (stop_reason " + parsed.stopReason() + ")";
        default -> null;
      };
      out.add(new Judgement(r.id(), tier, model, status, verdict, problem, usd,
          (double) usage.totalInputTokens() / n, (double) usage.outputTokens() / n, (double) thinking / n,
          answer.latencyMs(), cached));
    }
    return out;
  }

  private static List<Judgement> all(String tier, String model, List<LabelledReview> batch, Status s, String why) {
    return batch.stream().map(r -> Judgement.none(r.id(), tier, model, s, why)).toList();
  }
}
