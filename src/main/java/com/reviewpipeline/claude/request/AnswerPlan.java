package com.reviewpipeline.claude.request;

import com.reviewpipeline.model.Batch;
import com.reviewpipeline.model.EventResult;
import com.reviewpipeline.model.PipelineEvent;
import com.reviewpipeline.model.Rejudge;
import com.reviewpipeline.model.Usage;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What happens to each event of a batch once its answer is read: a verdict, another request (halves of a cut or
 * refused remainder, the lone refused review on the fallback tier), the buffer again (left out), or the failure
 * path. Plain data, decided without Vert.x so every branch is unit-tested.
 *
 * @param verdicts events with a valid verdict (its id already replaced by the event id)
 * @param splits sub-batches to send again on the same tier
 * @param fallback a lone refused review to try once on the pipeline's refusal fallback tier, or null
 * @param moreRoom a lone review whose answer was cut at {@code max_tokens} below the model's output limit, to ask
 *     again with more room ({@link ClaudeRequests#moreRoom}), or null
 * @param resend events left out of the answer, back to their buffer
 * @param failures events for the failure path, each with its error type, message and whether it may be retried
 */
public record AnswerPlan(
    Map<PipelineEvent, JsonObject> verdicts,
    List<List<PipelineEvent>> splits,
    PipelineEvent fallback,
    PipelineEvent moreRoom,
    List<PipelineEvent> resend,
    List<Failure> failures) {

  public record Failure(PipelineEvent event, String errorType, String message, boolean retryable) {}

  /**
   * The room the answer had: {@code cutAt} the {@code max_tokens} of earlier requests for the same events that were
   * cut, {@code sent} this request's, {@code limit} the model's output limit (0: not known).
   */
  public record Room(List<Integer> cutAt, int sent, int limit) {
    /** Room not known: a lone cut answer is not asked again. */
    public static final Room NONE = new Room(List.of(), 0, 0);

    boolean canGrow() {
      return ClaudeRequests.moreRoom(sent, limit) > sent;
    }

    String tried() {
      List<Integer> all = new ArrayList<>(cutAt);
      all.add(sent);
      return all.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
    }
  }

  /**
   * @param tier the tier the batch was judged on
   * @param fallbackTier the pipeline's refusal fallback tier (empty: none)
   * @param maxResends how often an event left out of an answer goes back to its buffer
   */
  /**
   * The results of the answered events: each carries an equal share of the batch's cost and tokens (the request
   * was one, its items are not billed apart), plus, for an event a cascade escalated, its earlier verdicts' shares.
   */
  public List<EventResult> results(Batch batch, String model, Usage usage, double cost) {
    int n = batch.size();
    List<EventResult> out = new ArrayList<>();
    verdicts.forEach((e, verdict) -> {
      List<Rejudge.Prior> prior = e.isEscalated() ? e.rejudge().prior() : List.of();
      out.add(new EventResult(e, verdict, model, batch.tier(), batch.id(), n,
          cost / n + prior.stream().mapToDouble(Rejudge.Prior::costUsd).sum(),
          (double) usage.totalInputTokens() / n + prior.stream().mapToDouble(Rejudge.Prior::inputTokens).sum(),
          (double) usage.outputTokens() / n + prior.stream().mapToDouble(Rejudge.Prior::outputTokens).sum()));
    });
    return out;
  }

  public static AnswerPlan of(List<PipelineEvent> events, ParsedResponse parsed, String tier, String fallbackTier,
      int maxResends) {
    return of(events, parsed, tier, fallbackTier, maxResends, Room.NONE);
  }

  /** @param room the room this answer had: a lone review cut below the model's limit is asked again with more */
  public static AnswerPlan of(List<PipelineEvent> events, ParsedResponse parsed, String tier, String fallbackTier,
      int maxResends, Room room) {
    List<String> ids = ClaudeRequests.batchIds(events.size());
    Map<PipelineEvent, JsonObject> verdicts = new LinkedHashMap<>();
    List<PipelineEvent> missing = new ArrayList<>();
    List<PipelineEvent> invalid = new ArrayList<>();
    List<PipelineEvent> rest = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      PipelineEvent e = events.get(i);
      JsonObject verdict = parsed.verdicts().get(ids.get(i));
      if (verdict != null) {
        verdicts.put(e, verdict.copy().put("id", e.id()));
      } else {
        rest.add(e);
        (parsed.invalid().containsKey(ids.get(i)) ? invalid : missing).add(e);
      }
    }
    List<List<PipelineEvent>> splits = new ArrayList<>();
    List<PipelineEvent> resend = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    PipelineEvent fallback = null;
    PipelineEvent moreRoom = null;
    if (parsed.truncated() || parsed.refused()) {
      // an incomplete last item is the cut, not a wrong answer: the remainder is asked again in smaller requests
      if (rest.size() > 1) {
        int half = rest.size() / 2;
        splits.add(List.copyOf(rest.subList(0, half)));
        splits.add(List.copyOf(rest.subList(half, rest.size())));
      } else if (rest.size() == 1 && events.size() > 1) {
        splits.add(List.copyOf(rest)); // alone, it may fit or be judged; or it is the refused one, found
      } else if (rest.size() == 1 && "max_tokens".equals(parsed.stopReason()) && room.canGrow()) {
        // the room was too small for this review's answer (or its thinking): the same room cannot help, more can
        moreRoom = rest.get(0);
      } else if (rest.size() == 1 && "max_tokens".equals(parsed.stopReason())) {
        failures.add(new Failure(rest.get(0), "truncated", "one review's answer does not fit the model's output limit "
            + "(stop_reason max_tokens; max_tokens tried: " + room.tried() + "; the model's limit: "
            + (room.limit() > 0 ? room.limit() : "not configured (models.<id>.max_output_tokens)") + ")", false));
      } else if (rest.size() == 1 && parsed.truncated()) {
        // input and output together filled the context window: more max_tokens cannot help, and one review's
        // input cannot be made smaller
        failures.add(new Failure(rest.get(0), "truncated", "one review's request and answer fill the model's context "
            + "window (stop_reason " + parsed.stopReason() + "; max_tokens " + room.sent() + ")", false));
      } else if (rest.size() == 1 && !fallbackTier.isEmpty() && !fallbackTier.equals(tier)) {
        fallback = rest.get(0);
      } else if (rest.size() == 1) {
        failures.add(new Failure(rest.get(0), "refusal", "the model declined to judge this review" + details(parsed), false));
      }
      return new AnswerPlan(verdicts, splits, fallback, moreRoom, resend, failures);
    }
    for (int i = 0; i < events.size(); i++) {
      PipelineEvent e = events.get(i);
      String problem = parsed.invalid().get(ids.get(i));
      if (problem != null) {
        failures.add(new Failure(e, "invalid_item", "invalid item in the model's answer: " + problem, true));
      }
    }
    for (PipelineEvent e : missing) {
      if (e.resends() < maxResends) {
        resend.add(e);
      } else {
        failures.add(new Failure(e, "missing_from_response",
            "left out of the model's answer " + (e.resends() + 1) + " times", true));
      }
    }
    return new AnswerPlan(verdicts, splits, fallback, moreRoom, resend, failures);
  }

  private static String details(ParsedResponse parsed) {
    JsonObject d = parsed.stopDetails();
    if (d == null) {
      return "";
    }
    return " (category " + d.getValue("category") + (d.getString("explanation") == null ? "" : ": " + d.getString("explanation")) + ")";
  }
}
