package com.reviewpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.tls.*} is checked at start: the files must open with their passwords and hold a key (keystore) or
 * a certificate (truststore); messages name the key, never a password. A working pair is used by {@code it.ClusterMutualTlsTest}.
 */
class ClusterTlsTest {

  @TempDir
  Path dir;

  static JsonObject tls(boolean enabled, String keystore, String password, String truststore) {
    return new JsonObject().put("enabled", enabled).put("keystore", keystore).put("keystore_password", password)
        .put("truststore", truststore).put("truststore_password", password);
  }

  /** A PKCS12 file without entries, sealed with {@code password}. */
  Path emptyStore(String name, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  @Test
  @DisplayName("disabled: nothing is opened and the event-bus options stay plain")
  void disabledLeavesTheEventBusPlain() {
    ClusterTls t = ClusterTls.fromJson(tls(false, "", "", ""));
    EventBusOptions options = t.applyTo(new EventBusOptions());
    assertThat(options.isSsl()).isFalse();
  }

  @Test
  @DisplayName("enabled without a keystore, with a missing file, a wrong password or a store without a key: refused, naming the key")
  void badStoresRefused() throws Exception {
    assertThatThrownBy(() -> ClusterTls.fromJson(tls(true, "", "", "")))
        .hasMessageContaining("cluster.tls.keystore (CLUSTER_TLS_KEYSTORE) must name a PKCS12 file");
    Path missing = dir.resolve("missing.p12");
    assertThatThrownBy(() -> ClusterTls.fromJson(tls(true, missing.toString(), "", "")))
        .hasMessageContaining("cluster.tls.keystore (CLUSTER_TLS_KEYSTORE) '" + missing + "' cannot be opened");
    Path empty = emptyStore("empty.p12", "right-password");
    assertThatThrownBy(() -> ClusterTls.fromJson(tls(true, empty.toString(), "wrong-password", "")))
        .hasMessageContaining("cannot be opened as PKCS12 with its password")
        .message().doesNotContain("wrong-password").doesNotContain("right-password");
    assertThatThrownBy(() -> ClusterTls.fromJson(tls(true, empty.toString(), "right-password", "")))
        .hasMessageContaining("cluster.tls.keystore (CLUSTER_TLS_KEYSTORE) '" + empty + "' holds no private key");
  }

  @Test
  @DisplayName("toString names the files, never the passwords")
  void passwordsNeverPrinted() {
    ClusterTls t = new ClusterTls(true, "/k.p12", "key-secret", "/t.p12", "trust-secret");
    assertThat(t.toString()).contains("/k.p12", "/t.p12").doesNotContain("key-secret").doesNotContain("trust-secret");
  }
}
