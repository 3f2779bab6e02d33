package io.tidemark.daemon.demo;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.pg.PgConnections;
import io.tidemark.planner.sql.Identifiers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * Creates, fills and drops the demo databases. Creating and dropping run on a connection to the server's
 * maintenance database; a database of the same name is dropped first (the names carry the demo prefix, so
 * this only ever removes a previous demo's leftovers). Filling runs {@code examples/schema.sql} as it is, then
 * adds users and orders in two {@code INSERT ... SELECT generate_series} statements and analyzes, so the
 * backfill's row estimate is right from the start. One connection per call; futures complete on that
 * connection's event loop.
 */
final class DemoDatabases {
  private static final String APP_NAME = "tidemark/demo";
  private static final String TERMINATE = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
      + " WHERE datname = $1 AND pid <> pg_backend_pid()";
  private static final String EXISTS = "SELECT 1 FROM pg_database WHERE datname = $1";
  /** The users examples/schema.sql already inserts (ids 1..1000), and its orders (ids 1..5000). */
  private static final long SCHEMA_USERS = 1000;
  private static final long SCHEMA_ORDERS = 5000;
  private static final String MORE_USERS = "INSERT INTO users (email, is_active)"
      + " SELECT 'user' || g || '@example.com', g % 7 <> 0 FROM generate_series($1::bigint, $2::bigint) g";
  private static final String MORE_ORDERS = """
      INSERT INTO orders (user_id, state, total_cents, shipped_at)
      SELECT 1 + g % $3, (ARRAY['new', 'paid', 'shipped']::order_state[])[1 + g % 3], g * 10,
             CASE WHEN g % 3 = 2 THEN now() - (g % 800) * interval '1 day' END
      FROM generate_series($1::bigint, $2::bigint) g""";
  private static final String ANALYZE = "ANALYZE users; ANALYZE orders";

  private final Vertx vertx;
  private final DatabaseConfig server;

  /** {@code server} is the maintenance database (usually {@code postgres}) of a role with CREATEDB. */
  DemoDatabases(Vertx vertx, DatabaseConfig server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Creates {@code name} empty, dropping a leftover of the same name first. */
  Future<Void> create(String name) {
    return onServer(conn -> dropIfExists(conn, name)
        .compose(v -> conn.query("CREATE DATABASE " + Identifiers.quote(name)).execute())
        .mapEmpty());
  }

  /** Drops {@code name} if it exists, ending any session still connected to it. */
  Future<Void> drop(String name) {
    return onServer(conn -> dropIfExists(conn, name));
  }

  /** Whether a database called {@code name} exists. */
  Future<Boolean> exists(String name) {
    return onServer(conn -> conn.preparedQuery(EXISTS).execute(Tuple.of(name)).map(rows -> rows.size() > 0));
  }

  /** Loads the schema and adds rows until the database holds {@code users} users and {@code orders} orders. */
  Future<Void> fill(DatabaseConfig db, String schemaSql, long users, long orders) {
    return PgConnection.connect(vertx, PgConnections.options(db, APP_NAME))
        .compose(conn -> fill(conn, schemaSql, users, orders).eventually(conn::close));
  }

  private static Future<Void> fill(SqlConnection conn, String schemaSql, long users, long orders) {
    long allUsers = Math.max(users, SCHEMA_USERS);
    return conn.query(schemaSql).execute()
        .compose(v -> users > SCHEMA_USERS
            ? conn.preparedQuery(MORE_USERS).execute(Tuple.of(SCHEMA_USERS + 1, users))
            : Future.succeededFuture())
        .compose(v -> orders > SCHEMA_ORDERS
            ? conn.preparedQuery(MORE_ORDERS).execute(Tuple.of(SCHEMA_ORDERS + 1, orders, allUsers))
            : Future.succeededFuture())
        .compose(v -> conn.query(ANALYZE).execute())
        .mapEmpty();
  }

  private Future<Void> dropIfExists(SqlConnection conn, String name) {
    return conn.preparedQuery(TERMINATE).execute(Tuple.of(name))
        .compose(v -> conn.query("DROP DATABASE IF EXISTS " + Identifiers.quote(name)).execute())
        .mapEmpty();
  }

  private <T> Future<T> onServer(Function<SqlConnection, Future<T>> work) {
    return PgConnection.connect(vertx, PgConnections.options(server, APP_NAME))
        .compose(conn -> work.apply(conn).eventually(conn::close));
  }
}
