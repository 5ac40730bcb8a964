package com.reviewpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {

  @TempDir
  Path tmp;

  @Test
  @DisplayName("review-pipeline eval --input eval/reviews.jsonl on the simulator, in process: exit 0, JSON and HTML reports of every tier")
  void evalOnTheSimulator() throws Exception {
    int exit = new CommandLine(new EvalCommand()).execute("--input", "eval/reviews.jsonl", "--simulator",
        "--limit", "40", "--cache-dir", tmp.resolve("cache").toString(), "--out", tmp.resolve("out").toString(),
        "--target", "recall.is_abusive=0.5");
    assertThat(exit).isZero();
    JsonObject json = new JsonObject(Files.readString(tmp.resolve("out").resolve("eval-report.json")));
    assertThat(json.getString("answers_from")).isEqualTo("simulator");
    assertThat(json.getInteger("reviews_judged")).isEqualTo(40);
    assertThat(json.getInteger("reviews_read")).isEqualTo(Files.readAllLines(Path.of("eval", "reviews.jsonl")).size());
    assertThat(json.getJsonObject("tiers").fieldNames()).containsExactly("fast", "balanced", "deep");
    assertThat(json.getJsonObject("sweep").getJsonObject("chosen").getString("yaml")).contains("cascade:");
    assertThat(Files.readString(tmp.resolve("out").resolve("eval-report.html"))).contains("<svg");
  }

  String errorOf(String... args) {
    java.io.PrintStream saved = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
          "--simulator", "--cache-dir", tmp.toString(), "--out", tmp.toString())).toArray(String[]::new);
      assertThat(new CommandLine(new EvalCommand()).execute(all)).isEqualTo(2);
    } finally {
      System.setErr(saved);
    }
    return err.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("a CSV without --csv-map, an unknown metric in --target, or a missing file exits 2 with the reason")
  void clearErrors() throws Exception {
    Path csv = tmp.resolve("reviews.csv");
    Files.writeString(csv, "text,label\nfine,0\n");
    assertThat(errorOf("--input", csv.toString())).contains("is CSV: give its column mapping with --csv-map");
    assertThat(errorOf("--input", "eval/reviews.jsonl", "--target", "recall.is_rude=0.9"))
        .contains("unknown metric 'recall.is_rude'");
    assertThat(errorOf("--input", tmp.resolve("none.jsonl").toString())).contains("input file not found");
  }
}
