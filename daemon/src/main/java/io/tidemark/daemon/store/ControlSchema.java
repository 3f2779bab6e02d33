package io.tidemark.daemon.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Creates and upgrades the control schema {@code tidemark} in the state database. Migrations are numbered;
 * {@code tidemark.schema_version} records each one applied. The whole upgrade is one transaction that first
 * takes a transaction-scoped advisory lock, so two daemons starting at once queue up: the second sees the
 * first's versions and applies nothing. Runs wherever the returned future's callbacks run (any event loop).
 */
final class ControlSchema {
  /** The version this build needs; {@code /health/ready} compares it with what the database has. */
  static final int CURRENT_VERSION = Migrations.ALL.size();

  /** {@code 'tidemark'} as a bigint: the one advisory lock key for control-schema upgrades. */
  private static final long MIGRATION_LOCK = 0x746964656d61726bL;

  private static final String LOCK = "SELECT pg_advisory_xact_lock($1)";
  private static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS tidemark";
  private static final String CREATE_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS tidemark.schema_version ("
      + " version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";
  private static final String CURRENT = "SELECT coalesce(max(version), 0) AS v FROM tidemark.schema_version";
  private static final String RECORD = "INSERT INTO tidemark.schema_version (version) VALUES ($1)";
  private static final String READ_VERSION = "SELECT coalesce(max(version), 0) AS v FROM tidemark.schema_version"
      + " WHERE to_regclass('tidemark.schema_version') IS NOT NULL";

  private ControlSchema() {}

  /** Brings the schema to {@link #CURRENT_VERSION}; returns the version found before. */
  static Future<Integer> migrate(Pool statePool) {
    return statePool.withTransaction(ControlSchema::migrateLocked);
  }

  /** The version the state database is at (0 when the schema does not exist yet). */
  static Future<Integer> version(SqlClient statePool) {
    return statePool.query("SELECT to_regclass('tidemark.schema_version') IS NOT NULL AS present").execute()
        .compose(rs -> rs.iterator().next().getBoolean("present")
            ? statePool.query(READ_VERSION).execute().map(v -> v.iterator().next().getInteger("v"))
            : Future.succeededFuture(0));
  }

  private static Future<Integer> migrateLocked(SqlConnection conn) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(MIGRATION_LOCK))
        .compose(v -> conn.query(CREATE_SCHEMA).execute())
        .compose(v -> conn.query(CREATE_VERSION_TABLE).execute())
        .compose(v -> conn.query(CURRENT).execute())
        .map(rs -> rs.iterator().next().getInteger("v"))
        .compose(found -> applyFrom(conn, found).map(found));
  }

  private static Future<Void> applyFrom(SqlConnection conn, int found) {
    Future<Void> chain = Future.succeededFuture();
    for (int v = found + 1; v <= CURRENT_VERSION; v++) {
      int version = v;
      chain = chain.compose(x -> apply(conn, version, Migrations.ALL.get(version - 1)));
    }
    return chain;
  }

  private static Future<Void> apply(SqlConnection conn, int version, List<String> statements) {
    Future<Void> chain = Future.succeededFuture();
    for (String sql : statements) {
      chain = chain.compose(x -> conn.query(sql).execute().mapEmpty());
    }
    return chain.compose(x -> conn.preparedQuery(RECORD).execute(Tuple.of(version)).mapEmpty());
  }
}
