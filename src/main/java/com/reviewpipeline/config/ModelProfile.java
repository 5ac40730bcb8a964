package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;

/**
 * What one model (or every model whose id starts with a prefix) accepts and costs, from {@code models} in
 * conf/application.yaml. The request builder sends only what the profile allows, so a model generation that
 * changes the request rules is a configuration change.
 *
 * @param id the model id, or a prefix ending in {@code *}
 * @param output how structured output is obtained
 * @param thinking the {@code thinking} field sent (or none)
 * @param effort {@code output_config.effort} sent; empty: none (the model's default)
 * @param charsPerToken starting point of the token estimate for this model's tokenizer (calibrated from usage)
 * @param nonAsciiCharsPerToken the same for characters outside ASCII (other scripts, emoji), which tokenizers split
 *     much finer than English words; a batch's mix of the two then does not move the calibrated factor
 * @param toolUseSystemTokens tokens the API adds to a request that carries tools
 * @param cacheMinTokens the minimum cacheable prefix; shorter prefixes carry no cache marker
 * @param thinkingAllowanceTokens added to {@code max_tokens} of a model that thinks: thinking counts toward it
 * @param maxOutputTokens the most {@code max_tokens} the model accepts (its "Max output" in the vendor's model
 *     overview); a lone review whose answer is cut is asked again with up to this much room. 0: not known, such a
 *     review is not asked again
 */
public record ModelProfile(
    String id,
    StructuredOutput output,
    Thinking thinking,
    String effort,
    double charsPerToken,
    double nonAsciiCharsPerToken,
    int toolUseSystemTokens,
    int cacheMinTokens,
    int thinkingAllowanceTokens,
    int maxOutputTokens,
    ModelPrice price) {

  /** How the verdicts come back. */
  public enum StructuredOutput {
    /** {@code tool_choice: {type: tool}}: the answer is a tool call (rejected by Sonnet 5.5 and Opus 5.5). */
    FORCED_TOOL,
    /** {@code tool_choice: {type: auto}} with a {@code strict: true} tool; a prose answer is invalid and retried. */
    AUTO_TOOL,
    /** {@code output_config.format} with the tool's input schema; the answer is JSON text. */
    JSON_SCHEMA
  }

  /** The {@code thinking} request field. */
  public enum Thinking {
    /** No field: the model's default (off on 4.x, adaptive on the 5.5 generation). */
    OMIT,
    /** {@code {type: disabled}}: accepted by 4.x and Haiku 5.5 (at effort high or below). */
    DISABLED,
    /** {@code {type: between_tools}}: Sonnet 5.5's lowest setting, no up-front thinking. */
    BETWEEN_TOOLS
  }

  static final Set<String> EFFORTS = Set.of("", "low", "medium", "high", "xhigh", "max");

  public boolean matches(String model) {
    return id.endsWith("*") ? model.startsWith(id.substring(0, id.length() - 1)) : id.equals(model);
  }

  /**
   * The defaults of a profile's optional keys (the only place they are declared; docs/configuration.md lists them).
   * {@code price} has none but {@code batch_discount}: a profile without its prices refuses the start.
   */
  public static final JsonObject ENTRY_DEFAULTS = new JsonObject()
      .put("structured_output", "forced_tool")
      .put("thinking", "omit")
      .put("effort", "")
      .put("chars_per_token", 3.5)
      .put("non_ascii_chars_per_token", 1.0)
      .put("tool_use_system_tokens", 313)
      .put("cache_min_tokens", 4096)
      .put("thinking_allowance_tokens", 0)
      .put("max_output_tokens", 0);

  public static ModelProfile fromJson(String id, JsonObject given) {
    String where = "models." + id;
    JsonObject j = Declaration.merged(ENTRY_DEFAULTS, given, where);
    String effort = j.getString("effort");
    if (!EFFORTS.contains(effort)) {
      throw new IllegalArgumentException(where + ".effort must be one of low, medium, high, xhigh, max (or empty): " + effort);
    }
    double cpt = j.getDouble("chars_per_token");
    if (cpt <= 0) {
      throw new IllegalArgumentException(where + ".chars_per_token must be positive");
    }
    double nonAscii = j.getDouble("non_ascii_chars_per_token");
    if (nonAscii <= 0) {
      throw new IllegalArgumentException(where + ".non_ascii_chars_per_token must be positive");
    }
    if (j.getInteger("max_output_tokens") < 0) {
      throw new IllegalArgumentException(where + ".max_output_tokens must be 0 (not known) or positive");
    }
    JsonObject price = j.getJsonObject("price");
    if (price == null) {
      throw new IllegalArgumentException(where + ".price is missing (input, output, cache_write, cache_read)");
    }
    return new ModelProfile(id,
        parse(StructuredOutput.class, j.getString("structured_output"), where + ".structured_output"),
        parse(Thinking.class, j.getString("thinking"), where + ".thinking"),
        effort,
        cpt,
        nonAscii,
        j.getInteger("tool_use_system_tokens"),
        j.getInteger("cache_min_tokens"),
        j.getInteger("thinking_allowance_tokens"),
        j.getInteger("max_output_tokens"),
        ModelPrice.fromJson(id, price));
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String key) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must be one of "
          + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList()
          + ": " + value);
    }
  }
}
