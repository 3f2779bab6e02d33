package io.tidemark.daemon.ops;

import io.tidemark.pg.SqlStates;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.DatabaseState;
import io.tidemark.daemon.store.EventRecord;
import io.tidemark.daemon.store.NewEvent;
import io.tidemark.daemon.store.PlanEvent;
import io.tidemark.daemon.store.PlanLifecycle;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.planner.CompiledPlan;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The operator actions of docs/operator-guide.md as a Java API (the HTTP layer and tests call it). Each action is one
 * transaction on the state database that locks the plan's row, asks {@link PlanLifecycle} (the transition
 * table the runner uses too) whether the action is allowed in the plan's state, applies it through the
 * {@link ControlStore} and appends an event naming the actor; then the runner is nudged so a local driver reacts
 * at once (drivers on other daemons react at their next heartbeat). Actions never touch a target database:
 * a pause lands when the driver reaches its next batch boundary. Futures complete on the caller's context
 * when it has one. Not retried: a failed future means the state database could not be reached.
 */
public final class PlanOperations {
  private final ControlStore store;
  private final Consumer<String> nudge;

  /** {@code nudge} is told the id of every plan an action changed (the runner's {@code nudge}). */
  public PlanOperations(ControlStore store, Consumer<String> nudge) {
    this.store = store;
    this.nudge = nudge;
  }

  /**
   * Stores a compiled plan to run. The same id with the same content hash is a no-op answering
   * {@code created = false}; the same id with other content is a conflict.
   */
  public Future<ActionResult<SubmitReceipt>> submit(CompiledPlan plan, String planText, String actor) {
    return store.transaction(tx -> submit(tx, plan, planText, actor))
        .recover(e -> isDuplicate(e)
            ? store.transaction(tx -> submit(tx, plan, planText, actor)) // lost a race with a twin submit
            : Future.failedFuture(e))
        .onSuccess(r -> nudge.accept(plan.id()));
  }

  public Future<ActionResult<PlanState>> pause(String planId, Optional<String> database, String actor) {
    if (database.isPresent()) {
      return onDatabase(planId, database.get(), actor, "pause",
          (tx, plan) -> setPaused(tx, plan, database.get(), true));
    }
    return onPlan(planId, actor, "pause", (tx, plan, dbs) -> fire(tx, plan, PlanEvent.PAUSE, "pause"));
  }

  public Future<ActionResult<PlanState>> resume(String planId, Optional<String> database, String actor) {
    if (database.isPresent()) {
      return onDatabase(planId, database.get(), actor, "resume",
          (tx, plan) -> setPaused(tx, plan, database.get(), false));
    }
    return onPlan(planId, actor, "resume", (tx, plan, dbs) -> fire(tx, plan, PlanEvent.RESUME, "resume"));
  }

  public Future<ActionResult<PlanState>> cancel(String planId, String actor) {
    return onPlan(planId, actor, "cancel", (tx, plan, dbs) -> fire(tx, plan, PlanEvent.CANCEL, "cancel"));
  }

  /**
   * Lets a plan waiting for approval go on: its first step when it waits before expand (raw SQL under
   * {@code tidemark.policy.raw-sql-approval = required}), its contract phase when it waits after migrate.
   */
  public Future<ActionResult<PlanState>> approve(String planId, String actor) {
    return onPlan(planId, actor, "approve", (tx, plan, dbs) -> PlanLifecycle.on(plan, PlanEvent.APPROVE).isPresent()
        ? tx.approved(planId, actor).compose(v -> fire(tx, plan, PlanEvent.APPROVE, "approve"))
        : conflict(plan, "approve"));
  }

  /**
   * Undoes the expand (and migrate) steps run so far, in reverse order, on every database. Only before
   * contract starts; a plan whose executed steps include an irreversible one fails its rollback on the
   * databases concerned, naming the step.
   */
  public Future<ActionResult<PlanState>> rollback(String planId, String actor) {
    return onPlan(planId, actor, "rollback", (tx, plan, dbs) -> fire(tx, plan, PlanEvent.ROLLBACK, "roll back"));
  }

