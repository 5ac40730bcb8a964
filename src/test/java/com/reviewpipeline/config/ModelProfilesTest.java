package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ModelProfilesTest {

  static JsonObject profile(String output, String thinking) {
    return new JsonObject().put("structured_output", output).put("thinking", thinking).put("effort", "low")
        .put("price", new JsonObject().put("input", 1).put("output", 5).put("cache_write", 1.25).put("cache_read", 0.1));
  }

  final ModelProfiles profiles = ModelProfiles.fromJson(new JsonObject()
      .put("claude-haiku-4-5*", profile("forced_tool", "omit"))
      .put("claude-haiku-4-5-20251001", profile("json_schema", "disabled"))
      .put("claude-*", profile("auto_tool", "omit")));

  @Test
  @DisplayName("an exact id wins over a prefix, and the longer prefix over the shorter")
  void lookup() {
    assertThat(profiles.of("claude-haiku-4-5-20251001").output()).isEqualTo(ModelProfile.StructuredOutput.JSON_SCHEMA);
    assertThat(profiles.of("claude-haiku-4-5").output()).isEqualTo(ModelProfile.StructuredOutput.FORCED_TOOL);
    assertThat(profiles.of("claude-sonnet-9").output()).isEqualTo(ModelProfile.StructuredOutput.AUTO_TOOL);
    assertThat(profiles.price("claude-sonnet-9").batchDiscount()).as("default batch discount").isEqualTo(0.5);
  }

  @Test
  @DisplayName("a model without a profile, or a profile with an unknown mode, is refused with the key to fix")
  void clearErrors() {
    ModelProfiles none = ModelProfiles.fromJson(new JsonObject().put("claude-haiku-5-5", profile("forced_tool", "disabled")));
    assertThatThrownBy(() -> none.of("claude-sonnet-5-5"))
        .hasMessageContaining("no model profile for claude-sonnet-5-5")
        .hasMessageContaining("models.claude-sonnet-5-5");
    assertThatThrownBy(() -> ModelProfiles.fromJson(new JsonObject().put("m", profile("forced", "omit"))))
        .hasMessageContaining("models.m.structured_output must be one of [forced_tool, auto_tool, json_schema]");
    assertThatThrownBy(() -> ModelProfiles.fromJson(new JsonObject().put("m", profile("forced_tool", "off"))))
        .hasMessageContaining("models.m.thinking");
    assertThatThrownBy(() -> ModelProfiles.fromJson(new JsonObject().put("m", profile("forced_tool", "omit").put("effort", "minimal"))))
        .hasMessageContaining("models.m.effort");
    assertThatThrownBy(() -> ModelProfiles.fromJson(new JsonObject().put("m", profile("forced_tool", "omit").put("price", new JsonObject()))))
        .hasMessageContaining("models.m.price.input");
  }
}
