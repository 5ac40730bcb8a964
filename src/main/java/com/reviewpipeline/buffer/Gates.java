package com.reviewpipeline.buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@link RuleGate}s of a detector's rules, checked together in one pass over a text: at each character, the
 * anchors that start with it (at a word start only, for those after a {@code \b}) and whether a leading character
 * class accepts it. The classes' answers are remembered per character of the Basic Multilingual Plane on first sight
 * (a race between threads only computes one twice); a surrogate passes, as the classes may hold supplementary
 * characters.
 */
final class Gates {

  private static final byte UNKNOWN = 0;
  private static final byte NO = 1;
  private static final byte YES = 2;

  /** One anchor of rule {@code rule}; {@code start}/{@code end}: a word bound must hold before/after it. */
  private record Anchor(int rule, String text, boolean start, boolean end) {}

  private final boolean[] always;
  private final List<Integer> classRules = new ArrayList<>();
  private final List<Pattern> classes = new ArrayList<>();
  private final byte[] classChars = new byte[Character.MAX_VALUE + 1];
  /** First character (anchors are ASCII) → anchors that need a word bound before them, and anchors that do not. */
  private final Anchor[][] atWordStart = new Anchor[128][];
  private final Anchor[][] anywhere = new Anchor[128][];

  Gates(List<RuleGate> gates) {
    always = new boolean[gates.size()];
    Map<Character, List<Anchor>> byFirst = new HashMap<>();
    for (int i = 0; i < gates.size(); i++) {
      RuleGate g = gates.get(i);
      switch (g.kind) {
        case ALWAYS -> always[i] = true;
        case FIRST_CHAR -> {
          classRules.add(i);
          classes.add(g.firstClass);
        }
        case ANCHORS -> {
          for (String a : g.anchors) {
            byFirst.computeIfAbsent(a.charAt(0), c -> new ArrayList<>()).add(new Anchor(i, a,
                g.wordStart && isWord(a.charAt(0)), g.wordEnd && isWord(a.charAt(a.length() - 1))));
          }
        }
      }
    }
    byFirst.forEach((c, list) -> {
      atWordStart[c] = array(list.stream().filter(Anchor::start).toList());
      anywhere[c] = array(list.stream().filter(a -> !a.start()).toList());
    });
  }

  private static Anchor[] array(List<Anchor> anchors) {
    return anchors.isEmpty() ? null : anchors.toArray(Anchor[]::new);
  }

  /** For each rule, in order, whether the text passes its gate (its expression may match). */
  boolean[] open(String text) {
    boolean[] open = always.clone();
    boolean classSeen = classes.isEmpty();
    boolean afterWord = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!classSeen && (Character.isSurrogate(c) || (classChars[c] == UNKNOWN ? learn(c) : classChars[c]) == YES)) {
        classSeen = true;
        classRules.forEach(r -> open[r] = true);
      }
      if (c < 128) {
        find(anywhere[c], text, i, open);
        if (!afterWord) {
          find(atWordStart[c], text, i, open);
        }
      }
      afterWord = isWord(c);
    }
    return open;
  }

  /** Opens the rules of the anchors found at {@code i} (their second character is compared first: it rules out most). */
  private static void find(Anchor[] anchors, String text, int i, boolean[] open) {
    if (anchors == null) {
      return;
    }
    int n = text.length();
    for (Anchor a : anchors) {
      String t = a.text();
      if (!open[a.rule()] && (t.length() == 1 || i + 1 < n && text.charAt(i + 1) == t.charAt(1)) && text.startsWith(t, i)) {
        int after = i + t.length();
        open[a.rule()] = !a.end() || after == n || !isWord(text.charAt(after));
      }
    }
  }

  private byte learn(char c) {
    String s = String.valueOf(c);
    byte answer = classes.stream().anyMatch(p -> p.matcher(s).matches()) ? YES : NO;
    classChars[c] = answer;
    return answer;
  }

  /** A word character as {@code \b} sees one. */
  private static boolean isWord(char c) {
    return c < 128 ? c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c >= 'A' && c <= 'Z'
        : Character.isLetterOrDigit(c);
  }
}
