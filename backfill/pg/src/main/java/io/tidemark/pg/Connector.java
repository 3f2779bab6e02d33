package io.tidemark.pg;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Where every connection to a target database comes from. The daemon's implementation counts each one against
 * its server's connection budget ({@code servers.<name>.max-connections}) and queues the rest first come,
 * first served; {@link #direct} opens connections freely (one-off runs and tests). Thread-safe.
 */
public interface Connector {

  /** A connection of the caller's own; closing it (or losing it) gives its place in the budget back. */
  Future<PgConnection> connect(PgConnectOptions options);

  /**
   * A pool of at most {@code maxSize} connections to the database of {@code options}, opened when a query
   * needs one. Close it when done.
   */
  Pool pool(PgConnectOptions options, int maxSize);

  /** No budget: every call opens what it asks for. */
  static Connector direct(Vertx vertx) {
    return new Connector() {
      @Override
      public Future<PgConnection> connect(PgConnectOptions options) {
        return PgConnection.connect(vertx, options);
      }

      @Override
      public Pool pool(PgConnectOptions options, int maxSize) {
        return PgBuilder.pool().with(new PoolOptions().setMaxSize(maxSize)).connectingTo(options).using(vertx).build();
      }
    };
  }
}
