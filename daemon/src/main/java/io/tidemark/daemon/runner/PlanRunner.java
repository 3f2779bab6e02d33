package io.tidemark.daemon.runner;

import io.tidemark.pg.Connector;
import io.tidemark.pg.PgConnections;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.exec.Preflight;
import io.tidemark.daemon.exec.PreflightReport;
import io.tidemark.daemon.hooks.Hooks;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.DatabaseState;
import io.tidemark.daemon.store.Fence;
import io.tidemark.daemon.store.NewEvent;
import io.tidemark.daemon.store.PlanEvent;
import io.tidemark.daemon.store.PlanLifecycle;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.daemon.store.RunPhase;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves every unfinished plan forward, on one Vert.x context (all its state is confined there). Each poll it
 * visits the plans in a transaction that locks the plan's row, so the daemons sharing a state database take
 * turns deciding: it advances the plan when every database finished the phase (the barrier), marks it failed
 * when its rollout stopped on failed databases ({@code rollout.max-failures}), and claims the leases of the databases the rollout lets run now, starting a
 * {@link DatabaseDriver} for each. Every change of the plan's state is a {@link PlanEvent} applied through
 * {@link PlanLifecycle}, the table the operator actions use too. A plan whose stored form this daemon cannot
 * decode is failed, alone; the others keep running. A restarted daemon picks up where the store says the plans are; a daemon
 * that died leaves leases that expire and are claimed here. Stopping stops drivers at their next boundary and
 * releases their leases, abandoning whatever is still running after the shutdown timeout.
 */
