package io.tidemark.daemon.ops;

import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.DatabaseState;
import io.tidemark.daemon.store.EventLog;
import io.tidemark.daemon.store.EventRecord;
import io.tidemark.daemon.store.NewEvent;
import io.tidemark.daemon.store.PlanCodec;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.daemon.store.PlanStore;
import io.tidemark.daemon.store.RunPhase;
import io.tidemark.pg.SqlStates;
import io.tidemark.planner.CompiledPlan;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The operator actions of SPEC §9 as a Java API (the HTTP layer and tests call it). Each action is one
 * transaction on the state database that locks the plan's row, checks the action is allowed in the plan's
 * state, changes it and appends an event naming the actor; then the runner is nudged so a local driver reacts
 * at once (drivers on other daemons react at their next heartbeat). Actions never touch a target database:
 * a pause lands when the driver reaches its next batch boundary. Futures complete on the caller's context
 * when it has one. Not retried: a failed future means the state database could not be reached.
 */
public final class PlanOperations {
  private static final Set<PlanState> PAUSABLE = EnumSet.of(PlanState.SUBMITTED, PlanState.EXPANDING,
      PlanState.MIGRATING, PlanState.CONTRACTING, PlanState.ROLLING_BACK, PlanState.FAILED);
  private static final Set<PlanState> ROLLBACKABLE = EnumSet.of(PlanState.SUBMITTED, PlanState.EXPANDING,
      PlanState.MIGRATING, PlanState.AWAITING_APPROVAL, PlanState.FAILED, PlanState.PAUSED);

  private static final String INSERT_PLAN = "INSERT INTO tidemark.plans (id, content_hash, plan_text, compiled,"
      + " submitted_by, state, phase) VALUES ($1, $2, $3, $4, $5, 'submitted', 'expand')";
  private static final String INSERT_DATABASE = "INSERT INTO tidemark.plan_databases (plan_id, database, position,"
      + " phase, state) VALUES ($1, $2, $3, 'expand', 'pending')";
  private static final String SET_STATE = "UPDATE tidemark.plans SET state = $2, resume_state = $3,"
      + " updated_at = now() WHERE id = $1";
  private static final String SET_PAUSED = "UPDATE tidemark.plan_databases SET paused = $3, updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2";
  private static final String START_PHASE = "UPDATE tidemark.plans SET state = $2, phase = $3, resume_state = NULL,"
      + " last_error = NULL, updated_at = now() WHERE id = $1";
  private static final String RESET_DATABASES = "UPDATE tidemark.plan_databases SET phase = $2, state = 'pending',"
      + " current_step = NULL, paused = false, last_error = NULL, updated_at = now() WHERE plan_id = $1";
  private static final String APPROVED = "UPDATE tidemark.plans SET approved_by = $2, approved_at = now()"
      + " WHERE id = $1";
  private static final String RETRY_DATABASE = "UPDATE tidemark.plan_databases SET state = 'pending',"
      + " last_error = NULL, updated_at = now() WHERE plan_id = $1 AND database = $2 AND state = 'failed'";
  private static final String RETRY_STEPS = "UPDATE tidemark.step_states SET state = 'pending', updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2 AND state = 'failed'";
  private static final String THROTTLE = "UPDATE tidemark.plans SET"
      + " max_rows_per_second = CASE WHEN $2 THEN $3 ELSE max_rows_per_second END,"
      + " operator_throttle = coalesce($4, operator_throttle), updated_at = now() WHERE id = $1";

  private final Pool state;
  private final Consumer<String> nudge;

  /** {@code nudge} is told the id of every plan an action changed (the runner's {@code nudge}). */
  public PlanOperations(Pool state, Consumer<String> nudge) {
    this.state = state;
    this.nudge = nudge;
  }

