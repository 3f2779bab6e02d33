package io.tidemark.daemon.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The reads and deletes that keep the interfaces usable at fleet size (a plan over 1,000 databases, a
 * store holding years of plans): keyset pages of plans and of a plan's databases, aggregate counts instead
 * of every row, and the bounded retention deletes. Each statement reads or deletes at most a page: nothing
 * here scales with the history. Futures complete on the caller's context when it has one.
 *
 * <p>Database states are filtered by their shown state ({@link DatabaseRecord#displayState()}): a database
 * paused alone and not yet done or failed is {@code paused}, otherwise its stored state.
 */
public final class PlanPages {
  private static final String SHOWN = "(CASE WHEN paused AND state NOT IN ('done', 'failed') THEN 'paused'"
      + " ELSE state END)";
  private static final String ENDED = "('completed', 'cancelled', 'rolled-back')";
  private static final String PLANS_PAGE = "SELECT " + CompiledPlans.COLUMNS + " FROM tidemark.plans"
      + " WHERE $2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::text)"
      + " ORDER BY created_at, id LIMIT $4";
  private static final String DATABASES_PAGE = "SELECT * FROM tidemark.plan_databases WHERE plan_id = $1"
      + " AND ($2::text IS NULL OR " + SHOWN + " = $2) AND ($3::text IS NULL OR strpos(database, $3) > 0)"
      + " AND position > $4 ORDER BY position LIMIT $5";
  private static final String STEPS_OF = "SELECT * FROM tidemark.step_states WHERE plan_id = $1"
      + " AND database = ANY($2) ORDER BY database, position, step_id";
  private static final String COUNTS = "SELECT phase, " + SHOWN + " AS shown, count(*) AS n"
      + " FROM tidemark.plan_databases WHERE plan_id = $1 GROUP BY 1, 2 ORDER BY 1, 2";
  private static final String FAILED = "SELECT * FROM tidemark.plan_databases WHERE plan_id = $1"
      + " AND state = 'failed' ORDER BY updated_at, position LIMIT $2";
  private static final String SLOWEST = "SELECT * FROM tidemark.plan_databases WHERE plan_id = $1"
      + " AND state = 'running' AND NOT paused ORDER BY updated_at, position LIMIT $2";
  private static final String EXPORTED_PLANS = "SELECT id, state FROM tidemark.plans"
      + " WHERE state NOT IN " + ENDED + " OR updated_at > $1 ORDER BY created_at, id";
  private static final String STEP_COUNTS = "SELECT plan_id, phase, step_id, state, count(*) AS n"
      + " FROM tidemark.step_states WHERE plan_id = ANY($1) GROUP BY 1, 2, 3, 4";
  private static final String ACTIVE_STEPS = "SELECT s.plan_id, s.database, s.phase, s.step_id,"
      + " CASE WHEN s.state = 'running' AND d.paused AND d.current_step = s.step_id THEN 'paused' ELSE s.state END"
      + " AS shown FROM tidemark.step_states s JOIN tidemark.plan_databases d"
      + " ON d.plan_id = s.plan_id AND d.database = s.database"
      + " WHERE s.plan_id = ANY($1) AND s.state IN ('running', 'failed')";
  private static final String DELETE_EVENTS = "DELETE FROM tidemark.events WHERE id IN"
      + " (SELECT id FROM tidemark.events WHERE at < $1 ORDER BY id LIMIT $2)";
  private static final String ENDED_BEFORE = "SELECT id FROM tidemark.plans WHERE state IN " + ENDED
      + " AND updated_at < $1 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED";
  private static final List<String> DELETE_PLAN = List.of(
      "DELETE FROM tidemark.events WHERE plan_id = ANY($1)",
      "DELETE FROM tidemark.leases WHERE plan_id = ANY($1)",
      "DELETE FROM tidemark.step_states WHERE plan_id = ANY($1)",
      "DELETE FROM tidemark.plan_databases WHERE plan_id = ANY($1)",
      "DELETE FROM tidemark.plans WHERE id = ANY($1)");

  private final Pool pool;
  private final CompiledPlans compiled;

  /** Reached through {@link ControlStore#pages()}. */
  PlanPages(Pool pool, CompiledPlans compiled) {
    this.pool = pool;
    this.compiled = compiled;
  }

  /** Where a page of plans ends: the last plan's creation time and id (plans are listed oldest first). */
  public record PlanCursor(OffsetDateTime createdAt, String id) {}

  /** Up to {@code limit} plans after {@code after} (from the first when empty), oldest first. */
  public Future<List<PlanRecord>> plans(Optional<PlanCursor> after, int limit) {
    return compiled.all(pool, PLANS_PAGE, known -> Tuple.tuple().addArrayOfString(known)
        .addValue(after.map(PlanCursor::createdAt).orElse(null)).addValue(after.map(PlanCursor::id).orElse(null))
        .addValue(limit));
  }

  /**
   * Up to {@code limit} databases of a plan after {@code afterPosition}, in rollout order, whose shown state
   * is {@code state} and whose name contains {@code nameContains} (each filter only when given).
   */
  public Future<List<DatabaseRecord>> databases(String planId, Optional<String> state,
      Optional<String> nameContains, int afterPosition, int limit) {
    return pool.preparedQuery(DATABASES_PAGE).execute(Tuple.of(planId, state.orElse(null),
        nameContains.orElse(null), afterPosition, limit)).map(rs -> all(rs, Rows::database));
  }

  /** The recorded steps of the given databases of a plan. */
  public Future<List<StepRecord>> steps(String planId, List<String> databases) {
    if (databases.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(STEPS_OF).execute(Tuple.of(planId, (Object) databases.toArray(String[]::new)))
        .map(rs -> all(rs, Rows::step));
  }

  /** How many databases of a plan are in each phase and shown state. */
  public record Count(RunPhase phase, String state, long count) {}

  public Future<List<Count>> counts(String planId) {
    return pool.preparedQuery(COUNTS).execute(Tuple.of(planId)).map(rs -> all(rs, r -> new Count(
        RunPhase.fromWire(r.getString("phase")), r.getString("shown"), r.getLong("n"))));
  }

  /** The first {@code limit} failed databases of a plan, longest failed first. */
  public Future<List<DatabaseRecord>> failed(String planId, int limit) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(planId, limit)).map(rs -> all(rs, Rows::database));
  }

  /** The {@code limit} running databases that have been longest at their current step. */
  public Future<List<DatabaseRecord>> slowest(String planId, int limit) {
    return pool.preparedQuery(SLOWEST).execute(Tuple.of(planId, limit)).map(rs -> all(rs, Rows::database));
  }

  /**
   * Plans not ended, and those that ended after {@code endedSince}: what the state gauges export, read every
   * few seconds. Only the id and state: the whole row carries the compiled plan, 16 MB of JSON at 1,000
   * databases, which the gauges once decoded at every refresh.
   */
  public Future<List<ExportedPlan>> exported(OffsetDateTime endedSince) {
    return pool.preparedQuery(EXPORTED_PLANS).execute(Tuple.of(endedSince)).map(rs -> all(rs,
        r -> new ExportedPlan(r.getString("id"), PlanState.fromWire(r.getString("state")))));
  }

  /** A plan as the state gauges see it. */
  public record ExportedPlan(String id, PlanState state) {}

  /** How many databases are at each step in each step state, for the given plans. */
  public record StepCount(String planId, RunPhase phase, String stepId, StepState state, long count) {}

  public Future<List<StepCount>> stepCounts(List<String> planIds) {
    return pool.preparedQuery(STEP_COUNTS).execute(Tuple.of((Object) planIds.toArray(String[]::new)))
        .map(rs -> all(rs, r -> new StepCount(r.getString("plan_id"), RunPhase.fromWire(r.getString("phase")),
            r.getString("step_id"), StepState.fromWire(r.getString("state")), r.getLong("n"))));
  }

  /** A step running or failed on one database; {@code state} {@code paused} when its database is paused on it. */
  public record ActiveStep(String planId, String database, RunPhase phase, String stepId, String state) {}

  public Future<List<ActiveStep>> activeSteps(List<String> planIds) {
    return pool.preparedQuery(ACTIVE_STEPS).execute(Tuple.of((Object) planIds.toArray(String[]::new)))
        .map(rs -> all(rs, r -> new ActiveStep(r.getString("plan_id"), r.getString("database"),
            RunPhase.fromWire(r.getString("phase")), r.getString("step_id"), r.getString("shown"))));
  }

  /** Deletes at most {@code limit} events older than {@code before}, oldest first; answers how many. */
  public Future<Integer> deleteEvents(OffsetDateTime before, int limit) {
    return pool.preparedQuery(DELETE_EVENTS).execute(Tuple.of(before, limit)).map(RowSet::rowCount);
  }

  /**
   * Deletes at most {@code limit} plans that ended (completed, cancelled, rolled back) before {@code before},
   * with their databases, steps, leases and events, in one transaction: the plan rows are locked first
   * (skipping any an operator holds), so a plan is removed whole or not at all. Answers the ids removed.
   */
  public Future<List<String>> deleteEndedPlans(OffsetDateTime before, int limit) {
    return pool.withTransaction(conn -> conn.preparedQuery(ENDED_BEFORE).execute(Tuple.of(before, limit))
        .map(rs -> all(rs, r -> r.getString("id")))
        .compose(ids -> ids.isEmpty() ? Future.succeededFuture(ids) : deletePlans(conn, ids)));
  }

  private static Future<List<String>> deletePlans(SqlClient conn, List<String> ids) {
    Tuple args = Tuple.of((Object) ids.toArray(String[]::new));
    Future<Void> chain = Future.succeededFuture();
    for (String sql : DELETE_PLAN) {
      chain = chain.compose(v -> conn.preparedQuery(sql).execute(args).mapEmpty());
    }
    return chain.map(ids);
  }

  private static <T> List<T> all(RowSet<Row> rs, Function<Row, T> f) {
    List<T> out = new ArrayList<>(rs.size());
    rs.forEach(r -> out.add(f.apply(r)));
    return out;
  }
}