public final class PlanRunner extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);
  /** Databases named in a plan's error; the rest are counted (each database's own record has its problem). */
  private static final int NAMED = 10;

  private final TidemarkConfig config;
  private final ControlStore store;
  private final StepRunner steps;
  private final Hooks hooks;
  private final Preflight preflight;
  private final Connector connector;
  private final String instance;
  /** The pool of each running drive, by driver key (see {@link #target}). */
  private final Map<String, Pool> targets = new HashMap<>();
  private final Map<String, Future<Map<String, String>>> preflights = new HashMap<>();
  private final Map<String, DatabaseDriver> drivers = new HashMap<>();
  private final Map<String, Future<DatabaseDriver.End>> driving = new HashMap<>();
  private final Map<String, String> visitFailures = new HashMap<>();
  private String pollFailure;
  private LeaseHeartbeat heartbeat;
  private long poll = -1;
  private boolean ticking;
  private boolean tickAgain;
  private boolean stopping;

  public PlanRunner(TidemarkConfig config, ControlStore store, StepRunner steps, Hooks hooks, Preflight preflight) {
    this(config, store, steps, hooks, preflight, null);
  }

  /** The same, target connections coming from {@code connector} (the daemon's counts them per server). */
  public PlanRunner(TidemarkConfig config, ControlStore store, StepRunner steps, Hooks hooks, Preflight preflight,
      Connector connector) {
    this.connector = connector;
    this.config = config;
    this.store = store;
    this.steps = steps;
    this.hooks = hooks;
    this.preflight = preflight;
    this.instance = config.daemon().instanceId();
  }

  @Override
  public Future<?> start() {
    heartbeat = new LeaseHeartbeat(vertx, store, config.daemon().leaseDuration(), config.daemon().heartbeatInterval());
    heartbeat.start();
    poll = vertx.setPeriodic(0, config.daemon().pollInterval().toMillis(), id -> tick());
    return Future.succeededFuture();
  }

  /** Looks at {@code planId} now rather than at the next poll (an operator just changed it). Any thread. */
  public void nudge(String planId) {
    context.runOnContext(v -> {
      drivers.forEach((key, d) -> {
        if (key.startsWith(planId + "/")) {
          d.nudge();
        }
      });
      tick();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(poll);
    drivers.values().forEach(d -> d.requestStop("daemon shutting down"));
    List<Future<DatabaseDriver.End>> all = new ArrayList<>(driving.values());
    Future<?> drained = Future.join(all);
    return Future.any(drained, vertx.timer(config.daemon().shutdownTimeout().toMillis()))
        .compose(x -> abandonRemaining())
        .andThen(x -> heartbeat.stop())
        .compose(x -> closeTargets());
  }

  private Future<Void> abandonRemaining() {
    List<Future<Void>> releases = new ArrayList<>();
    drivers.forEach((key, d) -> {
      LOG.warn("shutdown timeout: abandoning {} mid-step", key);
      releases.add(release(d.fence(), "abandoned at shutdown"));
    });
    return Future.join(releases).mapEmpty();
  }

  /**
   * Gives a lease up; a failure is logged (the lease then expires on its own after the lease duration, when
   * another daemon may take the database over) and not passed on: the caller is stopping anyway.
   */
  private Future<Void> release(Fence fence, String why) {
    return store.release(fence).recover(e -> {
      try (WorkLog w = WorkLog.of(fence.planId(), fence.database())) {
        LOG.warn("plan {} database {}: lease not released ({}), it expires in {}: {}", fence.planId(),
            fence.database(), why, config.daemon().leaseDuration(), e.toString());
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> closeTargets() {
    List<Future<Void>> closes = targets.values().stream().map(Pool::close).collect(Collectors.toList());
    return Future.join(closes).mapEmpty();
  }

  private void tick() {
    if (stopping) {
      return;
    }
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = true;
    store.unfinished()
        .compose(this::visitAll)
        .onComplete(ar -> ticked(ar.cause()));
  }

  private void ticked(Throwable failure) {
    String now = failure == null ? null : failure.toString();
    if (now != null && !now.equals(pollFailure)) {
      LOG.warn("poll failed (logged again only when the cause changes): {}", now);
    } else if (now == null && pollFailure != null) {
      LOG.info("poll works again");
    }
    pollFailure = now;
    ticking = false;
    if (tickAgain) {
      tickAgain = false;
      tick();
    }
  }

  private Future<Void> visitAll(List<PlanRecord> plans) {
    Set<String> unfinished = plans.stream().map(PlanRecord::id).collect(Collectors.toSet());
    preflights.keySet().retainAll(unfinished);
    Future<Void> chain = Future.succeededFuture();
    for (PlanRecord p : plans) {
      chain = chain.compose(v -> visit(p).onSuccess(x -> visitFailures.remove(p.id()))
          .recover(e -> logVisitFailure(p.id(), e)));
    }
    return chain;
  }

  /**
   * A visit failing again and again (a bug, or a constraint refusing a write) is logged once per cause, with
   * its stack trace, not once per poll; the other plans' visits go on regardless.
   */
  private Future<Void> logVisitFailure(String planId, Throwable e) {
    if (!e.toString().equals(visitFailures.put(planId, e.toString()))) {
      try (WorkLog w = WorkLog.of(planId, null)) {
        LOG.warn("plan {}: visit failed, every poll tries again (logged again only when the cause changes)",
            planId, e);
      }
    }
    return Future.succeededFuture();
  }

  /**
   * A submitted plan is preflighted first (catalog reads on its databases, outside the state transaction).
   * The preflight runs beside the poll, not in it: a database that takes its whole connect timeout to fail
   * must not hold up the other plans' visits. The visit after it ended decides with its result; a visit that
   * ran no preflight never starts a plan (see {@link #decide}). An undecodable plan is failed once and then
   * left alone: nothing of it can run.
   */
  private Future<Void> visit(PlanRecord seen) {
    if (!seen.decoded()) {
      return seen.state() == PlanState.FAILED ? Future.succeededFuture()
          : store.transaction(tx -> failUndecodable(tx, seen.id())).compose(this::act);
    }
    if (seen.state() != PlanState.SUBMITTED) {
      preflights.remove(seen.id());
      return decideAndAct(seen.id(), Optional.empty());
    }
    Future<Map<String, String>> checked = preflights.get(seen.id());
    if (checked == null) {
      preflights.put(seen.id(), preflight(seen).onComplete(ar -> context.runOnContext(v -> tick())));
      return Future.succeededFuture();
    }
    if (!checked.isComplete()) {
      return Future.succeededFuture();
    }
    preflights.remove(seen.id());
    return checked.failed() ? Future.failedFuture(checked.cause()) : decideAndAct(seen.id(), Optional.of(checked.result()));
  }

  private Future<Void> decideAndAct(String planId, Optional<Map<String, String>> preflightProblems) {
    return store.transaction(tx -> decide(tx, planId, preflightProblems)).compose(this::act);
  }

  private Future<Decision> failUndecodable(ControlStore.Tx tx, String planId) {
    return tx.lockPlan(planId).compose(plan -> plan.isEmpty() || plan.get().decoded()
        ? Future.succeededFuture(Decision.NONE)
        : undecodable(tx, plan.get()));
  }

  private Future<Decision> undecodable(ControlStore.Tx tx, PlanRecord plan) {
    String cause = plan.undecodable().orElseThrow();
    try (WorkLog w = WorkLog.of(plan.id(), null)) {
      LOG.error("plan {}: {}; failing this plan, the others keep running", plan.id(), cause);
    }
    return fire(tx, plan, PlanEvent.UNDECODABLE, cause, null, "failed", null);
  }

  /** Problems by database, one line each; empty when every database passed. */
  private Future<Map<String, String>> preflight(PlanRecord plan) {
    Map<String, String> problems = new java.util.concurrent.ConcurrentHashMap<>();
    List<Future<PreflightReport>> checks = plan.compiled().databases().stream()
        .map(db -> preflight(plan, db).onSuccess(r -> noteProblems(problems, db, r)))
        .toList();
    return Future.all(checks).map(problems);
  }

  private Future<PreflightReport> preflight(PlanRecord plan, String db) {
    return preflight.check(plan.compiled(), db, PgConnections.options(config.database(db), "tidemark/preflight"));
  }

  private static void noteProblems(Map<String, String> problems, String db, PreflightReport report) {
    if (!report.ok()) {
      problems.put(db, report.problems().stream().map(Object::toString).collect(Collectors.joining("; ")));
    }
  }

  /** {@code preflightProblems} is empty when this visit ran no preflight (the plan was not submitted when read). */
  private Future<Decision> decide(ControlStore.Tx tx, String planId, Optional<Map<String, String>> preflightProblems) {
    return tx.lockPlan(planId).compose(plan -> plan.isEmpty() || !plan.get().decoded()
        ? Future.succeededFuture(Decision.NONE)
        : tx.unfinishedDatabases(planId).compose(dbs -> decide(tx, plan.get(), dbs, preflightProblems)));
  }

  /** {@code dbs}: the plan's databases not done in its phase ({@link ControlStore.Tx#unfinishedDatabases}). */
  private Future<Decision> decide(ControlStore.Tx tx, PlanRecord plan, List<DatabaseRecord> dbs,
      Optional<Map<String, String>> preflightProblems) {
    PlanState s = plan.state();
    if (s == PlanState.SUBMITTED && preflightProblems.isEmpty()) {
      // Retried back to submitted after this poll read it: preflight it on the next visit, never skip it.
      return Future.succeededFuture(new Decision(plan, List.of(), List.of(), true));
    }
    if (s == PlanState.SUBMITTED) {
      Map<String, String> problems = preflightProblems.get();
      return problems.isEmpty() ? start(tx, plan) : preflightFailed(tx, plan, problems);
    }
    if (!PlanState.DRIVEN.contains(s)) {
      return Future.succeededFuture(Decision.NONE);
    }
    List<DatabaseRecord> failed = dbs.stream().filter(d -> d.state() == DatabaseState.FAILED).toList();
    boolean stopped = rolloutStopped(plan, dbs, failed);
    if (!stopped && s == PlanState.FAILED) {
      // Failed databases were retried (e.g. while the plan was paused): the plan runs its phase again.
      return fire(tx, plan, PlanEvent.FAILURES_CLEARED, null, null, null, null);
    }
    if (dbs.isEmpty()) {
      return advance(tx, plan);
    }
    if (stopped && s != PlanState.FAILED) {
      // The "failed" hook already ran for each database, on the daemon that drove it (see driverEnded).
      return fire(tx, plan, PlanEvent.DATABASE_FAILED, failures(plan, failed), null, null, failed.get(0).database());
    }
    List<String> wanted = admitted(plan, Rollout.claimable(plan.compiled().rollout(), dbs, drivenHere(plan.id())));
    return claimAll(tx, plan, wanted).map(fences -> new Decision(plan, List.of(), fences, false));
  }

  /** Of the databases the rollout lets run, those this daemon starts now ({@link DriveSlots}). */
  private List<String> admitted(PlanRecord plan, List<String> wanted) {
    List<DriveSlots.Running> running = drivers.values().stream()
        .map(d -> new DriveSlots.Running(config.database(d.fence().database()).server(), d.phase())).toList();
    return DriveSlots.admit(wanted, plan.phase(), db -> config.database(db).server(), config.servers(), running);
  }

  /**
   * The rollout of the phase stops (and the plan fails) at {@code rollout.max-failures} failed databases, or
   * earlier when databases failed and nothing else is left to run (the phase barrier could never open).
   * Worked example, max-failures 3, ten databases: two fail, the other eight go on; when the eight are done the
   * plan fails with the two named, since the barrier can no longer open. A third failure stops it at once.
   */
  private static boolean rolloutStopped(PlanRecord plan, List<DatabaseRecord> dbs, List<DatabaseRecord> failed) {
    if (failed.isEmpty()) {
      return false;
    }
    boolean workLeft = dbs.stream().anyMatch(d -> d.state() == DatabaseState.PENDING || d.state() == DatabaseState.RUNNING);
    return failed.size() >= plan.compiled().rollout().failureLimit() || !workLeft;
  }

  /** {@code 2 databases failed (max-failures 2): db3: ...; db7: ...}. */
  private static String failures(PlanRecord plan, List<DatabaseRecord> failed) {
    Map<String, String> causes = new HashMap<>();
    failed.forEach(d -> causes.put(d.database(), d.lastError().orElse("failed")));
    String count = failed.size() == 1 ? "1 database failed" : failed.size() + " databases failed";
    return count + " (max-failures " + plan.compiled().rollout().failureLimit() + "): " + named(causes);
  }

  /**
   * Preflight passed: the first step may run now, unless the approval policy wants an operator first
   * ({@link StartApproval}); an approval given before (the plan was retried after a preflight failure) stands.
   */
  private Future<Decision> start(ControlStore.Tx tx, PlanRecord plan) {
    Optional<String> gate = StartApproval.reason(plan.compiled(), config.policy())
        .filter(r -> plan.approvedBy().isEmpty());
    return gate.isPresent()
        ? fire(tx, plan, PlanEvent.NEEDS_START_APPROVAL, null, gate.get(), "awaiting-approval", null)
        : fire(tx, plan, PlanEvent.PREFLIGHT_PASSED, null, null, "started", null);
  }

  /**
   * Preflight found problems: nothing runs anywhere. Each database is failed, with its problems or, when it
   * had none, with where the problems are (so {@code status} shows them where they are and the healthy
   * databases do not start alone), and the plan is failed. After fixing, {@code retry} preflights again.
   */
  private Future<Decision> preflightFailed(ControlStore.Tx tx, PlanRecord plan, Map<String, String> problems) {
    String where = "not started: preflight found problems on " + String.join(", ", new TreeSet<>(problems.keySet()));
    Future<?> chain = Future.succeededFuture();
    for (String db : plan.compiled().databases()) {
      String cause = problems.getOrDefault(db, where);
      chain = chain.compose(v -> tx.failDatabase(plan.id(), db, cause))
          .compose(v -> tx.append(NewEvent.work(plan.id(), db, null, instance, "preflight-failed", cause)));
    }
    String first = new TreeSet<>(problems.keySet()).first();
    return chain.compose(v -> fire(tx, plan, PlanEvent.PREFLIGHT_FAILED, "preflight: " + named(problems), null,
        "failed", first));
  }

  /** {@code db1: cannot connect ...; db7: ...}, sorted by name, at most {@link #NAMED} of them. */
  private static String named(Map<String, String> problems) {
    List<String> names = new ArrayList<>(new TreeSet<>(problems.keySet()));
    String listed = names.stream().limit(NAMED).map(n -> n + ": " + problems.get(n)).collect(Collectors.joining("; "));
    return names.size() > NAMED ? listed + "; and " + (names.size() - NAMED) + " more" : listed;
  }

  /** The phase ended on every database: the next phase starts, or the plan waits for approval or ends. */
  private Future<Decision> advance(ControlStore.Tx tx, PlanRecord plan) {
    return switch (plan.phase()) {
      case MIGRATE -> plan.approvalRequired()
          ? fire(tx, plan, PlanEvent.NEEDS_CONTRACT_APPROVAL, null, "contract (contract.approval = required)",
              "phase-done", null).map(d -> d.withHook("awaiting-approval"))
          : fire(tx, plan, PlanEvent.PHASE_DONE, null, null, "phase-done", null);
      case CONTRACT -> fire(tx, plan, PlanEvent.PHASE_DONE, null, null, "phase-done", null)
          .map(d -> d.withHook("completed"));
      case ROLLBACK -> fire(tx, plan, PlanEvent.PHASE_DONE, null, null, "rolled-back", null);
      case EXPAND -> fire(tx, plan, PlanEvent.PHASE_DONE, null, null, "phase-done", null);
    };
  }

  /**
   * Applies {@code event} through the transition table and logs it as {@code state-changed}. An event the
   * table does not allow in the plan's state is a bug of this class: logged, and nothing changes.
   */
  private Future<Decision> fire(ControlStore.Tx tx, PlanRecord plan, PlanEvent event, String error, String awaiting,
      String hook, String database) {
    Optional<PlanLifecycle.Transition> t = PlanLifecycle.on(plan, event);
    if (t.isEmpty()) {
      LOG.error("plan {}: {} is not a transition of state {}; nothing changed", plan.id(), event,
          plan.state().wireName());
      return Future.succeededFuture(Decision.NONE);
    }
    return tx.apply(plan, t.get(), error, awaiting)
        .compose(to -> tx.append(NewEvent.work(plan.id(), database, null, instance, "state-changed",
            stateChange(plan, to.state(), error, awaiting))))
        .map(v -> new Decision(plan, List.of(new HookCall(hook, database, plan.phase().wireName())), List.of(), true));
  }

  private static String stateChange(PlanRecord plan, PlanState to, String error, String awaiting) {
    String message = plan.state().wireName() + " -> " + to.wireName();
    String why = error != null ? error : awaiting;
    return why == null ? message : message + ": " + why;
  }

  private Future<List<Fence>> claimAll(ControlStore.Tx tx, PlanRecord plan, List<String> wanted) {
    List<Fence> got = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String db : wanted) {
      chain = chain.compose(v -> tx.claim(plan.id(), db, instance, config.daemon().leaseDuration())).map(f -> {
        f.ifPresent(got::add);
        return null;
      });
    }
    return chain.map(got);
  }

  private Future<Void> act(Decision d) {
    d.hooks().stream().filter(h -> h.event() != null)
        .forEach(h -> hooks.fire(h.event(), d.plan().id(), h.database(), h.phase()));
    d.claimed().forEach(f -> startDriver(d.plan(), f));
    if (d.transitioned()) {
      tickAgain = true;
    }
    return Future.succeededFuture();
  }

  private void startDriver(PlanRecord plan, Fence fence) {
    String key = plan.id() + "/" + fence.database();
    if (stopping || drivers.containsKey(key)) {
      release(fence, stopping ? "daemon stopping" : "already driven here");
      return;
    }
    try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
      LOG.info("driving plan {} database {} phase {} (token {})", plan.id(), fence.database(),
          plan.phase().wireName(), fence.token());
    }
    DatabaseDriver driver = new DatabaseDriver(vertx, store, target(key, plan, fence.database()),
        config.database(fence.database()), config.defaults(), config.daemon(), plan, fence, steps, heartbeat);
    drivers.put(key, driver);
    Future<DatabaseDriver.End> run = driver.run();
    driving.put(key, run);
    run.onComplete(ar -> driverEnded(key, plan, fence, ar.result()));
  }

  private void driverEnded(String key, PlanRecord plan, Fence fence, DatabaseDriver.End end) {
    drivers.remove(key);
    driving.remove(key);
    Optional.ofNullable(targets.remove(key)).ifPresent(Pool::close);
    try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
      LOG.info("plan {} database {}: {}", plan.id(), fence.database(), end);
    }
    if (end == DatabaseDriver.End.FAILED) {
      hooks.fire("failed", plan.id(), fence.database(), plan.phase().wireName());
    }
    tick();
  }

  private Set<String> drivenHere(String planId) {
    return drivers.keySet().stream().filter(k -> k.startsWith(planId + "/"))
        .map(k -> k.substring(planId.length() + 1)).collect(Collectors.toSet());
  }

  /**
   * The pool of one drive: its steps' probes and transactions and its records in the target reuse these
   * sessions from the first step to the last, rather than starting a backend per step (ten per database at
   * 1,000 databases is 10,000 backends a phase, each with cold catalog caches). Closed when the drive ends,
   * so a database with no work holds nothing. Its sessions are named {@code tidemark/<instance>/<plan>}.
   */
  private Pool target(String key, PlanRecord plan, String name) {
    Connector c = connector == null ? Connector.direct(vertx) : connector;
    Pool pool = c.pool(PgConnections.options(config.database(name), "tidemark/" + plan.id()),
        Math.max(config.database(name).poolSize(), 2));
    targets.put(key, pool);
    return pool;
  }

  /** What one visit decided, acted on after its transaction committed. */
  private record Decision(PlanRecord plan, List<HookCall> hooks, List<Fence> claimed, boolean transitioned) {
    static final Decision NONE = new Decision(null, List.of(), List.of(), false);

    Decision withHook(String event) {
      List<HookCall> more = new ArrayList<>(hooks);
      more.add(new HookCall(event, null, plan.phase().wireName()));
      return new Decision(plan, more, claimed, transitioned);
    }
  }

  private record HookCall(String event, String database, String phase) {}
}
