package io.tidemark.daemon.store;

import io.tidemark.planner.CompiledPlan;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The control store: the one owner of every statement on the {@code tidemark} schema of the state database
 * (plans, their databases and steps, the event log, leases, the servers' shared budget slots through
 * {@link BudgetClaims}; the schema itself through {@link ControlSchema}).
 * Shaped after Flyway's {@code SchemaHistory} and pgroll's {@code State}: callers decide, the store writes,
 * and the invariants the database can hold are constraints (see {@link Migrations}).
 *
 * <p>Three kinds of writes:
 * <ul>
 *   <li>decisions on one plan, in {@link #transaction}: the runner and the operator actions lock the plan's
 *       row ({@link Tx#lockPlan}), ask {@link PlanLifecycle} and {@link Tx#apply} its transition;</li>
 *   <li>progress under a lease ({@link #stepStarted}, {@link #databaseDone}, ...): every statement carries the
 *       lease's fence (built by {@link Fence#holds}) and fails with {@link LeaseLostException} when it changed
 *       nothing, so a daemon that lost its lease cannot overwrite the newer holder's progress;</li>
 *   <li>plain appends to the event log ({@link #append}: hooks, operator actions).</li>
 * </ul>
 *
 * <p>Nothing is retried here: a failed future means the state database failed the statement, and the caller
 * decides (the runner polls again, the API answers 503). Futures complete on the caller's context.
 */
public final class ControlStore {
  /** The control-schema version this build needs; {@code /health/ready} compares it with the database's. */
  public static final int SCHEMA_VERSION = ControlSchema.CURRENT_VERSION;

  private static final String PLAN = "SELECT " + CompiledPlans.COLUMNS + " FROM tidemark.plans WHERE id = $2";
  private static final String PLAN_FOR_UPDATE = "SELECT " + CompiledPlans.COLUMNS
      + " FROM tidemark.plans WHERE id = $2 FOR UPDATE";
  private static final String PLANS = "SELECT * FROM tidemark.plans ORDER BY created_at, id";
  /** $2: the terminal states ({@link PlanState#isTerminal()}), so the list is not copied into SQL. */
  private static final String UNFINISHED = "SELECT " + CompiledPlans.COLUMNS
      + " FROM tidemark.plans WHERE state <> ALL ($2)"
      + " ORDER BY created_at, id";
  private static final String[] TERMINAL = java.util.Arrays.stream(PlanState.values())
      .filter(PlanState::isTerminal).map(PlanState::wireName).toArray(String[]::new);
  private static final String DATABASES = "SELECT * FROM tidemark.plan_databases WHERE plan_id = $1 ORDER BY position";
  private static final String UNFINISHED_DATABASES = "SELECT * FROM tidemark.plan_databases WHERE plan_id = $1"
      + " AND state <> 'done' ORDER BY position";
  private static final String STEPS = "SELECT * FROM tidemark.step_states WHERE plan_id = $1"
      + " ORDER BY database, position, step_id";
  private static final String ANY_STEP_STARTED = "SELECT EXISTS (SELECT 1 FROM tidemark.step_states"
      + " WHERE plan_id = $1) AS started";

  private static final String INSERT_PLAN = "INSERT INTO tidemark.plans (id, content_hash, plan_text, compiled,"
      + " submitted_by, state, phase) VALUES ($1, $2, $3, $4, $5, 'submitted', 'expand')";
  private static final String INSERT_DATABASE = "INSERT INTO tidemark.plan_databases (plan_id, database, position,"
      + " phase, state) VALUES ($1, $2, $3, 'expand', 'pending')";
  /** $5: the error to set (null: none), $6: whether the transition clears an error it does not set. */
  private static final String TRANSITION = "UPDATE tidemark.plans SET state = $2, phase = $3, resume_state = $4,"
      + " last_error = coalesce($5, CASE WHEN $6 THEN NULL ELSE last_error END), awaiting = $7, updated_at = now()"
      + " WHERE id = $1";
  /** The one database reset of {@link PlanLifecycle.DatabaseReset#RESET}: keeps {@code paused}. */
  private static final String RESET_DATABASES = "UPDATE tidemark.plan_databases SET phase = $2, state = 'pending',"
      + " current_step = NULL, last_error = NULL, updated_at = now() WHERE plan_id = $1";
  private static final String FAIL_DATABASE = "UPDATE tidemark.plan_databases SET state = 'failed', last_error = $3,"
      + " updated_at = now() WHERE plan_id = $1 AND database = $2";
  private static final String SET_PAUSED = "UPDATE tidemark.plan_databases SET paused = $3, updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2";
  private static final String APPROVED = "UPDATE tidemark.plans SET approved_by = $2, approved_at = now()"
      + " WHERE id = $1";
  private static final String RETRY_DATABASE = "UPDATE tidemark.plan_databases SET state = 'pending',"
      + " last_error = NULL, updated_at = now() WHERE plan_id = $1 AND database = $2 AND state = 'failed'";
  private static final String RETRY_STEPS = "UPDATE tidemark.step_states SET state = 'pending', updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2 AND state = 'failed'";
  private static final String THROTTLE = "UPDATE tidemark.plans SET"
      + " max_rows_per_second = CASE WHEN $2 THEN $3 ELSE max_rows_per_second END,"
      + " operator_throttle = coalesce($4, operator_throttle), updated_at = now() WHERE id = $1";

  private static final String EVENT_COLUMNS = "plan_id, database, step_id, actor, kind, statement, duration_ms,"
      + " outcome, sqlstate, message";
  private static final String APPEND = "INSERT INTO tidemark.events (" + EVENT_COLUMNS
      + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
  private static final String APPEND_FENCED = "INSERT INTO tidemark.events (" + EVENT_COLUMNS + ", fencing_token)"
      + " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $14 WHERE " + Fence.holds(10); // $14: the fence's token
  private static final String EVENTS = "SELECT * FROM tidemark.events WHERE plan_id = $1 AND id > $2"
      + " ORDER BY id LIMIT $3";

  private static final String CLAIM = "INSERT INTO tidemark.leases (plan_id, database, owner, fencing_token,"
      + " expires_at) VALUES ($1, $2, $3, 1, now() + make_interval(secs => $4::double precision / 1000))"
      + " ON CONFLICT (plan_id, database) DO UPDATE SET owner = EXCLUDED.owner,"
      + " fencing_token = tidemark.leases.fencing_token + 1, expires_at = EXCLUDED.expires_at"
      + " WHERE tidemark.leases.expires_at < now() OR tidemark.leases.owner = EXCLUDED.owner"
      + " RETURNING fencing_token";
  private static final String MARK_RUNNING = "UPDATE tidemark.plan_databases SET state = 'running', updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2";
  private static final String RENEW = "WITH renewed AS (UPDATE tidemark.leases"
      + "   SET expires_at = now() + make_interval(secs => $1::double precision / 1000)"
      + "   WHERE plan_id = $2 AND database = $3 AND owner = $4 AND fencing_token = $5 RETURNING plan_id, database)"
      + " SELECT p.state, p.max_rows_per_second, p.operator_throttle, d.paused, d.phase"
      + " FROM renewed r JOIN tidemark.plans p ON p.id = r.plan_id"
      + " JOIN tidemark.plan_databases d ON d.plan_id = r.plan_id AND d.database = r.database";
  /**
   * {@link #RENEW} for many leases at once: the fences travel as four parallel arrays, and a lease is renewed
   * only where owner and token still match. Rows are locked in (plan, database) order, so two daemons'
   * batches never wait on each other crosswise.
   */
  private static final String RENEW_ALL = "WITH held AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[],"
      + "   $5::bigint[]) AS h (plan_id, database, owner, token)),"
      + " locked AS (SELECT l.plan_id, l.database FROM tidemark.leases l JOIN held h ON l.plan_id = h.plan_id"
      + "   AND l.database = h.database AND l.owner = h.owner AND l.fencing_token = h.token"
      + "   ORDER BY l.plan_id, l.database FOR UPDATE OF l),"
      + " renewed AS (UPDATE tidemark.leases l"
      + "   SET expires_at = now() + make_interval(secs => $1::double precision / 1000)"
      + "   FROM locked k WHERE l.plan_id = k.plan_id AND l.database = k.database"
      + "   RETURNING l.plan_id, l.database, l.owner, l.fencing_token)"
      + " SELECT r.plan_id, r.database, r.owner, r.fencing_token, p.state, p.max_rows_per_second,"
      + " p.operator_throttle, d.paused, d.phase"
      + " FROM renewed r JOIN tidemark.plans p ON p.id = r.plan_id"
      + " JOIN tidemark.plan_databases d ON d.plan_id = r.plan_id AND d.database = r.database";
  private static final String RELEASE = "UPDATE tidemark.leases SET expires_at = '-infinity'"
      + " WHERE plan_id = $1 AND database = $2 AND owner = $3 AND fencing_token = $4";

  /**
   * The step's state to running (its attempts counted), the database's current step, and the step's
   * {@code step-started} event, in one statement: one round trip and one commit, not two, for each of the ten
   * steps of each of 1,000 databases. $10..$19: the event.
   */
  private static final String STEP_STARTED = "WITH held AS (SELECT 1 AS x WHERE " + Fence.holds(5) + "),"
      + " s AS (INSERT INTO tidemark.step_states (plan_id, database, step_id, phase, position, state, attempts)"
      + "   SELECT $1, $2, $3, $4, $5, 'running', 1 FROM held"
      + "   ON CONFLICT (plan_id, database, step_id) DO UPDATE SET state = 'running',"
      + "   attempts = tidemark.step_states.attempts + 1, last_error = NULL, sqlstate = NULL, updated_at = now()"
      + "   RETURNING 1),"
      + " d AS (UPDATE tidemark.plan_databases SET current_step = $3, updated_at = now()"
      + "   WHERE plan_id = $1 AND database = $2 AND EXISTS (SELECT 1 FROM held) RETURNING 1)"
      + " INSERT INTO tidemark.events (" + EVENT_COLUMNS + ", fencing_token)"
      + " SELECT $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $9 FROM held";
  /** The step done and its {@code step-done} event, in one statement. $8..$17: the event. */
  private static final String STEP_DONE = "WITH held AS (SELECT 1 AS x WHERE " + Fence.holds(3) + "),"
      + " s AS (UPDATE tidemark.step_states SET state = 'done', updated_at = now()"
      + "   WHERE plan_id = $1 AND database = $2 AND step_id = $3 AND EXISTS (SELECT 1 FROM held) RETURNING 1)"
      + " INSERT INTO tidemark.events (" + EVENT_COLUMNS + ", fencing_token)"
      + " SELECT $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $7 FROM held";
  private static final String STEP_FAILED = "WITH held AS (SELECT 1 AS x WHERE " + Fence.holds(6) + "),"
      + " s AS (UPDATE tidemark.step_states SET state = 'failed', last_error = $4, sqlstate = $5, updated_at = now()"
      + "   WHERE plan_id = $1 AND database = $2 AND step_id = $3 AND EXISTS (SELECT 1 FROM held) RETURNING 1)"
      + " UPDATE tidemark.plan_databases SET state = 'failed', last_error = $4, updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2 AND phase = $6 AND EXISTS (SELECT 1 FROM held)";
  private static final String DATABASE_DONE = "UPDATE tidemark.plan_databases"
      + " SET state = 'done', current_step = NULL, last_error = NULL, updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2 AND phase = $3 AND state = 'running' AND " + Fence.holds(3);
  private static final String DATABASE_RELEASED = "UPDATE tidemark.plan_databases SET state = 'pending',"
      + " updated_at = now() WHERE plan_id = $1 AND database = $2 AND phase = $3 AND state = 'running'"
      + " AND " + Fence.holds(3);

  private final Pool pool;
  private final CompiledPlans compiled = new CompiledPlans();

  public ControlStore(Pool pool) {
    this.pool = pool;
  }

  /** The paged, aggregate and retention statements that stay cheap at fleet size. */
  public PlanPages pages() {
    return new PlanPages(pool, compiled);
  }

  /** Brings the control schema to {@link #SCHEMA_VERSION}; returns the version found before. */
  public Future<Integer> migrate() {
    return ControlSchema.migrate(pool);
  }

  /** The control-schema version the state database is at (0 when there is none yet). */
  public Future<Integer> schemaVersion() {
    return ControlSchema.version(pool);
  }

  public Future<Optional<PlanRecord>> plan(String id) {
    return compiled.first(pool, PLAN, known -> Tuple.tuple().addArrayOfString(known).addString(id));
  }

  /** Every plan, oldest first; an undecodable one is listed too (its record says why). */
  public Future<List<PlanRecord>> plans() {
    return pool.query(PLANS).execute().map(rs -> Rows.all(rs, Rows::plan));
  }

  /** Plans not yet completed, cancelled or rolled back: what the runner visits. */
  public Future<List<PlanRecord>> unfinished() {
    return compiled.all(pool, UNFINISHED, known -> Tuple.tuple().addArrayOfString(known).addArrayOfString(TERMINAL));
  }

  public Future<List<DatabaseRecord>> databases(String planId) {
    return databases(pool, planId);
  }

  public Future<List<StepRecord>> steps(String planId) {
    return pool.preparedQuery(STEPS).execute(Tuple.of(planId)).map(rs -> Rows.all(rs, Rows::step));
  }

  /**
   * The step records of one database of a plan: what its driver reads when it starts. Not {@link #steps(String)}
   * filtered: at 1,000 databases that read all 10,000 rows of the plan for each of its 3,000 drives.
   */
  public Future<List<StepRecord>> steps(String planId, String database) {
    return pages().steps(planId, List.of(database));
  }

  /** Events of a plan after {@code afterId}, oldest first, at most {@code limit}. */
  public Future<List<EventRecord>> events(String planId, long afterId, int limit) {
    return pool.preparedQuery(EVENTS).execute(Tuple.of(planId, afterId, limit)).map(rs -> Rows.all(rs, Rows::event));
  }

  /** Appends an event outside any decision (a failed hook). */
  public Future<Void> append(NewEvent e) {
    return append(pool, e);
  }

  /** Runs {@code work} in one transaction on the state database: committed when its future succeeds. */
  public <T> Future<T> transaction(Function<Tx, Future<T>> work) {
    return pool.withTransaction(conn -> work.apply(new Tx(conn, compiled)));
  }

  /**
   * Extends the lease and reads what its driver must react to (pause, cancel, rollback, throttle); empty when
   * the lease was lost.
   */
  public Future<Optional<LeaseStatus>> renew(Fence f, Duration duration) {
    return pool.preparedQuery(RENEW).execute(Tuple.of(duration.toMillis(), f.planId(), f.database(), f.owner(),
        f.token())).map(rs -> Rows.first(rs, Rows::leaseStatus));
  }

  /**
   * {@link #renew} for every lease in {@code fences}, in one statement: what each still-held lease's driver
   * must react to, by fence. A fence missing from the answer lost its lease. One statement per heartbeat for a
   * whole daemon, rather than one per driver: at 150 drivers the per-driver renewals alone kept the control
   * store busy.
   */
  public Future<Map<Fence, LeaseStatus>> renewAll(List<Fence> fences, Duration duration) {
    if (fences.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Tuple args = Tuple.of(duration.toMillis())
        .addArrayOfString(fences.stream().map(Fence::planId).toArray(String[]::new))
        .addArrayOfString(fences.stream().map(Fence::database).toArray(String[]::new))
        .addArrayOfString(fences.stream().map(Fence::owner).toArray(String[]::new))
        .addArrayOfLong(fences.stream().map(Fence::token).toArray(Long[]::new));
    return pool.preparedQuery(RENEW_ALL).execute(args).map(rs -> {
      Map<Fence, LeaseStatus> renewed = new HashMap<>();
      rs.forEach(r -> renewed.put(new Fence(r.getString("plan_id"), r.getString("database"), r.getString("owner"),
          r.getLong("fencing_token")), Rows.leaseStatus(r)));
      return renewed;
    });
  }

  /** Gives the lease up at once so another daemon (or this one, later) can claim it without waiting. */
  public Future<Void> release(Fence f) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(f.planId(), f.database(), f.owner(), f.token())).mapEmpty();
  }

  /**
   * The lowest free slot of {@code server}'s budget {@code kind} ({@code connection}, {@code backfill}) out of
   * {@code max}, now held by {@code holder} for {@code ttl}; empty when every slot is live. See
   * {@link BudgetClaims} for how two daemons claiming at once stay within {@code max}.
   */
  public Future<Optional<Integer>> claimSlot(String server, String kind, int max, String holder, Duration ttl) {
    return BudgetClaims.claim(pool, server, kind, max, holder, ttl);
  }

  /** Extends every budget slot {@code holder} holds, in one statement; returns how many it still holds. */
  public Future<Integer> renewSlots(String holder, Duration ttl) {
    return BudgetClaims.renew(pool, holder, ttl).map(List::size);
  }

  public Future<Void> releaseSlot(String server, String kind, int slot, String holder) {
    return BudgetClaims.release(pool, server, kind, slot, holder);
  }

  /** Gives up every budget slot of {@code holder} (a clean stop, or a restart under the same instance id). */
  public Future<Void> releaseSlots(String holder) {
    return BudgetClaims.releaseAll(pool, holder);
  }

  /** Live slots of (server, kind) over all daemons on this control store. */
  public Future<Long> liveSlots(String server, String kind) {
    return BudgetClaims.live(pool, server, kind);
  }

  /** Marks the step running under the fence and appends {@code event} (its {@code step-started}), in one statement. */
  public Future<Void> stepStarted(Fence f, RunPhase phase, String stepId, int position, NewEvent event) {
    List<Object> args = f.args(f.planId(), f.database(), stepId, phase.wireName(), position);
    args.addAll(eventArgs(event));
    return fenced(f, STEP_STARTED, args);
  }

  /** Marks the step done under the fence and appends {@code event} (its {@code step-done}), in one statement. */
  public Future<Void> stepDone(Fence f, String stepId, NewEvent event) {
    List<Object> args = f.args(f.planId(), f.database(), stepId);
    args.addAll(eventArgs(event));
    return fenced(f, STEP_DONE, args);
  }

  /** Fails the step and its database (for this phase) with the cause; the plan's state follows in the runner. */
  public Future<Void> stepFailed(Fence f, RunPhase phase, String stepId, String error, String sqlState) {
    return fenced(f, STEP_FAILED, f.args(f.planId(), f.database(), stepId, error, sqlState, phase.wireName()));
  }

  public Future<Void> databaseDone(Fence f, RunPhase phase) {
    return fenced(f, DATABASE_DONE, f.args(f.planId(), f.database(), phase.wireName()));
  }

  /**
   * Hands a database back to the scheduler ({@code running → pending}) when its driver stops early. Changes
   * nothing, and does not fail, when the database already left {@code running} (an operator's rollback).
   */
  public Future<Void> databaseReleased(Fence f, RunPhase phase) {
    return pool.preparedQuery(DATABASE_RELEASED).execute(Tuple.from(f.args(f.planId(), f.database(),
        phase.wireName()))).mapEmpty();
  }

  /** Appends under {@code fence}; fails with {@link LeaseLostException} when the lease is gone. */
  public Future<Void> appendFenced(Fence f, NewEvent e) {
    return appendFenced(pool, f, e);
  }

  private Future<Void> fenced(Fence f, String sql, List<Object> args) {
    return pool.preparedQuery(sql).execute(Tuple.from(args))
        .compose(rs -> rs.rowCount() > 0 ? Future.succeededFuture() : Future.failedFuture(new LeaseLostException(f)));
  }

  private static Future<List<DatabaseRecord>> databases(SqlClient c, String planId) {
    return c.preparedQuery(DATABASES).execute(Tuple.of(planId)).map(rs -> Rows.all(rs, Rows::database));
  }

  private static Future<Void> append(SqlClient c, NewEvent e) {
    return c.preparedQuery(APPEND).execute(Tuple.from(eventArgs(e))).mapEmpty();
  }

  private static Future<Void> appendFenced(SqlClient c, Fence f, NewEvent e) {
    return c.preparedQuery(APPEND_FENCED).execute(Tuple.from(f.args(eventArgs(e).toArray())))
        .compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture() : Future.failedFuture(new LeaseLostException(f)));
  }

  private static List<Object> eventArgs(NewEvent e) {
    return java.util.Arrays.asList(e.planId(), e.database(), e.stepId(), e.actor(), e.kind(), e.statement(),
        e.durationMillis(), e.outcome(), e.sqlState(), e.message());
  }

  /**
   * One transaction on the state database. Decisions lock the plan's row first ({@link #lockPlan}): that row
   * is the serialisation point of every daemon and operator deciding about the plan. Not thread-safe; used
   * on the context that opened it, until its future completes.
   */
  public static final class Tx {
    private final SqlConnection conn;
    private final CompiledPlans compiled;

    private Tx(SqlConnection conn, CompiledPlans compiled) {
      this.conn = conn;
      this.compiled = compiled;
    }

    /** The plan row locked until the end of the transaction. */
    public Future<Optional<PlanRecord>> lockPlan(String id) {
      return compiled.first(conn, PLAN_FOR_UPDATE, known -> Tuple.tuple().addArrayOfString(known).addString(id));
    }

    public Future<List<DatabaseRecord>> databases(String planId) {
      return ControlStore.databases(conn, planId);
    }

    /**
     * The plan's databases not yet done in its current phase, in rollout order: what a decision needs (see
     * {@code Rollout.claimable}), without reading every done database after each drive of a large fleet.
     */
    public Future<List<DatabaseRecord>> unfinishedDatabases(String planId) {
      return conn.preparedQuery(UNFINISHED_DATABASES).execute(Tuple.of(planId)).map(rs -> Rows.all(rs, Rows::database));
    }

    /** Whether any step of the plan ever started on any database. */
    public Future<Boolean> anyStepStarted(String planId) {
      return conn.preparedQuery(ANY_STEP_STARTED).execute(Tuple.of(planId))
          .map(rs -> rs.iterator().next().getBoolean("started"));
    }

    /** Stores a new plan, {@code submitted}, with each of its databases {@code pending} in expand. */
    public Future<Void> insertPlan(CompiledPlan plan, String planText, String actor) {
      Future<?> chain = conn.preparedQuery(INSERT_PLAN).execute(Tuple.of(plan.id(), plan.contentHash(), planText,
          PlanCodec.encode(plan), actor));
      for (int i = 0; i < plan.databases().size(); i++) {
        Tuple row = Tuple.of(plan.id(), plan.databases().get(i), i);
        chain = chain.compose(v -> conn.preparedQuery(INSERT_DATABASE).execute(row));
      }
      return chain.mapEmpty();
    }

    /**
     * Applies {@code t} (from {@link PlanLifecycle}) to the locked {@code plan}: its state, phase and resume
     * state, its error ({@code error} when given; a transition into a running or waiting state clears the old
     * one, pause, cancel and failed keep it), what it awaits approval for ({@code awaiting}, only when the
     * target is {@code awaiting-approval}), and the database reset the transition asks for.
     */
    public Future<PlanLifecycle.Resolved> apply(PlanRecord plan, PlanLifecycle.Transition t, String error,
        String awaiting) {
      PlanLifecycle.Resolved to = PlanLifecycle.resolve(plan, t);
      boolean clears = to.state() != PlanState.PAUSED && to.state() != PlanState.CANCELLED
          && to.state() != PlanState.FAILED;
      String awaits = to.state() == PlanState.AWAITING_APPROVAL ? awaiting : null;
      Tuple args = Tuple.from(java.util.Arrays.asList(plan.id(), to.state().wireName(), to.phase().wireName(),
          to.resumeState().map(PlanState::wireName).orElse(null), error, clears, awaits));
      return conn.preparedQuery(TRANSITION).execute(args)
          .compose(v -> t.reset() == PlanLifecycle.DatabaseReset.RESET
              ? conn.preparedQuery(RESET_DATABASES).execute(Tuple.of(plan.id(), to.phase().wireName())).mapEmpty()
              : Future.succeededFuture())
          .map(to);
    }

    /** Fails one database before it started (preflight found problems), with the cause. */
    public Future<Void> failDatabase(String planId, String database, String cause) {
      return conn.preparedQuery(FAIL_DATABASE).execute(Tuple.of(planId, database, cause)).mapEmpty();
    }

    /** Pauses or resumes one database alone; its driver notices at its next heartbeat. */
    public Future<Void> setPaused(String planId, String database, boolean paused) {
      return conn.preparedQuery(SET_PAUSED).execute(Tuple.of(planId, database, paused)).mapEmpty();
    }

    public Future<Void> approved(String planId, String actor) {
      return conn.preparedQuery(APPROVED).execute(Tuple.of(planId, actor)).mapEmpty();
    }

    /** Puts a failed database and its failed steps back to {@code pending}, to run the failed step again. */
    public Future<Void> retryDatabase(String planId, String database) {
      return conn.preparedQuery(RETRY_DATABASE).execute(Tuple.of(planId, database))
          .compose(v -> conn.preparedQuery(RETRY_STEPS).execute(Tuple.of(planId, database)))
          .mapEmpty();
    }

    /**
     * Sets the runtime throttle overrides: {@code maxRowsPerSecond} when {@code setRate} (null removes the
     * override), {@code operatorThrottle} when not null.
     */
    public Future<Void> throttle(String planId, boolean setRate, Long maxRowsPerSecond, Boolean operatorThrottle) {
      return conn.preparedQuery(THROTTLE).execute(Tuple.of(planId, setRate, maxRowsPerSecond, operatorThrottle))
          .mapEmpty();
    }

    /**
     * Claims (plan, database) for {@code owner} when nobody holds it, its lease expired, or {@code owner}
     * holds it already (a restart of the same instance), bumping the fencing token so every write of a
     * previous holder is refused from then on; marks the database {@code running} and logs the claim. Empty
     * when another live daemon holds it. Leases are timed by the state database's clock only.
     */
    public Future<Optional<Fence>> claim(String planId, String database, String owner, Duration duration) {
      return conn.preparedQuery(CLAIM).execute(Tuple.of(planId, database, owner, duration.toMillis()))
          .map(rs -> Rows.first(rs, r -> new Fence(planId, database, owner, r.getLong("fencing_token"))))
          .compose(f -> f.isEmpty() ? Future.succeededFuture(f) : markRunning(f.get()).map(f));
    }

    private Future<Void> markRunning(Fence f) {
      return conn.preparedQuery(MARK_RUNNING).execute(Tuple.of(f.planId(), f.database()))
          .compose(v -> appendFenced(conn, f, NewEvent.work(f.planId(), f.database(), null, f.owner(),
              "lease-acquired", "token " + f.token())));
    }

    public Future<Void> append(NewEvent e) {
      return ControlStore.append(conn, e);
    }
  }
}
