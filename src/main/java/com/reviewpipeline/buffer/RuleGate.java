package com.reviewpipeline.buffer;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A cheap necessary condition for a containment rule to match, read off the start of its regular expression, so the
 * detector runs the expression only on texts that pass it (a regular-expression scan per rule per review would cost
 * more than the rest of the hot path together); {@link Gates} checks every rule's at once. Three forms are
 * recognised; any other rule always runs:
 * <ul>
 *   <li>{@link Kind#ANCHORS}: the rule starts (after an optional {@code \b}) with an ASCII literal, or with a group
 *       of ASCII literal alternatives ({@code \b(mark|flag|classify)\b}) not made optional by a quantifier: the text
 *       must contain one of them, at a word start when {@code \b} precedes it and at a word end when {@code \b}
 *       follows;</li>
 *   <li>{@link Kind#FIRST_CHAR}: the rule starts with a character class not made optional: the text must contain a
 *       character of the class;</li>
 *   <li>{@link Kind#ALWAYS}: anything else, including a top-level alternation and quoting ({@code \Q...\E}).</li>
 * </ul>
 */
final class RuleGate {

  enum Kind { ANCHORS, FIRST_CHAR, ALWAYS }

  /** Characters that stand for themselves in a regular expression when not escaped. */
  private static final String PLAIN = "abcdefghijklmnopqrstuvwxyz0123456789 _'\",:;#&<>/=%@!-";
  private static final Pattern LITERAL_ALTERNATIVES = Pattern.compile("[a-z0-9 _'\",:;#&<>/=%@!-]+(\\|[a-z0-9 _'\",:;#&<>/=%@!-]+)*");

  final Kind kind;
  final List<String> anchors;
  final boolean wordStart;
  final boolean wordEnd;
  /** For {@link Kind#FIRST_CHAR}: the leading character class alone. */
  final Pattern firstClass;

  private RuleGate(Kind kind, List<String> anchors, boolean wordStart, boolean wordEnd, Pattern firstClass) {
    this.kind = kind;
    this.anchors = anchors;
    this.wordStart = wordStart;
    this.wordEnd = wordEnd;
    this.firstClass = firstClass;
  }

  static RuleGate of(String regex) {
    boolean bound = regex.startsWith("\\b");
    String r = bound ? regex.substring(2) : regex;
    if (r.contains("\\Q") || topLevelAlternation(r)) {
      return always();
    }
    if (r.startsWith("[")) {
      int end = classEnd(r);
      return end < 0 || optional(r, end + 1) ? always()
          : new RuleGate(Kind.FIRST_CHAR, List.of(), false, false, Pattern.compile(r.substring(0, end + 1)));
    }
    if (r.startsWith("(")) {
      int body = r.startsWith("(?:") ? 3 : r.startsWith("(?") ? -1 : 1;
      int close = r.indexOf(')');
      if (body < 0 || close < 0 || optional(r, close + 1) || !LITERAL_ALTERNATIVES.matcher(r.substring(body, close)).matches()) {
        return always();
      }
      return new RuleGate(Kind.ANCHORS, List.of(r.substring(body, close).split("\\|")), bound,
          r.startsWith("\\b", close + 1), null);
    }
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < r.length()) {
      char c = r.charAt(i);
      if (c == '\\' && i + 1 < r.length() && r.charAt(i + 1) < 128 && !Character.isLetterOrDigit(r.charAt(i + 1))) {
        literal.append(r.charAt(i + 1));
        i += 2;
      } else if (PLAIN.indexOf(c) >= 0) {
        literal.append(c);
        i++;
      } else {
        break;
      }
    }
    boolean cut = optional(r, i) && literal.length() > 0;
    if (cut) {
      literal.setLength(literal.length() - 1);
    }
    return literal.length() == 0 ? always()
        : new RuleGate(Kind.ANCHORS, List.of(literal.toString()), bound, !cut && r.startsWith("\\b", i), null);
  }

  private static RuleGate always() {
    return new RuleGate(Kind.ALWAYS, List.of(), false, false, null);
  }

  /** A quantifier at {@code i} that allows zero of what precedes it. */
  private static boolean optional(String r, int i) {
    return i < r.length() && (r.charAt(i) == '?' || r.charAt(i) == '*' || r.startsWith("{0", i) || r.startsWith("{,", i));
  }

  /** Index of the {@code ]} closing the class opened at 0 (nested classes counted, escapes skipped), or -1. */
  private static int classEnd(String r) {
    int depth = 0;
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        depth++;
      } else if (c == ']' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code |} occurs outside every group and class: then no prefix is required. */
  private static boolean topLevelAlternation(String r) {
    int groups = 0;
    int classes = 0;
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '[') {
        classes++;
      } else if (c == ']' && classes > 0) {
        classes--;
      } else if (classes == 0 && c == '(') {
        groups++;
      } else if (classes == 0 && c == ')') {
        groups--;
      } else if (classes == 0 && groups == 0 && c == '|') {
        return true;
      }
    }
    return false;
  }
}
