package io.tidemark.daemon.runner;

import io.tidemark.config.DaemonSettings;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Defaults;
import io.tidemark.daemon.lease.LeaseStatus;
import io.tidemark.daemon.lease.Leases;
import io.tidemark.daemon.store.EventLog;
import io.tidemark.daemon.store.Fence;
import io.tidemark.daemon.store.LeaseLostException;
import io.tidemark.daemon.store.NewEvent;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.daemon.store.PlanStore;
import io.tidemark.daemon.store.ProgressWrites;
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
 * fence, and renews the lease on a heartbeat that also notices pause, cancel, rollback and throttle changes.
 * Stops at the next step or batch boundary when asked. Runs on the runner's context; one instance per
 * (plan, database, phase) claim.
 */
final class DatabaseDriver {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseDriver.class);

  /** How a drive ended: the phase done here, the database failed, stopped early, or the lease lost. */
  enum End { DONE, FAILED, STOPPED, LOST }

  private final Vertx vertx;
  private final Pool state;
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
  private long heartbeat = -1;

  DatabaseDriver(Vertx vertx, Pool state, Pool target, DatabaseConfig database, Defaults defaults,
      DaemonSettings settings, PlanRecord plan, Fence fence, StepRunner runner) {
    this.vertx = vertx;
    this.state = state;
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

  /** Asks the driver to stop at its next boundary (shutdown, or an operator action seen locally). */
  void requestStop(String reason) {
    stop.request(reason);
  }

  /** Renews the lease now instead of at the next heartbeat, to notice an operator action at once. */
  void nudge() {
    beat();
  }

  Future<End> run() {
    heartbeat = vertx.setPeriodic(settings.heartbeatInterval().toMillis(), id -> beat());
    return retrying("prepare target", () -> TargetRecords.ensure(target))
        .compose(v -> PlanStore.steps(state, plan.id()))
        .compose(this::runSteps)
        .recover(this::ended)
        .compose(this::release)
        .eventually(() -> Future.succeededFuture(vertx.cancelTimer(heartbeat)));
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
    return ProgressWrites.stepStarted(state, fence, phase, k.key(), k.position())
        .compose(v -> event(k.key(), "step-started", k.step().description()))
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
    return ProgressWrites.stepDone(state, fence, k.key())
        .compose(v -> EventLog.appendFenced(state, fence, work(k.key(), "step-done", note)
            .withStatement(null, millis, "ok", null)))
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
      return EventLog.appendFenced(state, fence, work(k.key(), "step-retry", String.valueOf(e.getMessage()))
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
    return ProgressWrites.stepFailed(state, fence, phase, stepKey, message, sqlState)
        .compose(v -> EventLog.appendFenced(state, fence, work(stepKey, "step-failed", message)
            .withOutcome("error", sqlState, message)))
        .map(End.FAILED);
  }

  private Future<End> finishPhase() {
    return retrying("record applied plan",
            () -> TargetRecords.record(target, plan.id(), plan.contentHash(), phase))
        .compose(v -> ProgressWrites.databaseDone(state, fence, phase))
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
      return fail("prepare", String.valueOf(e.getMessage()), Faults.sqlState(e)).otherwise(End.STOPPED);
    }
    try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
      LOG.warn("plan {} database {}: stopping after {}", plan.id(), fence.database(), e.toString());
    }
    return Future.succeededFuture(End.STOPPED);
  }

  private Future<End> release(End end) {
    if (end == End.LOST) {
      return Future.succeededFuture(end);
    }
    Future<Void> handBack = end == End.STOPPED
        ? ProgressWrites.databaseReleased(state, fence, phase) : Future.succeededFuture();
    return handBack.compose(v -> Leases.release(state, fence))
        .otherwise(x -> null)
        .map(end);
  }

  private StepContext context(String stepKey) {
    return new StepContext(vertx, plan.id(), database, target, defaults, stop, () -> throttle,
        (sql, millis, outcome, sqlState, message) -> EventLog.appendFenced(state, fence,
            work(stepKey, "statement", message).withStatement(sql, millis, outcome, sqlState)));
  }

  private Future<Void> event(String stepKey, String kind, String message) {
    return EventLog.appendFenced(state, fence, work(stepKey, kind, message));
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

  private void beat() {
    Leases.renew(state, fence, settings.leaseDuration()).onComplete(ar -> {
      if (ar.succeeded()) {
        renewed(ar.result());
      } else if (System.currentTimeMillis() - lastRenewed > settings.leaseDuration().toMillis()) {
        lost = true;
        stop.request("lease expired: state database unreachable");
      }
    });
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
    boolean planDriving = s.planState() == PlanState.running(phase) || s.planState() == PlanState.FAILED;
    if (!planDriving) {
      stop.request("plan is " + s.planState().wireName());
    } else if (!s.databasePhase().equals(phase.wireName())) {
      stop.request("database moved to " + s.databasePhase());
    } else if (s.databasePaused()) {
      stop.request("database paused");
    }
  }
}
