package com.reviewpipeline.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code DATABASE_URL} in the libpq URI form {@code postgresql://user:password@host:port/db};
 * the password is never part of {@link #toString()}.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password) {

  public static DatabaseUrl parse(String url) {
    String u = url.startsWith("jdbc:") ? url.substring(5) : url;
    if (!u.startsWith("postgresql://") && !u.startsWith("postgres://")) {
      throw new IllegalArgumentException("DATABASE_URL must look like postgresql://user:password@host:port/db");
    }
    URI uri = URI.create(u);
    String user = "postgres";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
    return new DatabaseUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), db, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
