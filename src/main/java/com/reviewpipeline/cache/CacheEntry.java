package com.reviewpipeline.cache;

import com.reviewpipeline.cache.VerdictKeys.Key;
import com.reviewpipeline.cache.VerdictKeys.Kind;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One verdict as {@link VerdictCache} holds it: its two keys as four longs, the judged event id as two longs when it
 * is a UUID, the verdict fields as UTF-8 JSON bytes (shared with an equal verdict held already), model, tier and
 * batch id shared with the other verdicts of the call, and the cache's LRU links. A {@link CachedVerdict} is built
 * again on each hit, with the same values, so an answer is the same whichever form the cache keeps.
 *
 * <p>Layout on a 64-bit JVM with compressed references (heaps under 32 GB): 12-byte header, 7 longs, 7 references,
 * an int, a boolean and a byte: {@link #OBJECT_BYTES} bytes.
 */
final class CacheEntry {

  /** The object itself, padded to 8 bytes (checked with JOL 0.17 on JDK 17). */
  static final int OBJECT_BYTES = 104;

  static final int EVENT_KEY = 1;
  static final int TEXT_KEY = 2;
  /** The verdict array is this entry's own: an equal verdict held already would have been shared instead. */
  static final int OWNS_VERDICT = 4;
  /** The batch id string is this entry's own (the first verdict of its call that the cache kept). */
  static final int OWNS_BATCH_ID = 8;

  final long eventHi;
  final long eventLo;
  final long textHi;
  final long textLo;
  final long publishedAtMs;
  /** The judged event id when it is a UUID in its canonical form; else {@link #judgedOther} holds it. */
  final long judgedHi;
  final long judgedLo;
  final byte[] judgedOther;
  final byte[] verdict;
  final String model;
  final String tier;
  final String batchId;
  final int batchSize;
  final boolean contained;
  /** Which keys index this entry now, and which arrays it owns: the flags above. */
  byte flags;
  CacheEntry older;
  CacheEntry newer;

  CacheEntry(Key event, Key text, CachedVerdict v, byte[] verdict, String model, String tier, String batchId,
      int flags) {
    this.eventHi = event == null ? 0 : event.hi();
    this.eventLo = event == null ? 0 : event.lo();
    this.textHi = text == null ? 0 : text.hi();
    this.textLo = text == null ? 0 : text.lo();
    this.publishedAtMs = v.publishedAtMs();
    UUID judged = uuid(v.judgedEventId());
    this.judgedHi = judged == null ? 0 : judged.getMostSignificantBits();
    this.judgedLo = judged == null ? 0 : judged.getLeastSignificantBits();
    this.judgedOther = judged == null ? v.judgedEventId().getBytes(StandardCharsets.UTF_8) : null;
    this.verdict = verdict;
    this.model = model;
    this.tier = tier;
    this.batchId = batchId;
    this.batchSize = v.batchSize();
    this.contained = v.contained();
    this.flags = (byte) flags;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  long hi(Kind kind) {
    return kind == Kind.EVENT_ID ? eventHi : textHi;
  }

  long lo(Kind kind) {
    return kind == Kind.EVENT_ID ? eventLo : textLo;
  }

  /** The verdict as it was put, value for value. */
  CachedVerdict verdict() {
    String judged = judgedOther == null ? new UUID(judgedHi, judgedLo).toString()
        : new String(judgedOther, StandardCharsets.UTF_8);
    return new CachedVerdict(judged, new String(verdict, StandardCharsets.UTF_8), model, tier, batchId, batchSize,
        contained, publishedAtMs);
  }

  /** Heap of the arrays this entry alone holds (shared ones are counted once, by their owner). */
  int ownBytes() {
    int n = judgedOther == null ? 0 : arrayBytes(judgedOther.length);
    if (has(OWNS_VERDICT)) {
      n += arrayBytes(verdict.length);
    }
    if (has(OWNS_BATCH_ID) && batchId != null) {
      n += stringBytes(batchId);
    }
    return n;
  }

  /** A byte array: 16-byte header and the bytes, padded to 8. */
  static int arrayBytes(int length) {
    return (16 + length + 7) & ~7;
  }

  /** A String: 24-byte object and its array (one byte per character for Latin-1 text, two otherwise). */
  static int stringBytes(String s) {
    boolean latin1 = s.chars().allMatch(c -> c < 256);
    return 24 + arrayBytes(latin1 ? s.length() : 2 * s.length());
  }

  /** The id as a UUID when {@link UUID#toString()} gives it back exactly, else null. */
  private static UUID uuid(String id) {
    if (id.length() != 36 || id.charAt(8) != '-') {
      return null;
    }
    try {
      UUID u = UUID.fromString(id);
      return u.toString().equals(id) ? u : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
