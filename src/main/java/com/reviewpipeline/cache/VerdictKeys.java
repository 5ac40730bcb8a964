package com.reviewpipeline.cache;

import com.reviewpipeline.model.ReviewEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The two keys a verdict is cached under: (pipeline, event id), for a redelivered or replayed event, and (pipeline,
 * normalised text, rating), for an exact copy of a review posted again (copy-paste campaigns). The model sees only the
 * text and the rating of a review (see {@code ClaudeRequests}), so a copy with both equal gets the same request.
 * Each key is the first 128 bits of a SHA-256 over an unambiguous encoding of its parts: the text itself is never
 * kept, so an entry's size does not grow with the review, and no review text lands in the cluster's shared map.
 */
public final class VerdictKeys {

  /** Which of the two keys matched: the label of {@code review_verdict_cache_hits_total}. */
  public enum Kind {
    EVENT_ID("event_id"), TEXT("text");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One key: 128 bits of a digest (a collision is as likely as guessing a random UUID twice). */
  public record Key(Kind kind, long hi, long lo) {

    /** The key in the cluster's shared map: kind and 32 hex digits. */
    public String shared() {
      HexFormat hex = HexFormat.of();
      return (kind == Kind.EVENT_ID ? "e:" : "t:") + hex.toHexDigits(hi) + hex.toHexDigits(lo);
    }
  }

  /** Both keys of one event in one pipeline. */
  public record Keys(Key byEvent, Key byText) {}

  // MessageDigest is not thread-safe and costly to look up; the buffer and publisher threads each keep one
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  });

  private VerdictKeys() {}

  public static Keys of(String pipeline, ReviewEvent event) {
    return new Keys(key(Kind.EVENT_ID, pipeline, event.eventId(), 0),
        key(Kind.TEXT, pipeline, normalise(event.reviewText()), event.rating()));
  }

  /**
   * The text as the text key sees it: Unicode NFKC (full-width and styled letters become plain, compatibility
   * spaces become spaces), lower case, every run of whitespace one space, none at either end. Two reviews that differ
   * only in case or spacing are the same review to the cache.
   */
  public static String normalise(String text) {
    String n = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(n.length());
    boolean pendingSpace = false;
    for (int i = 0; i < n.length(); ) {
      int cp = n.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        pendingSpace = out.length() > 0;
        continue;
      }
      if (pendingSpace) {
        out.append(' ');
        pendingSpace = false;
      }
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  /** Kind, then each part length-prefixed, so that no two different (pipeline, value) pairs encode alike. */
  static Key key(Kind kind, String pipeline, String value, int rating) {
    MessageDigest sha = SHA256.get();
    sha.reset();
    sha.update((byte) kind.ordinal());
    part(sha, pipeline);
    part(sha, value);
    sha.update(new byte[] {(byte) (rating >>> 24), (byte) (rating >>> 16), (byte) (rating >>> 8), (byte) rating});
    byte[] d = sha.digest();
    return new Key(kind, bytesToLong(d, 0), bytesToLong(d, 8));
  }

  private static void part(MessageDigest sha, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int n = b.length;
    sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    sha.update(b);
  }

  private static long bytesToLong(byte[] b, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }
}
