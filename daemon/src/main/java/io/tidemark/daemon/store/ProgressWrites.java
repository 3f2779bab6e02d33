package io.tidemark.daemon.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The writes a daemon makes while driving one (plan, database): step and database progress. Every statement
 * carries the lease predicate ({@link Fence#HOLDS}) and fails with {@link LeaseLostException} when it changed
 * nothing, so a daemon that was paused by GC past its lease and lost it to another cannot overwrite the newer
 * owner's progress. Database-state writes also name the phase they belong to: a driver still finishing an
 * expand step after an operator started a rollback cannot mark the rollback done.
 */
public final class ProgressWrites {
  private static final String STEP_STARTED = "WITH held AS (SELECT 1 AS x WHERE " + Fence.HOLDS + "),"
      + " s AS (INSERT INTO tidemark.step_states (plan_id, database, step_id, phase, position, state, attempts)"
      + "   SELECT $1, $2, $5, $6, $7, 'running', 1 FROM held"
      + "   ON CONFLICT (plan_id, database, step_id) DO UPDATE SET state = 'running',"
      + "   attempts = tidemark.step_states.attempts + 1, last_error = NULL, sqlstate = NULL, updated_at = now()"
      + "   RETURNING 1)"
      + " UPDATE tidemark.plan_databases SET current_step = $5, updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2 AND EXISTS (SELECT 1 FROM held)";
  private static final String STEP_DONE = "UPDATE tidemark.step_states SET state = 'done', updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2 AND step_id = $5 AND " + Fence.HOLDS;
  private static final String STEP_FAILED = "WITH held AS (SELECT 1 AS x WHERE " + Fence.HOLDS + "),"
      + " s AS (UPDATE tidemark.step_states SET state = 'failed', last_error = $6, sqlstate = $7, updated_at = now()"
      + "   WHERE plan_id = $1 AND database = $2 AND step_id = $5 AND EXISTS (SELECT 1 FROM held) RETURNING 1)"
      + " UPDATE tidemark.plan_databases SET state = 'failed', last_error = $6, updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2 AND phase = $8 AND EXISTS (SELECT 1 FROM held)";
  private static final String DATABASE_DONE = "UPDATE tidemark.plan_databases"
      + " SET state = 'done', current_step = NULL, last_error = NULL, updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2 AND phase = $5 AND state = 'running' AND " + Fence.HOLDS;
  private static final String DATABASE_RELEASED = "UPDATE tidemark.plan_databases"
      + " SET state = 'pending', updated_at = now() WHERE plan_id = $1 AND database = $2 AND phase = $5 AND state = 'running' AND " + Fence.HOLDS;

  private ProgressWrites() {}

  public static Future<Void> stepStarted(SqlClient c, Fence f, RunPhase phase, String stepId, int position) {
    return fenced(c, f, STEP_STARTED, Tuple.of(f.planId(), f.database(), f.owner(), f.token(), stepId,
        phase.wireName(), position));
  }

  public static Future<Void> stepDone(SqlClient c, Fence f, String stepId) {
    return fenced(c, f, STEP_DONE, Tuple.of(f.planId(), f.database(), f.owner(), f.token(), stepId));
  }

  /** Fails the step and its database (for this phase) with the cause; the plan's state follows in the runner. */
  public static Future<Void> stepFailed(SqlClient c, Fence f, RunPhase phase, String stepId, String error,
      String sqlState) {
    return fenced(c, f, STEP_FAILED, Tuple.from(new Object[] {f.planId(), f.database(), f.owner(), f.token(),
        stepId, error, sqlState, phase.wireName()}));
  }

  public static Future<Void> databaseDone(SqlClient c, Fence f, RunPhase phase) {
    return fenced(c, f, DATABASE_DONE, Tuple.of(f.planId(), f.database(), f.owner(), f.token(), phase.wireName()));
  }

  /** Hands a database back to the scheduler ({@code running → pending}) when its driver stops early. */
  public static Future<Void> databaseReleased(SqlClient c, Fence f, RunPhase phase) {
    return c.preparedQuery(DATABASE_RELEASED)
        .execute(Tuple.of(f.planId(), f.database(), f.owner(), f.token(), phase.wireName()))
        .mapEmpty();
  }

  private static Future<Void> fenced(SqlClient c, Fence f, String sql, Tuple args) {
    return c.preparedQuery(sql).execute(args)
        .compose(rs -> rs.rowCount() > 0 ? Future.succeededFuture() : Future.failedFuture(new LeaseLostException(f)));
  }
}
