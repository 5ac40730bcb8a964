package com.reviewpipeline.devtools.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Real PostgreSQL binaries from a Maven artifact, started on a free port for the demo and tests. */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedDatabase start() throws Exception {
    long t0 = System.currentTimeMillis();
    EmbeddedDatabase db = new EmbeddedDatabase(EmbeddedPostgres.builder().start());
    LOG.info("embedded.postgres.started port={} took_ms={}", db.port(), System.currentTimeMillis() - t0);
    return db;
  }

  public int port() {
    return postgres.getPort();
  }

  /** A {@code postgresql://} URL as {@code DATABASE_URL} takes it. */
  public String url() {
    return "postgresql://postgres:postgres@localhost:" + port() + "/postgres";
  }

  @Override
  public void close() throws Exception {
    postgres.close();
  }
}