  /**
   * Stores a compiled plan to run. The same id with the same content hash is a no-op answering
   * {@code created = false}; the same id with other content is a conflict.
   */
  public Future<ActionResult<SubmitReceipt>> submit(CompiledPlan plan, String planText, String actor) {
    return state.withTransaction(conn -> submit(conn, plan, planText, actor))
        .recover(e -> isDuplicate(e)
            ? state.withTransaction(conn -> submit(conn, plan, planText, actor)) // lost a race with a twin submit
            : Future.failedFuture(e))
        .onSuccess(r -> nudge.accept(plan.id()));
  }

  public Future<ActionResult<PlanState>> pause(String planId, Optional<String> database, String actor) {
    if (database.isPresent()) {
      return onDatabase(planId, database.get(), actor, "pause",
          (conn, plan) -> setPaused(conn, plan, database.get(), true));
    }
    return onPlan(planId, actor, "pause", (conn, plan, dbs) -> PAUSABLE.contains(plan.state())
        ? setState(conn, plan, PlanState.PAUSED, plan.state())
        : conflict(plan, "pause"));
  }

  public Future<ActionResult<PlanState>> resume(String planId, Optional<String> database, String actor) {
    if (database.isPresent()) {
      return onDatabase(planId, database.get(), actor, "resume",
          (conn, plan) -> setPaused(conn, plan, database.get(), false));
    }
    return onPlan(planId, actor, "resume", (conn, plan, dbs) -> plan.state() == PlanState.PAUSED
        ? setState(conn, plan, plan.resumeState().orElse(PlanState.running(plan.phase())), null)
        : conflict(plan, "resume"));
  }

  public Future<ActionResult<PlanState>> cancel(String planId, String actor) {
    return onPlan(planId, actor, "cancel", (conn, plan, dbs) -> plan.state().isTerminal()
        ? conflict(plan, "cancel")
        : setState(conn, plan, PlanState.CANCELLED, null));
  }

  /** Lets a plan waiting for approval start its contract phase. */
  public Future<ActionResult<PlanState>> approve(String planId, String actor) {
    return onPlan(planId, actor, "approve", (conn, plan, dbs) -> plan.state() == PlanState.AWAITING_APPROVAL
        ? conn.preparedQuery(APPROVED).execute(Tuple.of(planId, actor))
            .compose(v -> startPhase(conn, plan, PlanState.CONTRACTING, RunPhase.CONTRACT))
        : conflict(plan, "approve"));
  }

  /**
   * Undoes the expand (and migrate) steps run so far, in reverse order, on every database. Only before
   * contract starts; a plan whose executed steps include an irreversible one fails its rollback on the
   * databases concerned, naming the step.
   */
  public Future<ActionResult<PlanState>> rollback(String planId, String actor) {
    return onPlan(planId, actor, "rollback", (conn, plan, dbs) -> canRollBack(plan)
        ? startPhase(conn, plan, PlanState.ROLLING_BACK, RunPhase.ROLLBACK)
        : conflict(plan, "roll back"));
  }

  /** Runs the failed step again on the failed databases (or only {@code database}); the plan leaves failed. */
  public Future<ActionResult<PlanState>> retry(String planId, Optional<String> database, String actor) {
    return onPlan(planId, actor, "retry", (conn, plan, dbs) -> retry(conn, plan, dbs, database));
  }

  public Future<ActionResult<PlanState>> throttle(String planId, ThrottleChange change, String actor) {
    return onPlan(planId, actor, "throttle", (conn, plan, dbs) -> plan.state().isTerminal()
        ? conflict(plan, "throttle")
        : conn.preparedQuery(THROTTLE).execute(Tuple.of(planId, change.maxRowsPerSecond().isPresent(),
                change.maxRowsPerSecond().isPresent() ? change.maxRowsPerSecond().getAsLong() : null,
                change.operatorThrottle().orElse(null)))
            .map(v -> done(plan.state())));
  }

  public Future<Optional<PlanView>> plan(String planId) {
    return PlanStore.plan(state, planId).compose(p -> p.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : PlanStore.databases(state, planId).compose(dbs -> PlanStore.steps(state, planId)
            .map(steps -> Optional.of(new PlanView(p.get(), dbs, steps)))));
  }

  public Future<List<PlanRecord>> plans() {
    return PlanStore.plans(state);
  }

