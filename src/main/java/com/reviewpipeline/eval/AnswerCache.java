package com.reviewpipeline.eval;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Answers kept on disk, keyed by a SHA-256 of the endpoint kind and the request body as sent: the same settings send
 * the same bodies, so a re-run costs nothing and an interrupted run resumes where it stopped. Only answered (HTTP 200)
 * requests are kept; a file is written whole and then moved into place, so a killed run leaves no half entry.
 */
public final class AnswerCache {

  /** An answer as recorded: the Messages API response and the latency measured when it was sent. */
  public record Entry(JsonObject response, long latencyMs) {}

  private final Path dir;

  public AnswerCache(Path dir) {
    this.dir = dir;
  }

  /**
   * @param endpoint "simulator" or the API's base URL: simulator answers never stand in for a model's
   */
  public static String key(String endpoint, JsonObject body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(endpoint.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      return HexFormat.of().formatHex(sha.digest(body.encode().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path file(String key) {
    return dir.resolve(key.substring(0, 2)).resolve(key + ".json");
  }

  public Optional<Entry> get(String key) {
    Path f = file(key);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      JsonObject j = new JsonObject(Files.readString(f));
      return Optional.of(new Entry(j.getJsonObject("response"), j.getLong("latency_ms", 0L)));
    } catch (IOException | RuntimeException unreadable) {
      // a damaged entry is asked again, not trusted
      return Optional.empty();
    }
  }

  public void put(String key, Entry entry) {
    Path f = file(key);
    try {
      Files.createDirectories(f.getParent());
      Path tmp = Files.createTempFile(f.getParent(), key, ".tmp");
      Files.writeString(tmp, new JsonObject().put("response", entry.response()).put("latency_ms", entry.latencyMs())
          .encode());
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("eval cache: cannot write " + f + ": " + e.getMessage(), e);
    }
  }
}
