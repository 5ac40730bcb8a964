package com.reviewpipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README as the front door and {@code docs/} as the reference: every relative markdown link of README.md and
 * docs/*.md reaches an existing file and, when it names an anchor, a heading of that file whose GitHub slug is that
 * anchor. External links are not followed.
 */
class DocsLinksTest {

  /** The README's two set-up commands, verbatim: one runs the demo, one runs the tests (and is what CI runs). */
  static final String DEMO_COMMAND = "mvn -q compile exec:java";
  static final String TEST_COMMAND = "mvn -B test";

  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");
  private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
  private static final Pattern NOT_IN_SLUG = Pattern.compile("[^\\p{L}\\p{N}\\p{M}\\p{Pc} -]");

  /** GitHub's anchor for a heading: lower case, punctuation except {@code -} and {@code _} removed, spaces → -. */
  static String slug(String heading) {
    return NOT_IN_SLUG.matcher(heading.toLowerCase(Locale.ROOT)).replaceAll("").replace(' ', '-');
  }

  /** The anchors of a markdown file's headings (outside fenced code), with GitHub's -1, -2 for repeated ones. */
  static Set<String> anchors(String markdown) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : prose(markdown)) {
      Matcher m = HEADING.matcher(line);
      if (m.matches()) {
        String base = slug(m.group(2));
        int n = seen.merge(base, 1, Integer::sum) - 1;
        out.add(n == 0 ? base : base + "-" + n);
      }
    }
    return out;
  }

  /** The lines of the file, those of fenced code blocks blanked (so that line numbers stay the file's). */
  private static List<String> prose(String markdown) {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    for (String line : markdown.split("\n", -1)) {
      boolean fence = line.strip().startsWith("```");
      out.add(fenced || fence ? "" : line);
      fenced ^= fence;
    }
    return out;
  }

  /** Every broken relative link of the given markdown files, as {@code file:line: target (why)}. */
  static List<String> brokenLinks(List<Path> files) {
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchorCache = new HashMap<>();
    for (Path file : files) {
      List<String> lines = prose(read(file));
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll(""));
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("(?i)^(https?|mailto):.*")) {
            continue;
          }
          int hash = target.indexOf('#');
          String path = hash < 0 ? target : target.substring(0, hash);
          String anchor = hash < 0 ? null : target.substring(hash + 1);
          Path resolved = path.isEmpty() ? file : file.toAbsolutePath().getParent().resolve(path).normalize();
          String where = file + ":" + (i + 1) + ": " + target;
          if (!Files.exists(resolved)) {
            broken.add(where + " (no such file)");
          } else if (anchor != null && !anchorCache.computeIfAbsent(resolved, p -> anchors(read(p))).contains(anchor)) {
            broken.add(where + " (no such heading)");
          }
        }
      }
    }
    return broken;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> documentation() throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(Path.of("README.md"));
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  @Test
  @DisplayName("every relative link of README.md and docs/*.md reaches an existing file and heading")
  void everyLinkResolves() throws IOException {
    List<Path> files = documentation();
    assertThat(files).as("README.md and the docs pages").hasSizeGreaterThan(5);
    assertThat(brokenLinks(files)).as("broken links").isEmpty();
  }

  @Test
  @DisplayName("the README links to every docs page")
  void readmeLinksEveryPage() throws IOException {
    String readme = read(Path.of("README.md"));
    List<Path> files = documentation();
    for (Path page : files.subList(1, files.size())) {
      assertThat(readme).as("README link to " + page).contains("](docs/" + page.getFileName() + ")");
    }
  }

  @Test
  @DisplayName("the README is a front door: under 400 lines, with the two set-up commands verbatim")
  void readmeIsShortAndHasTheSetUpCommands() {
    String readme = read(Path.of("README.md"));
    List<String> lines = readme.lines().toList();
    assertThat(lines.size()).as("README.md lines").isLessThan(400);
    assertThat(lines).as("the set-up commands, as indented code lines").contains("    " + DEMO_COMMAND, "    " + TEST_COMMAND);
  }

  @Test
  @DisplayName("CI runs the README's test command")
  void ciRunsTheReadmeTestCommand() {
    List<String> mavenLines = read(Path.of(".ci/run")).lines()
        .map(String::strip)
        .filter(l -> l.startsWith("mvn "))
        .toList();
    assertThat(mavenLines).as("Maven invocations of .ci/run").hasSize(1);
    // -ntp (no transfer progress) only quiets the download log
    assertThat(mavenLines.get(0).replace(" -ntp", "")).isEqualTo(TEST_COMMAND);
  }

  @Test
  @DisplayName("slugs follow GitHub: lower case, punctuation dropped except - and _, spaces become -")
  void slugsFollowGitHub() {
    assertThat(slug("Set-up on a fresh machine (JDK 17+ and Maven)")).isEqualTo("set-up-on-a-fresh-machine-jdk-17-and-maven");
    assertThat(slug("Exactly-once delivery (`delivery.mode: exactly_once`, the default)"))
        .isEqualTo("exactly-once-delivery-deliverymode-exactly_once-the-default");
    assertThat(slug("Monitoring: the article's two figures")).isEqualTo("monitoring-the-articles-two-figures");
    assertThat(slug("Fair shares: a flood & more")).isEqualTo("fair-shares-a-flood--more");
    assertThat(anchors("# Tests\n```\n# not a heading\n```\n## Tests\n### Tests\n")).containsExactly("tests", "tests-1", "tests-2");
  }

  @Test
  @DisplayName("the checker reports a missing file, a missing heading and a missing same-file anchor, and nothing else")
  void checkerFindsBrokenLinks(@TempDir Path dir) throws IOException {
    Path a = dir.resolve("a.md");
    Path b = dir.resolve("sub/b.md");
    Files.createDirectories(b.getParent());
    Files.writeString(b, "# B page\n\n## Exactly-once delivery (`mode`)\n\nBack to [a](../a.md#top).\n");
    Files.writeString(a, String.join("\n",
        "# Top",
        "Good: [b](sub/b.md), [section](sub/b.md#exactly-once-delivery-mode), [self](#top), [web](https://example.com/x#y).",
        "In code, not a link: `[x](missing.md)`.",
        "```",
        "[fenced](missing.md)",
        "```",
        "Bad: [gone](sub/c.md) and [wrong anchor](sub/b.md#exactly-once-delivery) and [self](#bottom).",
        ""));
    assertThat(brokenLinks(List.of(a, b)))
        .containsExactly(
            a + ":7: sub/c.md (no such file)",
            a + ":7: sub/b.md#exactly-once-delivery (no such heading)",
            a + ":7: #bottom (no such heading)");
  }
}
