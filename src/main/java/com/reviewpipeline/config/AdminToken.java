package com.reviewpipeline.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The admin API's bearer token: {@code admin.token} ({@code ADMIN_TOKEN}) or the trimmed content of the file
 * {@code admin.token_file} ({@code ADMIN_TOKEN_FILE}) names, e.g. a mounted secret; never both. Messages name the
 * keys and the file, never the token.
 */
public final class AdminToken {

  private AdminToken() {}

  /** @return the token, empty when neither key is set ({@code run} then refuses to start, the demo makes one) */
  public static String resolve(JsonObject admin) {
    JsonObject a = Declaration.withDefaults("admin", admin);
    String token = a.getString("token").trim();
    String file = a.getString("token_file").trim();
    if (file.isEmpty()) {
      return token;
    }
    if (!token.isEmpty()) {
      throw new IllegalArgumentException("admin.token (ADMIN_TOKEN) and admin.token_file (ADMIN_TOKEN_FILE) are both "
          + "set: set one of them");
    }
    String content;
    try {
      content = Files.readString(Path.of(file)).trim();
    } catch (IOException | InvalidPathException e) {
      throw new IllegalArgumentException("admin.token_file (ADMIN_TOKEN_FILE) '" + file + "' cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
    if (content.isEmpty()) {
      throw new IllegalArgumentException("admin.token_file (ADMIN_TOKEN_FILE) '" + file + "' is empty");
    }
    return content;
  }
}
