package com.reviewpipeline.devtools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SimTokenizerTest {

  private static String text(Random random) {
    String alphabet = "ab XY 09 .,;{}\"\n\t\u00e9\u4e2d";
    StringBuilder sb = new StringBuilder();
    for (int k = random.nextInt(60); k > 0; k--) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Test
  @DisplayName("a message's tokens summed block by block equal the tokens of its joined text, for random contents")
  void rawContentEqualsTheJoinedText() {
    Random random = new Random(16);
    for (int n = 0; n < 2000; n++) {
      JsonArray blocks = new JsonArray();
      for (int b = random.nextInt(4); b >= 0; b--) {
        switch (random.nextInt(3)) {
          case 0 -> blocks.add(new JsonObject().put("type", "text").put("text", text(random)));
          case 1 -> blocks.add(new JsonObject().put("type", "tool_use").put("input", new JsonObject().put("k", text(random))));
          default -> blocks.add(new JsonObject().put("type", "tool_result").put("content",
              new JsonArray().add(new JsonObject().put("type", "text").put("text", text(random)))));
        }
      }
      assertThat(SimTokenizer.rawContent(blocks)).as(blocks.encode())
          .isEqualTo(SimTokenizer.raw(SimTokenizer.contentText(blocks)));
      String plain = text(random);
      assertThat(SimTokenizer.rawContent(plain)).isEqualTo(SimTokenizer.raw(plain));
    }
  }

  @Test
  @DisplayName("a tool's tokens leave out its cache_control marker")
  void rawToolLeavesOutTheCacheMarker() {
    JsonObject tool = new JsonObject().put("name", "record").put("input_schema", new JsonObject().put("type", "object"));
    long plain = SimTokenizer.rawTool(tool);
    assertThat(SimTokenizer.rawTool(tool.copy().put("cache_control", new JsonObject().put("type", "ephemeral"))))
        .isEqualTo(plain).isEqualTo(SimTokenizer.raw(tool.encode()));
  }
}
