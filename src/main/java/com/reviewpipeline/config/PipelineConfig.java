package com.reviewpipeline.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One analysis over the events topic: its own consumer group, prompt, tool schema and buffer.
 * Adding a pipeline is configuration only.
 *
 * @param tool the tool definition sent to the API ({@code name}, {@code description}, {@code input_schema})
 * @param flagFields boolean verdict fields that mark a review for human attention
 * @param refusalFallbackTier where a review refused on its own is tried once more before it is dead-lettered
 *     as {@code refusal} (empty: nowhere)
 * @param mapping how answer items map to the documented verdict fields (the tool file's {@code compact} section)
 * @param cascade which first verdicts are judged again on a higher tier ({@link CascadeConfig#OFF}: none)
 * @param shadow which published verdicts are compared with a reference tier's ({@link ShadowConfig#OFF}: none)
 */
public record PipelineConfig(
    String name,
    String groupId,
    String systemPrompt,
    JsonObject tool,
    List<String> flagFields,
    String defaultTier,
    List<RouteRule> routes,
    int outputCharsPerItem,
    int maxOutputTokens,
    BufferConfig buffer,
    String refusalFallbackTier,
    VerdictMapping mapping,
    CascadeConfig cascade,
    ShadowConfig shadow) {

  /** A pipeline without cascade or shadow sampling. */
  public PipelineConfig(String name, String groupId, String systemPrompt, JsonObject tool, List<String> flagFields,
      String defaultTier, List<RouteRule> routes, int outputCharsPerItem, int maxOutputTokens, BufferConfig buffer,
      String refusalFallbackTier, VerdictMapping mapping) {
    this(name, groupId, systemPrompt, tool, flagFields, defaultTier, routes, outputCharsPerItem, maxOutputTokens, buffer,
        refusalFallbackTier, mapping, CascadeConfig.OFF, ShadowConfig.OFF);
  }

  /** A pipeline whose answer items are the documented verdict fields already. */
  public PipelineConfig(String name, String groupId, String systemPrompt, JsonObject tool, List<String> flagFields,
      String defaultTier, List<RouteRule> routes, int outputCharsPerItem, int maxOutputTokens, BufferConfig buffer,
      String refusalFallbackTier) {
    this(name, groupId, systemPrompt, tool, flagFields, defaultTier, routes, outputCharsPerItem, maxOutputTokens, buffer,
        refusalFallbackTier, VerdictMapping.identity(itemSchema(tool)));
  }

  /** The tier for one event: the first matching routing rule, else the default tier. */
  public String tierFor(com.reviewpipeline.model.ReviewEvent event) {
    for (RouteRule rule : routes) {
      if (rule.matches(event)) {
        return rule.tier();
      }
    }
    return defaultTier;
  }

  public String toolName() {
    return tool.getString("name");
  }

  /** The JSON schema of one verdict item: {@code input_schema.properties.results.items}. */
  public JsonObject itemSchema() {
    return itemSchema(tool);
  }

  private static JsonObject itemSchema(JsonObject tool) {
    return tool.getJsonObject("input_schema")
        .getJsonObject("properties")
        .getJsonObject("results")
        .getJsonObject("items");
  }

  /** The documented verdict fields a result carries, in order (not {@code id}). */
  public List<String> verdictFields() {
    return mapping.fields();
  }

  public PipelineConfig withGroupId(String group) {
    return new PipelineConfig(name, group, systemPrompt, tool, flagFields, defaultTier, routes, outputCharsPerItem,
        maxOutputTokens, buffer, refusalFallbackTier, mapping, cascade, shadow);
  }

  /** Whether a verdict flags its review: one of the tool file's {@code flag_fields} is true. */
  public boolean flags(JsonObject verdict) {
    return flagFields.stream().anyMatch(f -> Boolean.TRUE.equals(verdict.getValue(f)));
  }

  /** The same pipeline with other routing: no rules sends everything to {@code defaultTier}. */
  public PipelineConfig withRouting(String defaultTier, List<RouteRule> rules) {
    return new PipelineConfig(name, groupId, systemPrompt, tool, flagFields, defaultTier, List.copyOf(rules),
        outputCharsPerItem, maxOutputTokens, buffer, refusalFallbackTier, mapping, cascade, shadow);
  }

  public PipelineConfig withBuffer(BufferConfig b) {
    return new PipelineConfig(name, groupId, systemPrompt, tool, flagFields, defaultTier, routes, outputCharsPerItem,
        maxOutputTokens, b, refusalFallbackTier, mapping, cascade, shadow);
  }

  public PipelineConfig withCascade(CascadeConfig c) {
    return new PipelineConfig(name, groupId, systemPrompt, tool, flagFields, defaultTier, routes, outputCharsPerItem,
        maxOutputTokens, buffer, refusalFallbackTier, mapping, c, shadow);
  }

  public PipelineConfig withShadow(ShadowConfig s) {
    return new PipelineConfig(name, groupId, systemPrompt, tool, flagFields, defaultTier, routes, outputCharsPerItem,
        maxOutputTokens, buffer, refusalFallbackTier, mapping, cascade, s);
  }

  /**
   * The defaults of a pipeline entry's optional keys (the only place they are declared; docs/configuration.md lists
   * them). {@code group_id} defaults to the name; {@code name}, {@code prompt_file} and {@code tool_file} are required.
   */
  public static final JsonObject ENTRY_DEFAULTS = new JsonObject()
      .put("enabled", true)
      .put("default_tier", "balanced")
      .put("routing", new JsonArray())
      .put("output_chars_per_item", 140)
      .put("max_output_tokens", 4096)
      .put("refusal_fallback_tier", "")
      .put("buffer", new JsonObject()
          .put("max_size", 20)
          .put("max_wait_ms", 3000)
          .put("max_tokens", 15000)
          .put("latency_objective_ms", 0)
          .put("escalation_wait_ms", 250))
      .put("cascade", new JsonObject().put("enabled", false).put("first_tier", "fast").put("escalate_to", "balanced")
          .put("escalate_when", new JsonObject().put("flagged", true).put("confidence_below", 0.7)
              .put("rules", new JsonArray()))
          .put("agreement", new JsonObject().put("enabled", true).put("min_samples", 200).put("target", 0.95)
              .put("window", 1000).put("hysteresis", 0.01).put("pin", new JsonObject())))
      .put("shadow", new JsonObject().put("sample_share", 0.0).put("unproven_sample_share", 0.0)
          .put("reference_tier", "deep")
          .put("fields", new JsonArray()));

  /** A pipeline entry with the defaults of the keys it leaves out. */
  static JsonObject withEntryDefaults(JsonObject entry, String where) {
    return Declaration.merged(ENTRY_DEFAULTS, entry, where);
  }

  static PipelineConfig fromJson(JsonObject j, String systemPrompt, JsonObject toolFile, java.util.Set<String> tiers) {
    String name = j.getString("name");
    if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException("pipeline name must be lowercase letters, digits and dashes: " + name);
    }
    JsonArray flags = toolFile.getJsonArray("flag_fields", new JsonArray());
    JsonObject tool = new JsonObject()
        .put("name", toolFile.getString("name"))
        .put("description", toolFile.getString("description", ""))
        .put("input_schema", toolFile.getJsonObject("input_schema"));
    List<String> flagFields = flags.stream().map(String::valueOf).toList();
    VerdictMapping mapping;
    try {
      mapping = VerdictMapping.of(toolFile.getJsonObject("compact"), itemSchema(tool), flagFields);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("pipeline " + name + ": tool_file " + j.getString("tool_file") + ": "
          + e.getMessage(), e);
    }
    return new PipelineConfig(
        name,
        j.getString("group_id", name),
        systemPrompt,
        tool,
        flagFields,
        defaultTier(j, tiers, name),
        RouteRule.listFromJson(j.getJsonArray("routing"), tiers, name),
        j.getInteger("output_chars_per_item"),
        j.getInteger("max_output_tokens"),
        BufferConfig.fromJson(j.getJsonObject("buffer")),
        fallbackTier(j, tiers, name),
        mapping,
        CascadeConfig.fromJson(j.getJsonObject("cascade"), tiers, mapping.fields(), flagFields, name),
        ShadowConfig.fromJson(j.getJsonObject("shadow"), tiers, mapping.fields(), flagFields, name));
  }

  private static String fallbackTier(JsonObject j, java.util.Set<String> tiers, String name) {
    String tier = j.getString("refusal_fallback_tier");
    if (!tier.isEmpty() && !tiers.contains(tier)) {
      throw new IllegalArgumentException("pipeline " + name + ": refusal_fallback_tier '" + tier + "' is not one of " + tiers);
    }
    return tier;
  }

  private static String defaultTier(JsonObject j, java.util.Set<String> tiers, String name) {
    String tier = j.getString("default_tier");
    if (!tiers.contains(tier)) {
      throw new IllegalArgumentException("pipeline " + name + ": default_tier '" + tier + "' is not one of " + tiers);
    }
    return tier;
  }
}