  /**
   * Runs the failed step again on the failed databases (or only {@code database}); the plan leaves failed
   * when none is left failed. When no step of the plan ever started (preflight failed), the whole plan goes
   * back to {@code submitted} instead, so preflight runs again before anything else.
   */
  public Future<ActionResult<PlanState>> retry(String planId, Optional<String> database, String actor) {
    return onPlan(planId, actor, "retry", (tx, plan, dbs) -> retry(tx, plan, dbs, database));
  }

  public Future<ActionResult<PlanState>> throttle(String planId, ThrottleChange change, String actor) {
    return onPlan(planId, actor, "throttle", (tx, plan, dbs) -> plan.state().isTerminal()
        ? conflict(plan, "throttle")
        : tx.throttle(planId, change.maxRowsPerSecond().isPresent(),
                change.maxRowsPerSecond().isPresent() ? change.maxRowsPerSecond().getAsLong() : null,
                change.operatorThrottle().orElse(null))
            .map(v -> done(plan.state())));
  }

  public Future<Optional<PlanView>> plan(String planId) {
    return store.plan(planId).compose(p -> p.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : store.databases(planId).compose(dbs -> store.steps(planId)
            .map(steps -> Optional.of(new PlanView(p.get(), dbs, steps)))));
  }

  /** Every plan, including one this daemon cannot decode (its record says why). */
  public Future<List<PlanRecord>> plans() {
    return store.plans();
  }

  /** The plan's events after {@code afterId}, oldest first, at most {@code limit}. */
  public Future<List<EventRecord>> events(String planId, long afterId, int limit) {
    return store.events(planId, afterId, limit);
  }

  private Future<ActionResult<SubmitReceipt>> submit(ControlStore.Tx tx, CompiledPlan plan, String text, String actor) {
    return tx.lockPlan(plan.id()).compose(existing -> existing.isPresent()
        ? resubmitted(tx, existing.get(), plan, actor)
        : insert(tx, plan, text, actor));
  }

  private Future<ActionResult<SubmitReceipt>> resubmitted(ControlStore.Tx tx, PlanRecord existing, CompiledPlan plan,
      String actor) {
    if (!existing.contentHash().equals(plan.contentHash())) {
      return Future.succeededFuture(new ActionResult.Conflict<>(plan.id(), existing.state().wireName(),
          "plan " + plan.id() + " was submitted with other content (" + existing.contentHash() + ")"));
    }
    return tx.append(NewEvent.action(plan.id(), null, actor, "resubmit", "same content: no-op"))
        .map(v -> new ActionResult.Done<>(new SubmitReceipt(plan.id(), plan.contentHash(), false)));
  }

  private Future<ActionResult<SubmitReceipt>> insert(ControlStore.Tx tx, CompiledPlan plan, String text, String actor) {
    return tx.insertPlan(plan, text, actor)
        .compose(v -> tx.append(NewEvent.action(plan.id(), null, actor, "submit", plan.contentHash())))
        .map(v -> new ActionResult.Done<>(new SubmitReceipt(plan.id(), plan.contentHash(), true)));
  }

  private Future<ActionResult<PlanState>> retry(ControlStore.Tx tx, PlanRecord plan, List<DatabaseRecord> dbs,
      Optional<String> only) {
    if (only.isPresent() && dbs.stream().noneMatch(d -> d.database().equals(only.get()))) {
      return Future.succeededFuture(new ActionResult.NotFound<>(plan.id(), only.get()));
    }
    List<String> failed = dbs.stream().filter(d -> d.state() == DatabaseState.FAILED)
        .map(DatabaseRecord::database).filter(d -> only.isEmpty() || only.get().equals(d)).toList();
    if (failed.isEmpty() || plan.state().isTerminal()) {
      return conflict(plan, "retry (no failed database)");
    }
    if (plan.state() != PlanState.FAILED) {
      return retryDatabases(tx, plan, failed).map(v -> done(plan.state()));
    }
    return tx.anyStepStarted(plan.id()).compose(started -> started
        ? retryStarted(tx, plan, dbs, failed)
        : fire(tx, plan, PlanEvent.RETRY_BEFORE_FIRST_STEP, "retry"));
  }

