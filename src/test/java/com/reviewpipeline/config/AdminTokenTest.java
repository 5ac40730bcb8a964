package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin token from {@code admin.token} or from the file {@code admin.token_file} names. */
class AdminTokenTest {

  @TempDir
  Path dir;

  static JsonObject admin(String token, String file) {
    return new JsonObject().put("token", token).put("token_file", file);
  }

  @Test
  @DisplayName("admin.token is the token; neither key set gives none")
  void tokenFromTheKey() {
    assertThat(AdminToken.resolve(admin("s3cret", ""))).isEqualTo("s3cret");
    assertThat(AdminToken.resolve(new JsonObject())).isEmpty();
  }

  @Test
  @DisplayName("admin.token_file: the file's content, trimmed (a secret file ends with a newline)")
  void tokenFromTheFileTrimmed() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "  from-file-token\n");
    assertThat(AdminToken.resolve(admin("", file.toString()))).isEqualTo("from-file-token");
  }

  @Test
  @DisplayName("both keys set, a missing file or an empty one refuse the start, naming the keys and never the token")
  void badSettingsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "file-token");
    assertThatThrownBy(() -> AdminToken.resolve(admin("key-token", file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("admin.token (ADMIN_TOKEN) and admin.token_file (ADMIN_TOKEN_FILE) are both set")
        .message().doesNotContain("key-token").doesNotContain("file-token");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> AdminToken.resolve(admin("", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("admin.token_file (ADMIN_TOKEN_FILE) '" + missing + "' cannot be read");
    Path blank = Files.writeString(dir.resolve("blank"), " \n");
    assertThatThrownBy(() -> AdminToken.resolve(admin("", blank.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("admin.token_file (ADMIN_TOKEN_FILE) '" + blank + "' is empty");
  }
}
