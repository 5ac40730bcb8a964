package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shipped moderator's compact items mapped back to the documented verdict fields ({@link VerdictMapping}). */
class VerdictMappingTest {

  static final List<String> FLAGS = List.of("is_spam", "is_abusive", "is_fake");

  static JsonObject tool(String file) throws Exception {
    return new JsonObject(Files.readString(Path.of("conf/pipelines/" + file)));
  }

  static JsonObject items(JsonObject tool) {
    return tool.getJsonObject("input_schema").getJsonObject("properties").getJsonObject("results")
        .getJsonObject("items");
  }

  static VerdictMapping shipped() throws Exception {
    JsonObject tool = tool("moderator.tool.json");
    return VerdictMapping.of(tool.getJsonObject("compact"), items(tool), FLAGS);
  }

  static JsonObject item(String flags, String sentiment, int confidence) {
    return new JsonObject().put("i", "7").put("f", flags).put("s", sentiment).put("c", confidence);
  }

  @Test
  @DisplayName("every combination of the flag letters s, a, f maps to the three booleans, in any order of letters")
  void everyFlagCombination() throws Exception {
    VerdictMapping m = shipped();
    for (int bits = 0; bits < 8; bits++) {
      boolean spam = (bits & 1) != 0;
      boolean abusive = (bits & 2) != 0;
      boolean fake = (bits & 4) != 0;
      String letters = (spam ? "s" : "") + (abusive ? "a" : "") + (fake ? "f" : "");
      for (String written : List.of(letters, new StringBuilder(letters).reverse().toString())) {
        JsonObject in = item(written, "neu", 5);
        if (!letters.isEmpty()) {
          in.put("r", "why");
        }
        VerdictMapping.Mapped out = m.expand(in);
        assertThat(out.problem()).as(written).isNull();
        assertThat(out.verdict().getBoolean("is_spam")).as(written).isEqualTo(spam);
        assertThat(out.verdict().getBoolean("is_abusive")).as(written).isEqualTo(abusive);
        assertThat(out.verdict().getBoolean("is_fake")).as(written).isEqualTo(fake);
      }
    }
  }

  @Test
  @DisplayName("sentiment codes pos, neu, neg map to positive, neutral, negative (case-insensitively)")
  void sentimentCodes() throws Exception {
    VerdictMapping m = shipped();
    assertThat(m.expand(item("", "pos", 9)).verdict().getString("sentiment")).isEqualTo("positive");
    assertThat(m.expand(item("", "neu", 9)).verdict().getString("sentiment")).isEqualTo("neutral");
    assertThat(m.expand(item("", "neg", 9)).verdict().getString("sentiment")).isEqualTo("negative");
    assertThat(m.expand(item("", "NEG", 9)).verdict().getString("sentiment")).isEqualTo("negative");
  }

  @Test
  @DisplayName("the confidence in tenths 0..10 becomes the number 0.0..1.0, exactly (3 is 0.3, not 0.30000000000000004)")
  void confidenceInTenths() throws Exception {
    VerdictMapping m = shipped();
    for (int c = 0; c <= 10; c++) {
      Object v = m.expand(item("", "pos", c)).verdict().getValue("confidence");
      assertThat(v).as("c=" + c).isInstanceOf(Double.class).isEqualTo(Double.parseDouble(c == 10 ? "1.0" : "0." + c));
    }
    assertThat(m.expand(item("", "pos", 3)).verdict().getDouble("confidence")).isEqualTo(0.3);
  }

  @Test
  @DisplayName("the reason is carried only on a flagged item; on an unflagged one it is a problem naming r and reason")
  void reasonOnlyWhenFlagged() throws Exception {
    VerdictMapping m = shipped();
    JsonObject flagged = m.expand(item("s", "neg", 9).put("r", "promo link")).verdict();
    assertThat(flagged.getString("reason")).isEqualTo("promo link");
    JsonObject flaggedWithout = m.expand(item("a", "neg", 8)).verdict();
    assertThat(flaggedWithout.containsKey("reason")).as("a flagged item may leave the reason out").isFalse();
    JsonObject clean = m.expand(item("", "pos", 9)).verdict();
    assertThat(clean.containsKey("reason")).isFalse();
    assertThat(m.expand(item("", "pos", 9).put("r", "looks fine")).problem())
        .isEqualTo("item.r (reason) is given but the item sets no flag");
  }