  /** The plan leaves failed once no database is failed any more; until then it stays failed. */
  private Future<ActionResult<PlanState>> retryStarted(ControlStore.Tx tx, PlanRecord plan, List<DatabaseRecord> dbs,
      List<String> failed) {
    long stillFailed = dbs.stream().filter(d -> d.state() == DatabaseState.FAILED).count() - failed.size();
    return retryDatabases(tx, plan, failed)
        .compose(v -> stillFailed == 0 ? fire(tx, plan, PlanEvent.RETRY, "retry")
            : Future.succeededFuture(done(plan.state())));
  }

  private static Future<Void> retryDatabases(ControlStore.Tx tx, PlanRecord plan, List<String> failed) {
    Future<Void> chain = Future.succeededFuture();
    for (String db : failed) {
      chain = chain.compose(v -> tx.retryDatabase(plan.id(), db));
    }
    return chain;
  }

  /** Applies the operator's {@code event} through the transition table; a conflict when it does not allow it. */
  private static Future<ActionResult<PlanState>> fire(ControlStore.Tx tx, PlanRecord plan, PlanEvent event,
      String action) {
    Optional<PlanLifecycle.Transition> t = PlanLifecycle.on(plan, event);
    return t.isEmpty() ? conflict(plan, action)
        : tx.apply(plan, t.get(), null, null).map(to -> done(to.state()));
  }

  private static Future<ActionResult<PlanState>> setPaused(ControlStore.Tx tx, PlanRecord plan, String database,
      boolean paused) {
    if (plan.state().isTerminal()) {
      return conflict(plan, paused ? "pause" : "resume");
    }
    return tx.setPaused(plan.id(), database, paused).map(v -> done(plan.state()));
  }

  /** An action on one plan: lock it, decide, and record the action as an event when it was done. */
  private Future<ActionResult<PlanState>> onPlan(String planId, String actor, String kind, Action action) {
    return onPlan(planId, null, actor, kind, action);
  }

  private Future<ActionResult<PlanState>> onDatabase(String planId, String database, String actor, String kind,
      DatabaseAction action) {
    return onPlan(planId, database, actor, kind, (tx, plan, dbs) -> hasDatabase(dbs, database)
        ? action.apply(tx, plan)
        : Future.succeededFuture(new ActionResult.NotFound<>(planId, database)));
  }

  private static boolean hasDatabase(List<DatabaseRecord> dbs, String database) {
    return dbs.stream().anyMatch(d -> d.database().equals(database));
  }

  private Future<ActionResult<PlanState>> onPlan(String planId, String database, String actor, String kind,
      Action action) {
    return store.transaction(tx -> tx.lockPlan(planId).compose(plan -> plan.isEmpty()
            ? Future.succeededFuture(new ActionResult.NotFound<PlanState>(planId, null))
            : tx.databases(planId)
                .compose(dbs -> action.apply(tx, plan.get(), dbs))
                .compose(r -> recorded(tx, planId, database, actor, kind, plan.get(), r))))
        .onSuccess(r -> nudge.accept(planId));
  }

  private Future<ActionResult<PlanState>> recorded(ControlStore.Tx tx, String planId, String database, String actor,
      String kind, PlanRecord before, ActionResult<PlanState> result) {
    if (!(result instanceof ActionResult.Done<PlanState> done)) {
      return Future.succeededFuture(result);
    }
    String message = before.state().wireName() + " -> " + done.value().wireName();
    return tx.append(NewEvent.action(planId, database, actor, kind, message)).map(result);
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
    Future<ActionResult<PlanState>> apply(ControlStore.Tx tx, PlanRecord plan, List<DatabaseRecord> dbs);
  }

  @FunctionalInterface
  private interface DatabaseAction {
    Future<ActionResult<PlanState>> apply(ControlStore.Tx tx, PlanRecord plan);
  }
}
