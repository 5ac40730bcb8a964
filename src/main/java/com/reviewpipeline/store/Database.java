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
    PgConnectOptions connect = DatabaseUrl.parse(url).options();
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(size)).connectingTo(connect).using(vertx).build();
  }
}