  @Test
  @DisplayName("the mapped verdict has the id and the documented fields in the order of the verbose schema")
  void documentedShape() throws Exception {
    VerdictMapping m = shipped();
    JsonObject out = m.expand(item("sf", "pos", 10).put("r", "template praise")).verdict();
    assertThat(out.encode()).isEqualTo("{\"id\":\"7\",\"is_spam\":true,\"is_abusive\":false,\"is_fake\":true,"
        + "\"sentiment\":\"positive\",\"confidence\":1.0,\"reason\":\"template praise\"}");
    JsonObject verbose = tool("moderator.verbose.tool.json");
    List<String> documented = VerdictMapping.identity(items(verbose)).fields();
    assertThat(m.fields()).as("what a result record carries").isEqualTo(documented)
        .containsExactly("is_spam", "is_abusive", "is_fake", "sentiment", "confidence", "reason");
    assertThat(m.idKey()).isEqualTo("i");
    assertThat(m.compact()).isTrue();
  }

  @Test
  @DisplayName("malformed compact items fail with a reason naming the key and the value")
  void malformed() throws Exception {
    VerdictMapping m = shipped();
    assertThat(m.expand(item("x", "pos", 9)).problem()).isEqualTo("item.f \"x\": 'x' is not a flag letter [s, a, f]");
    assertThat(m.expand(item("ss", "neg", 9).put("r", "r")).problem()).isEqualTo("item.f \"ss\" repeats the letter 's'");
    assertThat(m.expand(item("", "happy", 9)).problem()).isEqualTo("item.s must be one of [pos, neu, neg], not \"happy\"");
    assertThat(m.expand(item("", "pos", 9).put("c", "high")).problem()).isEqualTo("item.c must be a number, not high");
    JsonObject noFlags = item("", "pos", 9);
    noFlags.remove("f");
    assertThat(m.expand(noFlags).problem()).isEqualTo("item.f must be a string of the flag letters [s, a, f], not null");
  }

  @Test
  @DisplayName("without a compact section the items are the documented fields: expand changes nothing")
  void identity() throws Exception {
    JsonObject verbose = tool("moderator.verbose.tool.json");
    VerdictMapping m = VerdictMapping.of(verbose.getJsonObject("compact"), items(verbose), FLAGS);
    JsonObject item = new JsonObject().put("id", "1").put("is_spam", true);
    assertThat(m.compact()).isFalse();
    assertThat(m.idKey()).isEqualTo("id");
    assertThat(m.expand(item).verdict()).isSameAs(item);
  }

  @Test
  @DisplayName("a compact section that does not fit the item schema or the flag fields refuses the start, saying why")
  void refusedAtStart() throws Exception {
    JsonObject tool = tool("moderator.tool.json");
    JsonObject compact = tool.getJsonObject("compact");
    assertThatThrownBy(() -> VerdictMapping.of(compact.copy().put("id", "id"), items(tool), FLAGS))
        .hasMessageContaining("compact.id 'id' is not a property of the item schema");
    JsonObject unmapped = compact.copy();
    unmapped.getJsonObject("fields").remove("c");
    assertThatThrownBy(() -> VerdictMapping.of(unmapped, items(tool), FLAGS))
        .hasMessage("compact.fields: the item property 'c' has no mapping");
    assertThatThrownBy(() -> VerdictMapping.of(compact, items(tool), List.of("is_spam", "is_toxic")))
        .hasMessageContaining("flag_fields: 'is_toxic' is not a field compact.fields produces");
    JsonObject twice = compact.copy();
    twice.getJsonObject("fields").put("c", new JsonObject().put("field", "sentiment"));
    assertThatThrownBy(() -> VerdictMapping.of(twice, items(tool), FLAGS))
        .hasMessage("compact.fields.c: field 'sentiment' is mapped twice");
    JsonObject neither = compact.copy();
    neither.getJsonObject("fields").put("c", new JsonObject().put("scale", 0.1));
    assertThatThrownBy(() -> VerdictMapping.of(neither, items(tool), FLAGS))
        .hasMessageContaining("compact.fields.c: needs 'field'");
  }
}
