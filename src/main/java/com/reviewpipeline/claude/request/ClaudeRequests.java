package com.reviewpipeline.claude.request;

import com.reviewpipeline.config.ClaudeSettings;
import com.reviewpipeline.config.ModelProfile;
import com.reviewpipeline.config.ModelProfiles;
import com.reviewpipeline.config.PipelineConfig;
import com.reviewpipeline.model.ReviewEvent;
import com.reviewpipeline.tokens.TokenCalibration;
import com.reviewpipeline.tokens.TokenEstimates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Builds Messages API requests as each model's profile allows (structured-output mode, thinking, effort), and
 * estimates their tokens with the profile's characters per token times the model's calibration factor.
 * Reviews travel as JSON data inside a {@code <reviews>} block; {@code <} and {@code >} are written as JSON unicode
 * escapes, so no review text can close the block or open another one.
 */
public final class ClaudeRequests {

  static final String PREAMBLE = TokenEstimates.PREAMBLE;
  static final String CLOSING = TokenEstimates.CLOSING;
  /** Per review, the output headroom over the pipeline's expected verdict size. */
  private static final int OUTPUT_HEADROOM = 2;
  private static final int OUTPUT_BASE_TOKENS = 64;

  private final ModelProfiles models;
  private final ClaudeSettings settings;
  private final TokenCalibration calibration;
  private final TokenEstimates estimates;
  /** Per pipeline tool (by identity): the strict tool and the strict schema built from it, built once. */
  private final Map<JsonObject, JsonObject> strictTools =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
  private final Map<JsonObject, JsonObject> strictSchemas =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  public ClaudeRequests(ModelProfiles models, ClaudeSettings settings, TokenCalibration calibration) {
    this.models = models;
    this.settings = settings;
    this.calibration = calibration;
    this.estimates = new TokenEstimates(models, settings, calibration);
  }

  public ModelProfile profile(String model) {
    return models.of(model);
  }

  /**
   * One review as the model sees it. Its {@code id} is its position in the batch ("1", "2", ...), not the event id:
   * the model echoes every id in its answer, and output tokens cost five times input tokens, so a 36-character
   * UUID echoed per review was the largest avoidable item of the bill. The caller maps positions back to events.
   */
  public static JsonObject item(ReviewEvent event, String batchId) {
    return new JsonObject()
        .put("id", batchId)
        .put("text", event.reviewText())
        .put("rating", event.rating());
  }

  /** The ids a batch of {@code size} carries, in order: what the answer must echo. */
  public static List<String> batchIds(int size) {
    return IntStream.rangeClosed(1, size).mapToObj(String::valueOf).toList();
  }

  /** The user message text for a batch of items. */
  public static String userMessage(List<JsonObject> items) {
    return PREAMBLE + escapeMarkup(new JsonArray(List.copyOf(items)).encode()) + CLOSING;
  }

  /** Replaces angle brackets by JSON escapes; safe because they can only occur inside JSON strings. */
  static String escapeMarkup(String json) {
    return json.replace("<", "\\u003c").replace(">", "\\u003e");
  }

  /** The system prompt with the line the model's structured-output mode needs. */
  String system(ModelProfile profile, PipelineConfig pipeline) {
    return estimates.system(profile, pipeline);
  }

  private static int tokens(double chars, ModelProfile profile) {
    return TokenEstimates.tokens(chars, profile);
  }

  /** Uncalibrated tokens of the fixed prefix: tools (or the output schema), then system. */
  int rawPrefixTokens(String model, PipelineConfig pipeline) {
    return estimates.rawPrefixTokens(model, pipeline);
  }

  /**
   * Estimated tokens the cache marker covers (tools, then system; no output schema), calibrated like the fixed part:
   * what {@link #cacheable} compares with the model's minimum.
   */
  public int cachePrefixTokens(String model, PipelineConfig pipeline) {
    return estimates.cachePrefixTokens(model, pipeline);
  }

  /**
   * Whether requests of this pipeline to this model carry a cache marker: only when the prefix it covers reaches
   * the model's minimum, below which the API processes the request "without caching" and the marker buys nothing
   * (https://platform.claude.com/docs/en/build-with-claude/prompt-caching).
   */
  public boolean cacheable(String model, PipelineConfig pipeline) {
    return cachePrefixTokens(model, pipeline) >= models.of(model).cacheMinTokens();
  }

  int rawFixedTokens(String model, PipelineConfig pipeline) {
    return estimates.rawFixedTokens(model, pipeline);
  }

  /** Tokens paid once per request whatever the batch size: system prompt, schema, wrapper, tool-use overhead. */
  public int fixedTokens(String model, PipelineConfig pipeline) {
    return estimates.fixedTokens(model, pipeline);
  }

  /** Estimated input tokens of one review in a batch, before its position is known. */
  public int itemTokens(String model, ReviewEvent event) {
    return estimates.itemTokens(model, event);
  }

  int rawItemTokens(String model, ReviewEvent event) {
    return estimates.rawItemTokens(model, event);
  }

  /**
   * A request's input estimate: the uncalibrated fixed part and reviews (what the calibration compares with usage)
   * and the calibrated total the request is charged and sized with.
   */
  public record InputEstimate(int rawFixed, int rawItems, int tokens) {}

