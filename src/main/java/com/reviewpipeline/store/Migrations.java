package com.reviewpipeline.store;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the versioned schema in {@code db/migration} with Flyway. Blocking: call off the event loop. */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static int migrate(DatabaseUrl db) {
    var result = Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    LOG.info("database.migrated target={} applied={} version={}", db, result.migrationsExecuted, result.targetSchemaVersion);
    return result.migrationsExecuted;
  }
}