  /** The paged and aggregate reads that stay cheap at fleet size. */
  public PlanQueries queries() {
    return new PlanQueries(state);
  }

  /** The plan's events after {@code afterId}, oldest first, at most {@code limit}. */
  public Future<List<EventRecord>> events(String planId, long afterId, int limit) {
    return EventLog.read(state, planId, afterId, limit);
  }

  private Future<ActionResult<SubmitReceipt>> submit(SqlConnection conn, CompiledPlan plan, String text, String actor) {
    return PlanStore.lockPlan(conn, plan.id()).compose(existing -> existing.isPresent()
        ? resubmitted(conn, existing.get(), plan, actor)
        : insert(conn, plan, text, actor));
  }

  private Future<ActionResult<SubmitReceipt>> resubmitted(SqlConnection conn, PlanRecord existing, CompiledPlan plan,
      String actor) {
    if (!existing.contentHash().equals(plan.contentHash())) {
      return Future.succeededFuture(new ActionResult.Conflict<>(plan.id(), existing.state().wireName(),
          "plan " + plan.id() + " was submitted with other content (" + existing.contentHash() + ")"));
    }
    return EventLog.append(conn, NewEvent.action(plan.id(), null, actor, "resubmit", "same content: no-op"))
        .map(v -> new ActionResult.Done<>(new SubmitReceipt(plan.id(), plan.contentHash(), false)));
  }

  private Future<ActionResult<SubmitReceipt>> insert(SqlConnection conn, CompiledPlan plan, String text, String actor) {
    Future<?> chain = conn.preparedQuery(INSERT_PLAN).execute(Tuple.of(plan.id(), plan.contentHash(), text,
        PlanCodec.encode(plan), actor));
    for (int i = 0; i < plan.databases().size(); i++) {
      Tuple row = Tuple.of(plan.id(), plan.databases().get(i), i);
      chain = chain.compose(v -> conn.preparedQuery(INSERT_DATABASE).execute(row));
    }
    return chain
        .compose(v -> EventLog.append(conn, NewEvent.action(plan.id(), null, actor, "submit", plan.contentHash())))
        .map(v -> new ActionResult.Done<>(new SubmitReceipt(plan.id(), plan.contentHash(), true)));
  }

  private Future<ActionResult<PlanState>> retry(SqlConnection conn, PlanRecord plan, List<DatabaseRecord> dbs,
      Optional<String> only) {
    if (only.isPresent() && dbs.stream().noneMatch(d -> d.database().equals(only.get()))) {
      return Future.succeededFuture(new ActionResult.NotFound<>(plan.id(), only.get()));
    }
    List<String> failed = dbs.stream().filter(d -> d.state() == DatabaseState.FAILED)
        .map(DatabaseRecord::database).filter(d -> only.isEmpty() || only.get().equals(d)).toList();
    if (failed.isEmpty() || plan.state().isTerminal()) {
      return conflict(plan, "retry (no failed database)");
    }
    long stillFailed = dbs.stream().filter(d -> d.state() == DatabaseState.FAILED).count() - failed.size();
    Future<?> chain = Future.succeededFuture();
    for (String db : failed) {
      chain = chain.compose(v -> conn.preparedQuery(RETRY_DATABASE).execute(Tuple.of(plan.id(), db)))
          .compose(v -> conn.preparedQuery(RETRY_STEPS).execute(Tuple.of(plan.id(), db)));
    }
    if (plan.state() == PlanState.FAILED && stillFailed == 0) {
      return chain.compose(v -> setState(conn, plan, PlanState.running(plan.phase()), null));
    }
    return chain.map(v -> done(plan.state()));
  }

  private static boolean canRollBack(PlanRecord plan) {
    boolean beforeContract = plan.phase() == RunPhase.EXPAND || plan.phase() == RunPhase.MIGRATE;
    boolean pausedBeforeContract = plan.state() != PlanState.PAUSED
        || plan.resumeState().filter(s -> s != PlanState.CONTRACTING).isPresent();
    return beforeContract && ROLLBACKABLE.contains(plan.state()) && pausedBeforeContract;
  }

