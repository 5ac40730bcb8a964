package com.reviewpipeline.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PgTextTest {

  @Test
  @DisplayName("NUL and unpaired surrogates become U+FFFD; surrogate pairs (emoji) and everything else stay")
  void replacesOnlyWhatPostgresRejects() {
    assertThat(PgText.safe("a\u0000b")).isEqualTo("a\uFFFDb");
    assertThat(PgText.safe("x\ud800y")).isEqualTo("x\uFFFDy");
    assertThat(PgText.safe("x\udc00")).isEqualTo("x\uFFFD");
    assertThat(PgText.safe("\ud800")).isEqualTo("\uFFFD");
    assertThat(PgText.safe("ok \uD83D\uDE00 ok")).isEqualTo("ok \uD83D\uDE00 ok");
    assertThat(PgText.safe("\uD83D\uDE00\u0000\uD83D")).isEqualTo("\uD83D\uDE00\uFFFD\uFFFD");
    String plain = "nothing to change: ünïcödé, 漢字, \t tabs";
    assertThat(PgText.safe(plain)).isSameAs(plain);
    assertThat(PgText.safe((String) null)).isNull();
  }

  @Test
  @DisplayName("every string of a JSON document is made safe, keys and nested arrays included")
  void json() {
    JsonObject in = new JsonObject().put("k\u0000", "v\ud800").put("n", 3)
        .put("a", new JsonArray().add("x\u0000").add(new JsonObject().put("deep", "\udc01")));
    JsonObject out = PgText.safe(in);
    assertThat(out.getString("k\uFFFD")).isEqualTo("v\uFFFD");
    assertThat(out.getInteger("n")).isEqualTo(3);
    assertThat(out.getJsonArray("a").getString(0)).isEqualTo("x\uFFFD");
    assertThat(out.getJsonArray("a").getJsonObject(1).getString("deep")).isEqualTo("\uFFFD");
    assertThat(in.getString("k\u0000")).as("the input is not changed").isEqualTo("v\ud800");
  }

  @Test
  @DisplayName("on random strings the result is always valid UTF-16 without NUL, and the same length")
  void randomStrings() {
    Random r = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      char[] cs = new char[r.nextInt(12)];
      for (int j = 0; j < cs.length; j++) {
        cs[j] = r.nextInt(4) == 0 ? (char) (0xD800 + r.nextInt(0x800)) : (char) r.nextInt(0x80);
      }
      String safe = PgText.safe(new String(cs));
      assertThat(safe).hasSize(cs.length).doesNotContain("\u0000");
      for (int j = 0; j < safe.length(); j++) {
        char c = safe.charAt(j);
        if (Character.isHighSurrogate(c)) {
          assertThat(Character.isLowSurrogate(safe.charAt(++j))).isTrue();
        } else {
          assertThat(Character.isLowSurrogate(c)).isFalse();
        }
      }
    }
  }
}
