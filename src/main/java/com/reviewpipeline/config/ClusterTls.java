package com.reviewpipeline.config;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;

/**
 * Mutual TLS on the clustered event bus ({@code cluster.tls.*}): each node presents the key and certificate of its
 * PKCS12 keystore and talks only to peers whose certificate its PKCS12 truststore holds (or whose CA it holds), as
 * server and as client. Hazelcast's member port is not covered (docs/operations.md "Running a cluster"). The files
 * are opened
 * at start, so a wrong path or password refuses the start naming the key; passwords never appear in messages or in
 * {@link #toString()}.
 */
public record ClusterTls(boolean enabled, String keystore, String keystorePassword, String truststore,
    String truststorePassword) {

  static ClusterTls fromJson(JsonObject j) {
    ClusterTls t = new ClusterTls(j.getBoolean("enabled"), j.getString("keystore").trim(),
        j.getString("keystore_password"), j.getString("truststore").trim(), j.getString("truststore_password"));
    if (t.enabled) {
      KeyStore keys = open(t.keystore, t.keystorePassword, "cluster.tls.keystore (CLUSTER_TLS_KEYSTORE)");
      require(has(keys, true), "cluster.tls.keystore (CLUSTER_TLS_KEYSTORE) '" + t.keystore + "' holds no private key");
      KeyStore trust = open(t.truststore, t.truststorePassword, "cluster.tls.truststore (CLUSTER_TLS_TRUSTSTORE)");
      require(has(trust, false), "cluster.tls.truststore (CLUSTER_TLS_TRUSTSTORE) '" + t.truststore
          + "' holds no trusted certificate");
    }
    return t;
  }

  /** {@code options} with TLS when enabled: this node's certificate, peers verified both ways, none trusted blindly. */
  public EventBusOptions applyTo(EventBusOptions options) {
    if (!enabled) {
      return options;
    }
    return options.setSsl(true)
        .setKeyCertOptions(new PfxOptions().setPath(keystore).setPassword(keystorePassword))
        .setTrustOptions(new PfxOptions().setPath(truststore).setPassword(truststorePassword))
        .setTrustAll(false)
        .setClientAuth(ClientAuth.REQUIRED);
  }

  private static KeyStore open(String file, String password, String key) {
    require(!file.isEmpty(), key + " must name a PKCS12 file when cluster.tls.enabled is true");
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      return store;
    } catch (IOException | InvalidPathException | GeneralSecurityException e) {
      // the JDK's messages name the problem (no such file, wrong password), never the password
      throw new IllegalArgumentException(key + " '" + file + "' cannot be opened as PKCS12 with its password: "
          + e.getMessage());
    }
  }

  private static boolean has(KeyStore store, boolean privateKey) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (privateKey ? store.isKeyEntry(alias) : store.isCertificateEntry(alias) || store.isKeyEntry(alias)) {
          return true;
        }
      }
      return false;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  @Override
  public String toString() {
    return "ClusterTls[enabled=" + enabled + ", keystore=" + keystore + ", truststore=" + truststore + "]";
  }
}
