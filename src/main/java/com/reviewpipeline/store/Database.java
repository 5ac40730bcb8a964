package com.reviewpipeline.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** A reactive PostgreSQL pool (vertx-pg-client) for a {@code DATABASE_URL}. */
public final class Database {

  private Database() {}

  public static Pool pool(Vertx vertx, String url, int size) {
    DatabaseUrl db = DatabaseUrl.parse(url);
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setPassword(db.password());
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(size)).connectingTo(connect).using(vertx).build();
  }
}