  private Future<ActionResult<PlanState>> setState(SqlConnection conn, PlanRecord plan, PlanState to,
      PlanState resume) {
    String resumeName = resume == null ? null : resume.wireName();
    return conn.preparedQuery(SET_STATE).execute(Tuple.of(plan.id(), to.wireName(), resumeName))
        .map(v -> done(to));
  }

  private Future<ActionResult<PlanState>> startPhase(SqlConnection conn, PlanRecord plan, PlanState to,
      RunPhase phase) {
    return conn.preparedQuery(START_PHASE).execute(Tuple.of(plan.id(), to.wireName(), phase.wireName()))
        .compose(v -> conn.preparedQuery(RESET_DATABASES).execute(Tuple.of(plan.id(), phase.wireName())))
        .map(v -> done(to));
  }

  private Future<ActionResult<PlanState>> setPaused(SqlConnection conn, PlanRecord plan, String database,
      boolean paused) {
    if (plan.state().isTerminal()) {
      return conflict(plan, paused ? "pause" : "resume");
    }
    return conn.preparedQuery(SET_PAUSED).execute(Tuple.of(plan.id(), database, paused)).map(v -> done(plan.state()));
  }

  /** An action on one plan: lock it, decide, and record the action as an event when it was done. */
  private Future<ActionResult<PlanState>> onPlan(String planId, String actor, String kind, Action action) {
    return onPlan(planId, null, actor, kind, action);
  }

  private Future<ActionResult<PlanState>> onDatabase(String planId, String database, String actor, String kind,
      DatabaseAction action) {
    return onPlan(planId, database, actor, kind, (conn, plan, dbs) -> hasDatabase(dbs, database)
        ? action.apply(conn, plan)
        : Future.succeededFuture(new ActionResult.NotFound<>(planId, database)));
  }

  private static boolean hasDatabase(List<DatabaseRecord> dbs, String database) {
    return dbs.stream().anyMatch(d -> d.database().equals(database));
  }

  private Future<ActionResult<PlanState>> onPlan(String planId, String database, String actor, String kind,
      Action action) {
    return state.withTransaction(conn -> PlanStore.lockPlan(conn, planId).compose(plan -> plan.isEmpty()
            ? Future.succeededFuture(new ActionResult.NotFound<PlanState>(planId, null))
            : PlanStore.databases(conn, planId)
                .compose(dbs -> action.apply(conn, plan.get(), dbs))
                .compose(r -> recorded(conn, planId, database, actor, kind, plan.get(), r))))
        .onSuccess(r -> nudge.accept(planId));
  }

  private Future<ActionResult<PlanState>> recorded(SqlConnection conn, String planId, String database, String actor,
      String kind, PlanRecord before, ActionResult<PlanState> result) {
    if (!(result instanceof ActionResult.Done<PlanState> done)) {
      return Future.succeededFuture(result);
    }
    String message = before.state().wireName() + " -> " + done.value().wireName();
    return EventLog.append(conn, NewEvent.action(planId, database, actor, kind, message)).map(result);
  }

  private static Future<ActionResult<PlanState>> conflict(PlanRecord plan, String action) {
    return Future.succeededFuture(new ActionResult.Conflict<>(plan.id(), plan.state().wireName(),
        "cannot " + action + " plan " + plan.id() + " while it is " + plan.state().wireName()));
  }

  private static ActionResult<PlanState> done(PlanState s) {
    return new ActionResult.Done<>(s);
  }

  private static boolean isDuplicate(Throwable e) {
    return e instanceof PgException pg && SqlStates.UNIQUE_VIOLATION.equals(pg.getSqlState());
  }

  @FunctionalInterface
  private interface Action {
    Future<ActionResult<PlanState>> apply(SqlConnection conn, PlanRecord plan, List<DatabaseRecord> dbs);
  }

  @FunctionalInterface
  private interface DatabaseAction {
    Future<ActionResult<PlanState>> apply(SqlConnection conn, PlanRecord plan);
  }
}
