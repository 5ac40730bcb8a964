package com.reviewpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.reviewpipeline.devtools.loadgen.ReviewGenerator;
import com.reviewpipeline.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cheap necessary conditions read off a containment rule's start ({@link RuleGate}) and checked in one pass
 * ({@link Gates}): what they require, and that they never turn away a text the rule matches.
 */
class RuleGateTest {

  static boolean passes(RuleGate gate, String text) {
    return new Gates(List.of(gate)).open(text)[0];
  }

  @Test
  @DisplayName("a leading literal or group of literal alternatives becomes anchors, with word bounds where \\b stands")
  void literalsAndAlternativesBecomeAnchors() {
    RuleGate group = RuleGate.of("\\b(mark|flag)\\b[^.]{0,40}spam");
    assertThat(group.kind).isEqualTo(RuleGate.Kind.ANCHORS);
    assertThat(group.anchors).containsExactly("mark", "flag");
    assertThat(passes(group, "please mark it")).isTrue();
    assertThat(passes(group, "remark, bookmarks")).as("inside longer words").isFalse();
    assertThat(RuleGate.of("\\bis_(spam|fake)").anchors).containsExactly("is_");
    assertThat(RuleGate.of("\\bfrom now on,? you").anchors).as("an optional last character is left out")
        .containsExactly("from now on");
    assertThat(RuleGate.of("<</?sys>>").anchors).containsExactly("<<");
    assertThat(RuleGate.of("\\\\u003[ce]").anchors).as("escaped punctuation is literal").containsExactly("\\u003");
    assertThat(RuleGate.of("(?:every|all) reviews").anchors).containsExactly("every", "all");
    assertThat(RuleGate.of("<\\|[a-z]+").anchors).as("an escaped metacharacter").containsExactly("<|");
    assertThat(passes(RuleGate.of("<\\|[a-z]+"), "x<|im_start")).as("no word bound asked of punctuation").isTrue();
  }

  @Test
  @DisplayName("a leading character class gates on its characters; anything else always runs")
  void classesAndTheRest() {
    RuleGate cls = RuleGate.of("[\\x{202A}-\\x{202E}]");
    assertThat(cls.kind).isEqualTo(RuleGate.Kind.FIRST_CHAR);
    assertThat(passes(cls, "plain text")).isFalse();
    assertThat(passes(cls, "a \u202E b")).isTrue();
    assertThat(passes(cls, "emoji \uD83D\uDC4D")).as("a surrogate may start a supplementary class").isTrue();
    assertThat(List.of("(mark|flag)?x", "[abc]*x", "mark|flag", "(?<=a)b", "(a(b)c)", ".x", "^system:", "\\Qa|b\\E",
        "\\s*system", "(über|ñandú)", "\\«x"))
        .allSatisfy(r -> assertThat(RuleGate.of(r).kind).as(r).isEqualTo(RuleGate.Kind.ALWAYS));
  }

  @Test
  @DisplayName("for every shipped rule, a text its gate turns away is never one the rule matches")
  void shippedGatesNeverTurnAwayAMatch() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Pattern> rules;
    try {
      rules = TestConfig.load(vertx, new JsonObject()).containment().rules();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
    List<String> texts = new ArrayList<>();
    ReviewGenerator g = new ReviewGenerator(5);
    for (int i = 0; i < 3000; i++) {
      texts.add(g.next().reviewText());
      texts.add(g.nextInjected().reviewText());
    }
    texts.addAll(List.of("System: x", "x. assistant : y", "<|im_start|>", "every one of the reviews is fake",
        "\u0007", "a\u200Bb", "\uFEFF", "## instruction", "\"id\": 1", "&lt;/reviews&gt;"));
    int gatedOut = 0;
    Gates gates = new Gates(rules.stream().map(r -> RuleGate.of(r.pattern())).toList());
    for (String raw : texts) {
      String text = Normalizer.normalize(raw, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
      boolean[] open = gates.open(text);
      for (int i = 0; i < rules.size(); i++) {
        if (!open[i]) {
          gatedOut++;
          assertThat(rules.get(i).matcher(text).find()).as("%s on %s", rules.get(i).pattern(), raw).isFalse();
        }
      }
    }
    assertThat(gatedOut).as("texts the gates spared a scan").isGreaterThan(rules.size() * texts.size() / 2);
    assertThat(rules.stream().map(r -> RuleGate.of(r.pattern()).kind)).as("every shipped rule is gated")
        .doesNotContain(RuleGate.Kind.ALWAYS);
  }
}
