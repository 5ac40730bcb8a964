package com.reviewpipeline.kafka;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * Writes an {@link OffsetMap} into a commit's metadata string and reads it back. The string is {@value #PREFIX}
 * followed by unpadded base64url of:
 *
 * <pre>
 *   version (1 byte, 1) | encoding (1 byte: 1 run-length, 2 bitset) | base (varint) | span (varint)
 *   | payload | CRC-32 of everything before it (4 bytes, big-endian)
 * </pre>
 *
 * Run-length payload: the number of runs (varint), then each run length (varint), alternating not done / done from
 * {@code base}. Bitset payload: {@code ceil(span / 8)} bytes, bit {@code i} (least significant first) set when
 * offset {@code base + i} is done. Of the two, the shorter is written (a few long runs: run-length; done and not done
 * interleaved: bitset), as Confluent's Parallel Consumer does.
 *
 * <p>Reading never trusts a map that could skip a record that was not done: anything that is not ours, is damaged,
 * was written for another committed offset (an operator reset the group), or claims offsets the partition does not
 * hold yet (a topic recreated) is {@link Decoded.Ignored}, and the partition is read again from its committed offset.
 */
public final class OffsetMapCodec {

  /** Marks our metadata; anything else (another tool's metadata) is foreign. */
  public static final String PREFIX = "rpo:";
  static final byte VERSION = 1;
  static final byte RUN_LENGTH = 1;
  static final byte BITSET = 2;
  /** Broker default of {@code offset.metadata.max.bytes}: a commit whose metadata is longer is refused whole. */
  public static final int BROKER_DEFAULT_MAX_BYTES = 4096;

  /** What a commit's metadata says about its partition. */
  public sealed interface Decoded {
    /** No map: nothing done above the committed offset was recorded. */
    record None() implements Decoded {}

    record Map(OffsetMap map) implements Decoded {}

    /** Metadata that cannot be trusted: the partition is processed again from the committed offset. */
    record Ignored(String reason) implements Decoded {}
  }

  private OffsetMapCodec() {}

  /** The metadata string for {@code map}; empty when nothing is done above its base. */
  public static String encode(OffsetMap map) {
    if (map.doneCount() == 0) {
      return "";
    }
    long span = map.end() - map.base();
    long runLengthBytes = varintSize(map.runCount());
    for (int k = 0; k < map.runCount(); k++) {
      runLengthBytes += varintSize(map.run(k));
    }
    long bitsetBytes = (span + 7) / 8;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(VERSION);
    boolean bitset = bitsetBytes < runLengthBytes;
    out.write(bitset ? BITSET : RUN_LENGTH);
    writeVarint(out, map.base());
    writeVarint(out, span);
    if (bitset) {
      byte[] bits = new byte[(int) bitsetBytes];
      long at = 0;
      for (int k = 0; k < map.runCount(); k++) {
        if (k % 2 == 1) {
          for (long i = at; i < at + map.run(k); i++) {
            bits[(int) (i >>> 3)] |= (byte) (1 << (i & 7));
          }
        }
        at += map.run(k);
      }
      out.writeBytes(bits);
    } else {
      writeVarint(out, map.runCount());
      for (int k = 0; k < map.runCount(); k++) {
        writeVarint(out, map.run(k));
      }
    }
    CRC32 crc = new CRC32();
    crc.update(out.toByteArray());
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
  }

  /**
   * Reads the metadata committed with {@code committedOffset}; {@code logEndOffset} is the partition's end offset
   * (a map reaching past it is refused).
   */
  public static Decoded decode(String metadata, long committedOffset, long logEndOffset) {
    if (metadata == null || metadata.isEmpty()) {
      return new Decoded.None();
    }
    if (!metadata.startsWith(PREFIX)) {
      return new Decoded.Ignored("foreign metadata (not written by this pipeline)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(metadata.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return new Decoded.Ignored("not base64url");
    }
    if (bytes.length < 2 + 2 + 4) {
      return new Decoded.Ignored("too short");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
      return new Decoded.Ignored("checksum mismatch");
    }
    if (bytes[0] != VERSION) {
      return new Decoded.Ignored("unknown version " + bytes[0]);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 2, bytes.length - 6);
    try {
      long base = readVarint(in);
      long span = readVarint(in);
      if (base != committedOffset) {
        return new Decoded.Ignored("written for offset " + base + ", committed offset is " + committedOffset);
      }
      if (span <= 0 || base + span > logEndOffset) {
        return new Decoded.Ignored("covers offsets up to " + (base + span) + ", the partition ends at " + logEndOffset);
      }
      long[] runs = switch (bytes[1]) {
        case RUN_LENGTH -> readRuns(in);
        case BITSET -> bitsToRuns(in, span);
        default -> null;
      };
      if (runs == null) {
        return new Decoded.Ignored("unknown encoding " + bytes[1]);
      }
      if (in.hasRemaining()) {
        return new Decoded.Ignored("trailing bytes");
      }
      OffsetMap map = new OffsetMap(base, runs);
      if (map.end() != base + span) {
        return new Decoded.Ignored("runs cover " + (map.end() - base) + " offsets, the header says " + span);
      }
      return new Decoded.Map(map);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      return new Decoded.Ignored("malformed: " + e.getMessage());
    }
  }

  private static long[] readRuns(ByteBuffer in) {
    long count = readVarint(in);
    if (count < 1 || count > in.remaining()) {
      throw new IllegalArgumentException("run count " + count);
    }
    long[] runs = new long[(int) count];
    for (int k = 0; k < runs.length; k++) {
      runs[k] = readVarint(in);
    }
    return runs;
  }

  private static long[] bitsToRuns(ByteBuffer in, long span) {
    if ((span + 7) / 8 != in.remaining()) {
      throw new IllegalArgumentException("bitset of " + in.remaining() + " bytes for " + span + " offsets");
    }
    byte[] bits = new byte[in.remaining()];
    in.get(bits);
    java.util.List<Long> runs = new java.util.ArrayList<>();
    boolean done = false;
    long length = 0;
    for (long i = 0; i < (long) bits.length * 8; i++) {
      boolean set = (bits[(int) (i >>> 3)] & (1 << (i & 7))) != 0;
      if (i >= span) {
        if (set) {
          throw new IllegalArgumentException("bit set past the span");
        }
        continue;
      }
      if (set != done) {
        runs.add(length);
        done = set;
        length = 0;
      }
      length++;
    }
    runs.add(length);
    return runs.stream().mapToLong(Long::longValue).toArray();
  }

  static int varintSize(long value) {
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long readVarint(ByteBuffer in) {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      byte b = in.get();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (value < 0) {
          throw new IllegalArgumentException("negative varint");
        }
        return value;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }
}