  public InputEstimate inputEstimate(String model, PipelineConfig pipeline, List<ReviewEvent> events) {
    int items = 0;
    for (ReviewEvent e : events) {
      items += rawItemTokens(model, e);
    }
    int fixed = rawFixedTokens(model, pipeline);
    return new InputEstimate(fixed, items, (int) Math.ceil(fixed * calibration.fixedFactor(model, pipeline.name())
        + items * calibration.factor(model)));
  }

  /**
   * Output budget: each verdict's expected characters in the model's answer tokens (as answers without thinking
   * measured them), with headroom, capped by the pipeline; plus the profile's allowance for thinking, which counts
   * toward {@code max_tokens}.
   */
  public int maxTokens(String model, PipelineConfig pipeline, int items) {
    ModelProfile p = models.of(model);
    int perItem = (int) Math.ceil(tokens(pipeline.outputCharsPerItem(), p) * calibration.answerFactor(tokenizer(p)));
    return Math.min(pipeline.maxOutputTokens(), OUTPUT_BASE_TOKENS + items * perItem * OUTPUT_HEADROOM)
        + p.thinkingAllowanceTokens();
  }

  /**
   * Estimated tokens of an answer's own text (tool input or JSON), from answers of the same tokenizer that came
   * without thinking; the rest of {@code output_tokens} was thinking.
   */
  public long answerTokens(String model, long chars) {
    ModelProfile p = models.of(model);
    return (long) Math.ceil(tokens(chars, p) * calibration.answerFactor(tokenizer(p)));
  }

  /** Records an answer without thinking: how its billed output compares with the raw estimate of its text. */
  public void recordAnswer(String model, long chars, long outputTokens) {
    ModelProfile p = models.of(model);
    calibration.recordAnswer(tokenizer(p), tokens(chars, p), outputTokens);
  }

  /** Models whose profiles give the same characters per token are taken to share a tokenizer. */
  private static String tokenizer(ModelProfile p) {
    return String.valueOf(p.charsPerToken());
  }

  /**
   * The room a batch is asked with: computed from the pipeline, or, for events whose answer was cut at
   * {@code cutAt}'s last size, double that (thinking allowance included), up to the model's output limit.
   */
  public int maxTokens(String model, PipelineConfig pipeline, int items, List<Integer> cutAt) {
    if (cutAt.isEmpty()) {
      return maxTokens(model, pipeline, items);
    }
    return moreRoom(cutAt.get(cutAt.size() - 1), models.of(model).maxOutputTokens());
  }

  /** Double {@code cut}, up to {@code limit}; {@code cut} itself when no more room is possible (0: limit not known). */
  public static int moreRoom(int cut, int limit) {
    return limit <= cut ? cut : (int) Math.min(limit, 2L * cut);
  }

  public JsonObject request(String model, PipelineConfig pipeline, List<ReviewEvent> events) {
    return request(model, pipeline, events, maxTokens(model, pipeline, events.size()));
  }

  public JsonObject request(String model, PipelineConfig pipeline, List<ReviewEvent> events, int maxTokens) {
    ModelProfile profile = models.of(model);
    List<String> ids = batchIds(events.size());
    List<JsonObject> items = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      items.add(item(events.get(i), ids.get(i)));
    }
    JsonObject system = new JsonObject().put("type", "text").put("text", system(profile, pipeline));
    if (cacheable(model, pipeline)) {
      // the prefix is tools, then system, then messages: a breakpoint on the last system block caches the tools
      // and the system prompt with one marker, and the reviews after it stay out
      system.put("cache_control", new JsonObject().put("type", "ephemeral"));
    }
    JsonObject body = new JsonObject()
        .put("model", model)
        .put("max_tokens", maxTokens)
        .put("system", new JsonArray().add(system));
    JsonObject outputConfig = new JsonObject();
    switch (profile.output()) {
      // the tool and the schema are shared by every request of the pipeline: bodies are only encoded, never changed
      case FORCED_TOOL -> body
          .put("tools", new JsonArray().add(pipeline.tool()))
          .put("tool_choice", new JsonObject().put("type", "tool").put("name", pipeline.toolName()));
      case AUTO_TOOL -> body
          .put("tools", new JsonArray().add(strictTools.computeIfAbsent(pipeline.tool(), t -> t.copy()
              .put("input_schema", StrictSchema.of(t.getJsonObject("input_schema")))
              .put("strict", true))))
          .put("tool_choice", new JsonObject().put("type", "auto"));
      case JSON_SCHEMA -> outputConfig.put("format", new JsonObject()
          .put("type", "json_schema")
          .put("schema", strictSchemas.computeIfAbsent(pipeline.tool(),
              t -> StrictSchema.of(t.getJsonObject("input_schema")))));
    }
    switch (profile.thinking()) {
      case DISABLED -> body.put("thinking", new JsonObject().put("type", "disabled"));
      case BETWEEN_TOOLS -> body.put("thinking", new JsonObject().put("type", "between_tools"));
      case OMIT -> { }
    }
    if (!profile.effort().isEmpty()) {
      outputConfig.put("effort", profile.effort());
    }
    if (!outputConfig.isEmpty()) {
      body.put("output_config", outputConfig);
    }
    return body.put("messages", new JsonArray().add(new JsonObject()
        .put("role", "user")
        .put("content", new JsonArray().add(new JsonObject()
            .put("type", "text")
            .put("text", userMessage(items))))));
  }
}
