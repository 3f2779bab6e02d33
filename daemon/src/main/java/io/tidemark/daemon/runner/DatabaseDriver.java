package io.tidemark.daemon.runner;

import io.tidemark.config.DaemonSettings;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Defaults;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.Fence;
import io.tidemark.daemon.store.LeaseLostException;
import io.tidemark.daemon.store.LeaseStatus;
import io.tidemark.daemon.store.NewEvent;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.PlanLifecycle;
import io.tidemark.daemon.store.RunPhase;
import io.tidemark.daemon.store.StepRecord;
import io.tidemark.daemon.store.StepState;
import io.tidemark.daemon.store.TargetRecords;
import io.tidemark.pg.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one database of one plan through one phase while holding its lease: runs the phase's steps in order
 * (skipping those recorded done), retries transient faults with backoff, records progress under the lease's
 * fence, and has its lease renewed by the daemon's one {@link LeaseHeartbeat}, whose answer also tells it of pause,
 * cancel, rollback and throttle changes.
 * Stops at the next step or batch boundary when asked. Runs on the runner's context; one instance per
 * (plan, database, phase) claim.
 */
final class DatabaseDriver {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseDriver.class);

  /** How a drive ended: the phase done here, the database failed, stopped early, or the lease lost. */
  enum End { DONE, FAILED, STOPPED, LOST }

  private final Vertx vertx;
  private final ControlStore store;
  private final Pool target;
  private final DatabaseConfig database;
  private final Defaults defaults;
  private final DaemonSettings settings;
  private final PlanRecord plan;
  private final RunPhase phase;
  private final Fence fence;
  private final StepRunner runner;
  private final StopSignal stop = new StopSignal();
  private volatile RuntimeThrottle throttle;
  private volatile boolean lost;
  private long lastRenewed = System.currentTimeMillis();
  private final LeaseHeartbeat heartbeat;

  DatabaseDriver(Vertx vertx, ControlStore store, Pool target, DatabaseConfig database, Defaults defaults,
      DaemonSettings settings, PlanRecord plan, Fence fence, StepRunner runner, LeaseHeartbeat heartbeat) {
    this.heartbeat = heartbeat;
    this.vertx = vertx;
    this.store = store;
    this.target = target;
    this.database = database;
    this.defaults = defaults;
    this.settings = settings;
    this.plan = plan;
    this.phase = plan.phase();
    this.fence = fence;
    this.runner = runner;
    this.throttle = new RuntimeThrottle(plan.maxRowsPerSecond(), plan.operatorThrottle());
  }

  Fence fence() {
    return fence;
  }

  /** The phase this drive runs. */
  RunPhase phase() {
    return phase;
  }

  /** Asks the driver to stop at its next boundary (shutdown, or an operator action seen locally). */
  void requestStop(String reason) {
    stop.request(reason);
  }

  /** Renews the lease now instead of at the next heartbeat, to notice an operator action at once. */
  void nudge() {
    beat();
  }

  Future<End> run() {
    heartbeat.register(fence, new LeaseHeartbeat.Listener() {
      @Override
      public void renewed(Optional<LeaseStatus> status) {
        DatabaseDriver.this.renewed(status);
      }

      @Override
      public void renewFailed(Throwable cause) {
        DatabaseDriver.this.renewFailed(cause);
      }
    });
    return retrying("prepare target", () -> TargetRecords.ensure(target))
        .compose(v -> store.steps(plan.id(), fence.database()))
        .compose(this::runSteps)
        .recover(this::ended)
        .compose(this::release)
        .eventually(() -> {
          heartbeat.unregister(fence);
          return Future.succeededFuture();
        });
  }

  private Future<End> runSteps(List<StepRecord> recorded) {
    Map<String, StepRecord> byKey = recorded.stream().filter(r -> r.database().equals(fence.database()))
        .collect(Collectors.toMap(StepRecord::stepId, Function.identity()));
    List<PhaseSteps.Keyed> steps;
    try {
      steps = PhaseSteps.of(plan.compiled(), fence.database(), phase, recorded);
    } catch (IllegalStateException irreversible) {
      return fail("rollback", irreversible.getMessage(), null);
    }
    return next(steps, 0, byKey);
  }

  private Future<End> next(List<PhaseSteps.Keyed> steps, int i, Map<String, StepRecord> recorded) {
    if (stop.requested()) {
      return Future.succeededFuture(lost ? End.LOST : End.STOPPED);
    }
    if (i == steps.size()) {
      return finishPhase();
    }
    PhaseSteps.Keyed k = steps.get(i);
    StepRecord r = recorded.get(k.key());
    if (r != null && r.state() == StepState.DONE) {
      return next(steps, i + 1, recorded);
    }
    return runStep(k).compose(end -> end.isPresent()
        ? Future.succeededFuture(end.get())
        : next(steps, i + 1, recorded));
  }

  /** Empty when the step completed and the next one should run. */
  private Future<Optional<End>> runStep(PhaseSteps.Keyed k) {
    return store.stepStarted(fence, phase, k.key(), k.position(), work(k.key(), "step-started", k.step().description()))
        .compose(v -> attempt(k, 1));
  }

  private Future<Optional<End>> attempt(PhaseSteps.Keyed k, int attempt) {
    long start = System.currentTimeMillis();
    return runner.run(k.step(), context(k.key()))
        .compose(outcome -> stepEnded(k, outcome, System.currentTimeMillis() - start),
            e -> stepFailed(k, attempt, e));
  }

  private Future<Optional<End>> stepEnded(PhaseSteps.Keyed k, StepOutcome outcome, long millis) {
    if (outcome instanceof StepOutcome.Stopped) {
      return Future.succeededFuture(Optional.of(End.STOPPED));
    }
    String note = ((StepOutcome.Completed) outcome).alreadyPresent() ? "already present" : null;
    return store.stepDone(fence, k.key(), work(k.key(), "step-done", note).withStatement(null, millis, "ok", null))
        .map(Optional.empty());
  }

  private Future<Optional<End>> stepFailed(PhaseSteps.Keyed k, int attempt, Throwable e) {
    if (e instanceof LeaseLostException) {
      return Future.failedFuture(e);
    }
    String sqlState = Faults.sqlState(e);
    if (Faults.isTransient(e)) {
      if (stop.requested()) {
        return Future.succeededFuture(Optional.of(lost ? End.LOST : End.STOPPED));
      }
      Duration wait = Backoff.of(defaults.ddl()).delayAfter(attempt);
      return store.appendFenced(fence, work(k.key(), "step-retry", String.valueOf(e.getMessage()))
              .withOutcome("retry", sqlState, "attempt " + attempt + ": " + e.getMessage()))
          .compose(v -> vertx.timer(wait.toMillis()))
          .compose(v -> attempt(k, attempt + 1));
    }
    return fail(k.key(), String.valueOf(e.getMessage()), sqlState).map(Optional::of);
  }

  private Future<End> fail(String stepKey, String message, String sqlState) {
    try (WorkLog w = WorkLog.of(plan.id(), fence.database(), stepKey)) {
      LOG.warn("plan {} database {} step {} failed: {}", plan.id(), fence.database(), stepKey, message);
    }
    return store.stepFailed(fence, phase, stepKey, message, sqlState)
        .compose(v -> store.appendFenced(fence, work(stepKey, "step-failed", message)
            .withOutcome("error", sqlState, message)))
        .map(End.FAILED);
  }

  private Future<End> finishPhase() {
    return retrying("record applied plan",
            () -> TargetRecords.record(target, plan.id(), plan.contentHash(), phase))
        .compose(v -> store.databaseDone(fence, phase))
        .compose(v -> event(null, "database-phase-done", phase.wireName()))
        .map(End.DONE);
  }

  private Future<End> ended(Throwable e) {
    if (e instanceof LeaseLostException) {
      try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
        LOG.warn("{}; stopping", e.getMessage());
      }
      return Future.succeededFuture(End.LOST);
    }
    if (!Faults.isTransient(e) && !stop.requested()) {
      // e.g. the target refuses CREATE SCHEMA tidemark: no retry will help, the operator must see it.
      return fail("prepare", String.valueOf(e.getMessage()), Faults.sqlState(e)).recover(this::notRecorded);
    }
    try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
      LOG.warn("plan {} database {}: stopping after {}", plan.id(), fence.database(), e.toString());
    }
    return Future.succeededFuture(End.STOPPED);
  }

  /** The failure could not be recorded (state database unreachable, lease lost): the next claimant redoes it. */
  private Future<End> notRecorded(Throwable e) {
    try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
      LOG.warn("plan {} database {}: failure not recorded, stopping: {}", plan.id(), fence.database(), e.toString());
    }
    return Future.succeededFuture(End.STOPPED);
  }

  /**
   * Hands the database back (when stopped early) and gives the lease up. A failure here is logged, not passed
   * on: the drive is over either way, and an unreleased lease expires after the lease duration, when this or
   * another daemon claims the database again.
   */
  private Future<End> release(End end) {
    if (end == End.LOST) {
      return Future.succeededFuture(end);
    }
    Future<Void> handBack = end == End.STOPPED
        ? store.databaseReleased(fence, phase) : Future.succeededFuture();
    return handBack.compose(v -> store.release(fence))
        .recover(this::releaseFailed)
        .map(end);
  }

  private Future<Void> releaseFailed(Throwable e) {
    try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
      LOG.warn("plan {} database {}: lease not released, it expires in {}: {}", plan.id(), fence.database(),
          settings.leaseDuration(), e.toString());
    }
    return Future.succeededFuture();
  }

  private StepContext context(String stepKey) {
    return new StepContext(vertx, plan.id(), database, target, defaults, stop, () -> throttle,
        (sql, millis, outcome, sqlState, message) -> store.appendFenced(fence,
                work(stepKey, "statement", message).withStatement(sql, millis, outcome, sqlState))
            .onFailure(e -> auditGap(stepKey, e)));
  }

  /**
   * A statement ran but its line is missing from the event log (state database unreachable, or the lease
   * was lost and another daemon drives the database now): the audit trail has a gap, which an operator
   * must be able to find, so WARN, once per missing line. The step itself goes on; its progress writes
   * notice a lost lease.
   */
  private void auditGap(String stepKey, Throwable e) {
    try (WorkLog w = WorkLog.of(plan.id(), fence.database(), stepKey)) {
      LOG.warn("plan {} database {} step {}: statement not written to the event log: {}", plan.id(),
          fence.database(), stepKey, e.toString());
    }
  }

  private Future<Void> event(String stepKey, String kind, String message) {
    return store.appendFenced(fence, work(stepKey, kind, message));
  }

  private NewEvent work(String stepKey, String kind, String message) {
    return NewEvent.work(plan.id(), fence.database(), stepKey, fence.owner(), kind, message);
  }

  /** Retries a target-database action on transient faults until it succeeds or a stop is requested. */
  private Future<Void> retrying(String what, Supplier<Future<Void>> action) {
    return retrying(what, action, 1);
  }

  private Future<Void> retrying(String what, Supplier<Future<Void>> action, int attempt) {
    return action.get().recover(e -> {
      if (!Faults.isTransient(e) || stop.requested()) {
        return Future.failedFuture(e);
      }
      try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
        LOG.info("plan {} database {}: {} failed ({}), retrying", plan.id(), fence.database(), what, e.toString());
      }
      Duration wait = Backoff.of(defaults.ddl()).delayAfter(attempt);
      return vertx.timer(wait.toMillis()).compose(v -> retrying(what, action, attempt + 1));
    });
  }

  /** One renewal of this lease alone, at once (a nudge); the regular ones come from the {@link LeaseHeartbeat}. */
  private void beat() {
    store.renew(fence, settings.leaseDuration()).onComplete(ar -> {
      if (ar.succeeded()) {
        renewed(ar.result());
      } else {
        renewFailed(ar.cause());
      }
    });
  }

  /** One missed heartbeat is survivable; once the lease has run out, the database is no longer ours. */
  private void renewFailed(Throwable e) {
    boolean expired = System.currentTimeMillis() - lastRenewed > settings.leaseDuration().toMillis();
    try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
      LOG.warn("plan {} database {}: lease renewal failed{}: {}", plan.id(), fence.database(),
          expired ? ", lease expired: stopping" : "", e.toString());
    }
    if (expired) {
      lost = true;
      stop.request("lease expired: state database unreachable");
    }
  }

  private void renewed(Optional<LeaseStatus> status) {
    if (status.isEmpty()) {
      lost = true;
      stop.request("lease lost");
      return;
    }
    lastRenewed = System.currentTimeMillis();
    LeaseStatus s = status.get();
    throttle = new RuntimeThrottle(s.maxRowsPerSecond(), s.operatorThrottle());
    if (!PlanLifecycle.keepsDriving(s.planState(), phase)) {
      stop.request("plan is " + s.planState().wireName());
    } else if (!s.databasePhase().equals(phase.wireName())) {
      stop.request("database moved to " + s.databasePhase());
    } else if (s.databasePaused()) {
      stop.request("database paused");
    }
  }
}
