package com.reviewpipeline.store;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

/**
 * {@code DATABASE_URL} in the libpq URI form {@code postgresql://user:password@host:port/db?sslmode=require}, parsed by
 * {@link PgConnectOptions#fromUri} (query parameters {@code user}, {@code password}, {@code sslmode} ... too); a
 * {@code jdbc:} prefix is accepted. The user must be named (no silent fallback to a default account); the password
 * is never part of {@link #toString()}.
 */
public record DatabaseUrl(PgConnectOptions options) {

  public static DatabaseUrl parse(String url) {
    String u = url.startsWith("jdbc:") ? url.substring(5) : url;
    if (!u.startsWith("postgresql://") && !u.startsWith("postgres://")) {
      throw new IllegalArgumentException("DATABASE_URL must look like postgresql://user:password@host:port/db");
    }
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(u);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("DATABASE_URL is not a valid postgresql:// URI: " + e.getMessage()
          .replace(u, redacted(u)));
    }
    if (!u.matches("postgres(ql)?://[^/@?]+@.*") && !u.matches(".*[?&]user=[^&]+.*")) {
      throw new IllegalArgumentException("DATABASE_URL names no user: postgresql://USER:PASSWORD@host:port/db");
    }
    if (options.getUser() == null || options.getUser().isBlank()) {
      throw new IllegalArgumentException("DATABASE_URL names an empty user");
    }
    if (!u.matches("postgres(ql)?://[^/@?]+:[^/@?]*@.*") && !u.matches(".*[?&]password=.*")) {
      options.setPassword(""); // no password given: trust or peer authentication, never the client's built-in "pass"
    }
    return new DatabaseUrl(options);
  }

  private static String redacted(String u) {
    return u.replaceAll("://([^:/@]+):[^@/]*@", "://$1:***@").replaceAll("password=[^&]*", "password=***");
  }

  public String host() {
    return options.getHost();
  }

  public int port() {
    return options.getPort();
  }

  public String database() {
    return options.getDatabase();
  }

  public String user() {
    return options.getUser();
  }

  public String password() {
    return options.getPassword();
  }

  /** The same database as a JDBC URL (for Flyway); user and password go separately. */
  public String jdbcUrl() {
    String ssl = options.getSslMode() == null || options.getSslMode() == SslMode.DISABLE
        ? "" : "?sslmode=" + options.getSslMode().value;
    return "jdbc:postgresql://" + host() + ":" + port() + "/" + database() + ssl;
  }

  @Override
  public String toString() {
    return "postgresql://" + user() + "@" + host() + ":" + port() + "/" + database();
  }
}
