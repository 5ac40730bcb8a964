package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The containment section and its rules file ({@code containment.*}, {@code conf/injection-patterns.txt}). */
class ContainmentSettingsTest {

  @Test
  @DisplayName("the rules file: one expression per line, comments and blank lines skipped, compiled in file order")
  void rulesAreParsedInOrderWithoutComments() {
    List<Pattern> rules = ContainmentSettings.parse("# a comment\n\n  \\bmark\\b  \r\n[\\x{202E}]\n", "rules.txt");
    assertThat(rules).extracting(Pattern::pattern).containsExactly("\\bmark\\b", "[\\x{202E}]");
  }

  @Test
  @DisplayName("a rule that does not compile refuses the start, naming the file and the line")
  void brokenRuleNamesFileAndLine() {
    assertThatThrownBy(() -> ContainmentSettings.parse("# rules\nfine\n(unclosed\n", "rules.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("containment.patterns_file rules.txt line 3")
        .hasMessageContaining("(unclosed");
  }

  @Test
  @DisplayName("the suspects' buffer is the pipeline's with at most max_batch_size per request; 0 is refused")
  void suspectsBufferIsCappedByMaxBatchSize() {
    BufferConfig pipeline = new BufferConfig(20, 3000, 15000);
    assertThat(new ContainmentSettings(true, List.of(), 1).buffer(pipeline)).isEqualTo(new BufferConfig(1, 3000, 15000));
    assertThat(new ContainmentSettings(true, List.of(), 50).buffer(pipeline)).isEqualTo(pipeline);
    BufferConfig objective = new BufferConfig(20, 3000, 15000, 10_000, 250);
    assertThat(new ContainmentSettings(true, List.of(), 2).buffer(objective)).as("the waits and objective kept")
        .isEqualTo(new BufferConfig(2, 3000, 15000, 10_000, 250));
    assertThatThrownBy(() -> new ContainmentSettings(true, List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_batch_size");
  }

  @Test
  @DisplayName("the shipped configuration: enabled, suspects judged alone, the rules of conf/injection-patterns.txt")
  void shippedDefaults() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig config = ConfigLoader.load(vertx, ConfigLoader.DEFAULT_PATH, Map.of(), new JsonObject(),
          List.of("containment.max_batch_size=5")).toCompletionStage().toCompletableFuture().get();
      assertThat(config.containment().enabled()).isTrue();
      assertThat(config.containment().maxBatchSize()).isEqualTo(5);
      assertThat(config.containment().rules()).hasSizeGreaterThan(10);
      assertThat(Declaration.shipped().getJsonObject("containment").getInteger("max_batch_size")).isEqualTo(1);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
