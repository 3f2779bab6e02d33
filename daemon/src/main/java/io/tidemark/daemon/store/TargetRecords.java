package io.tidemark.daemon.store;

import io.tidemark.pg.SqlStates;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tidemark} schema in each target database: {@code tidemark.applied_plans} records which plan a
 * database is at and how far it got, for {@code tidemark versions}. The backfill engine keeps its checkpoints
 * in the same schema and may create it at the same moment: {@code CREATE SCHEMA IF NOT EXISTS} can then fail
 * with a unique violation on the catalog, which here means "someone else just made it" and is retried once.
 * Runs on the caller's context.
 */
public final class TargetRecords {
  private static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS tidemark";
  private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS tidemark.applied_plans ("
      + " plan_id text PRIMARY KEY, content_hash text NOT NULL, phase_reached text NOT NULL,"
      + " updated_at timestamptz NOT NULL DEFAULT now())";
  private static final String RECORD = "INSERT INTO tidemark.applied_plans (plan_id, content_hash, phase_reached)"
      + " VALUES ($1, $2, $3) ON CONFLICT (plan_id) DO UPDATE"
      + " SET content_hash = EXCLUDED.content_hash, phase_reached = EXCLUDED.phase_reached, updated_at = now()";
  private static final String READ = "SELECT plan_id, content_hash, phase_reached, updated_at"
      + " FROM tidemark.applied_plans ORDER BY updated_at, plan_id";
  private static final String PRESENT = "SELECT to_regclass('tidemark.applied_plans') IS NOT NULL AS present";
  private static final String DUPLICATE_SCHEMA = "42P06";
  private static final String DUPLICATE_TABLE = "42P07";

  private TargetRecords() {}

  /** Creates the target's {@code tidemark} schema and table if missing; tolerates a concurrent creator. */
  public static Future<Void> ensure(SqlClient target) {
    return createOnce(target).recover(e -> isConcurrentCreate(e) ? createOnce(target) : Future.failedFuture(e));
  }

  /** Records that {@code planId} finished {@code phase} on this database. */
  public static Future<Void> record(SqlClient target, String planId, String contentHash, RunPhase phase) {
    return target.preparedQuery(RECORD).execute(Tuple.of(planId, contentHash, phase.wireName())).mapEmpty();
  }

  /** The plans applied to this database, oldest first; empty when Tidemark never ran a plan here. */
  public static Future<List<AppliedPlan>> read(SqlClient target) {
    return target.query(PRESENT).execute().compose(rs -> rs.iterator().next().getBoolean("present")
        ? target.query(READ).execute().map(TargetRecords::applied)
        : Future.succeededFuture(List.of()));
  }

  private static List<AppliedPlan> applied(RowSet<Row> rows) {
    List<AppliedPlan> out = new ArrayList<>();
    rows.forEach(r -> out.add(new AppliedPlan(r.getString("plan_id"), r.getString("content_hash"),
        r.getString("phase_reached"), r.getOffsetDateTime("updated_at"))));
    return out;
  }

  private static Future<Void> createOnce(SqlClient target) {
    return target.query(CREATE_SCHEMA).execute().compose(v -> target.query(CREATE_TABLE).execute()).mapEmpty();
  }

  private static boolean isConcurrentCreate(Throwable e) {
    return e instanceof PgException pg && (SqlStates.UNIQUE_VIOLATION.equals(pg.getSqlState())
        || DUPLICATE_SCHEMA.equals(pg.getSqlState()) || DUPLICATE_TABLE.equals(pg.getSqlState()));
  }
}
