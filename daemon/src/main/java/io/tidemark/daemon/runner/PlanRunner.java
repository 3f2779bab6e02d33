package io.tidemark.daemon.runner;

import io.tidemark.backfill.db.Connector;
import io.tidemark.backfill.db.PgConnections;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.exec.Preflight;
import io.tidemark.daemon.exec.PreflightReport;
import io.tidemark.daemon.hooks.Hooks;
import io.tidemark.daemon.lease.Leases;
import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.DatabaseState;
import io.tidemark.daemon.store.EventLog;
import io.tidemark.daemon.store.Fence;
import io.tidemark.daemon.store.NewEvent;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.daemon.store.PlanStore;
import io.tidemark.daemon.store.RunPhase;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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
 * when a database failed, and claims the leases of the databases the rollout lets run now, starting a
 * {@link DatabaseDriver} for each. A restarted daemon picks up where the store says the plans are; a daemon
 * that died leaves leases that expire and are claimed here. Stopping stops drivers at their next boundary and
 * releases their leases, abandoning whatever is still running after the shutdown timeout.
 */
public final class PlanRunner extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PlanRunner.class);
  private static final String APP_NAME = "tidemark/runner";
  /** Databases named in a plan's error; the rest are counted (each database's own record has its problem). */
  private static final int NAMED = 10;

  private static final String SET_STATE = "UPDATE tidemark.plans SET state = $2, phase = $3, resume_state = NULL,"
      + " last_error = $4, updated_at = now() WHERE id = $1";
  private static final String RESET_DATABASES = "UPDATE tidemark.plan_databases SET phase = $2, state = 'pending',"
      + " current_step = NULL, last_error = NULL, updated_at = now() WHERE plan_id = $1";
  private static final String PREFLIGHT_FAILED = "UPDATE tidemark.plan_databases SET state = 'failed', last_error = $3,"
      + " updated_at = now() WHERE plan_id = $1 AND database = $2";
  private static final String MARK_RUNNING = "UPDATE tidemark.plan_databases SET state = 'running', updated_at = now()"
      + " WHERE plan_id = $1 AND database = $2";

  private final TidemarkConfig config;
  private final Pool state;
  private final StepRunner steps;
  private final Hooks hooks;
  private final Preflight preflight;
  private final Connector connector;
  private final String instance;
  private final Map<String, Pool> targets = new HashMap<>();
  private final Map<String, Future<Map<String, String>>> preflights = new HashMap<>();
  private final Map<String, DatabaseDriver> drivers = new HashMap<>();
  private final Map<String, Future<DatabaseDriver.End>> driving = new HashMap<>();
  private long poll = -1;
  private boolean ticking;
  private boolean tickAgain;
  private boolean stopping;

  public PlanRunner(TidemarkConfig config, Pool state, StepRunner steps, Hooks hooks, Preflight preflight) {
    this(config, state, steps, hooks, preflight, null);
  }

  /** The same, target connections coming from {@code connector} (the daemon's counts them per server). */
  public PlanRunner(TidemarkConfig config, Pool state, StepRunner steps, Hooks hooks, Preflight preflight,
      Connector connector) {
    this.connector = connector;
    this.config = config;
    this.state = state;
    this.steps = steps;
    this.hooks = hooks;
    this.preflight = preflight;
    this.instance = config.daemon().instanceId();
  }

  @Override
  public Future<?> start() {
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
        .compose(x -> closeTargets());
  }

  private Future<Void> abandonRemaining() {
    List<Future<Void>> releases = new ArrayList<>();
    drivers.forEach((key, d) -> {
      LOG.warn("shutdown timeout: abandoning {} mid-step", key);
      releases.add(Leases.release(state, d.fence()).otherwise(x -> null));
    });
    return Future.join(releases).mapEmpty();
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
    PlanStore.unfinished(state)
        .compose(this::visitAll)
        .onComplete(ar -> ticked(ar.cause()));
  }

  private void ticked(Throwable failure) {
    if (failure != null) {
      LOG.warn("poll failed: {}", failure.toString());
    }
    ticking = false;
    if (tickAgain) {
      tickAgain = false;
      tick();
    }
  }

  private Future<Void> visitAll(List<PlanRecord> plans) {
    Future<Void> chain = Future.succeededFuture();
    for (PlanRecord p : plans) {
      chain = chain.compose(v -> visit(p).recover(e -> logVisitFailure(p.id(), e)));
    }
    return chain;
  }

  private Future<Void> logVisitFailure(String planId, Throwable e) {
    try (WorkLog w = WorkLog.of(planId, null)) {
      LOG.warn("plan {}: {}", planId, e.toString());
    }
    return Future.succeededFuture();
  }

  /**
   * A submitted plan is preflighted first (catalog reads on its databases, outside the state transaction).
   * The preflight runs beside the poll, not in it: a database that takes its whole connect timeout to fail
   * must not hold up the other plans' visits. The visit after it ended decides with its result.
   */
  private Future<Void> visit(PlanRecord seen) {
    if (seen.state() != PlanState.SUBMITTED) {
      preflights.remove(seen.id());
      return decideAndAct(seen.id(), Map.of());
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
    return checked.failed() ? Future.failedFuture(checked.cause()) : decideAndAct(seen.id(), checked.result());
  }

  private Future<Void> decideAndAct(String planId, Map<String, String> preflightProblems) {
    return state.withTransaction(conn -> decide(conn, planId, preflightProblems)).compose(this::act);
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

  private Future<Decision> decide(SqlConnection conn, String planId, Map<String, String> preflightProblems) {
    return PlanStore.lockPlan(conn, planId).compose(plan -> plan.isEmpty()
        ? Future.succeededFuture(Decision.NONE)
        : PlanStore.databases(conn, planId).compose(dbs -> decide(conn, plan.get(), dbs, preflightProblems)));
  }

  private Future<Decision> decide(SqlConnection conn, PlanRecord plan, List<DatabaseRecord> dbs,
      Map<String, String> preflightProblems) {
    PlanState s = plan.state();
    if (s == PlanState.SUBMITTED && !preflightProblems.isEmpty()) {
      return preflightFailed(conn, plan, preflightProblems);
    }
    if (s == PlanState.SUBMITTED) {
      return transition(conn, plan, PlanState.EXPANDING, RunPhase.EXPAND, null, "started", null);
    }
    if (!PlanState.DRIVEN.contains(s)) {
      return Future.succeededFuture(Decision.NONE);
    }
    if (dbs.stream().allMatch(d -> d.state() == DatabaseState.DONE)) {
      return advance(conn, plan);
    }
    List<DatabaseRecord> failed = dbs.stream().filter(d -> d.state() == DatabaseState.FAILED).toList();
    boolean stopped = rolloutStopped(plan, dbs, failed);
    if (stopped && s != PlanState.FAILED) {
      // The "failed" hook already ran for each database, on the daemon that drove it (see driverEnded).
      return transition(conn, plan, PlanState.FAILED, plan.phase(), failures(plan, failed), null,
          failed.get(0).database());
    }
    if (!stopped && s == PlanState.FAILED) {
      // Failed databases were retried (e.g. while the plan was paused): the plan runs its phase again.
      return transition(conn, plan, PlanState.running(plan.phase()), plan.phase(), null, null, null);
    }
    List<String> wanted = Rollout.claimable(plan.compiled().rollout(), dbs, drivenHere(plan.id()));
    return claimAll(conn, plan, wanted).map(fences -> new Decision(plan, List.of(), fences, false));
  }

  /**
   * The rollout of the phase stops (and the plan fails) at {@code rollout.max-failures} failed databases, or
   * earlier when databases failed and nothing else is left to run (the phase barrier could never open).
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
   * Preflight found problems: nothing runs anywhere. Each database is failed, with its problems or, when it
   * had none, with where the problems are (so {@code status} shows them where they are and the healthy
   * databases do not start alone), and the plan is failed. After fixing, {@code retry} starts it.
   */
  private Future<Decision> preflightFailed(SqlConnection conn, PlanRecord plan, Map<String, String> problems) {
    String where = "not started: preflight found problems on " + String.join(", ", new TreeSet<>(problems.keySet()));
    Future<?> chain = Future.succeededFuture();
    for (String db : plan.compiled().databases()) {
      String cause = problems.getOrDefault(db, where);
      chain = chain.compose(v -> conn.preparedQuery(PREFLIGHT_FAILED).execute(Tuple.of(plan.id(), db, cause)))
          .compose(v -> EventLog.append(conn, NewEvent.work(plan.id(), db, null, instance, "preflight-failed", cause)));
    }
    String first = new TreeSet<>(problems.keySet()).first();
    return chain.compose(v -> transition(conn, plan, PlanState.FAILED, RunPhase.EXPAND,
        "preflight: " + named(problems), "failed", first));
  }

  /** {@code db1: cannot connect ...; db7: ...}, sorted by name, at most {@link #NAMED} of them. */
  private static String named(Map<String, String> problems) {
    List<String> names = new ArrayList<>(new TreeSet<>(problems.keySet()));
    String listed = names.stream().limit(NAMED).map(n -> n + ": " + problems.get(n)).collect(Collectors.joining("; "));
    return names.size() > NAMED ? listed + "; and " + (names.size() - NAMED) + " more" : listed;
  }

  /** The phase ended on every database: the next phase starts, or the plan waits for approval or ends. */
  private Future<Decision> advance(SqlConnection conn, PlanRecord plan) {
    return switch (plan.phase()) {
      case EXPAND -> transition(conn, plan, PlanState.MIGRATING, RunPhase.MIGRATE, null, "phase-done", null);
      case MIGRATE -> plan.approvalRequired()
          ? transition(conn, plan, PlanState.AWAITING_APPROVAL, RunPhase.MIGRATE, null, "phase-done", null)
              .map(d -> d.withHook("awaiting-approval"))
          : transition(conn, plan, PlanState.CONTRACTING, RunPhase.CONTRACT, null, "phase-done", null);
      case CONTRACT -> transition(conn, plan, PlanState.COMPLETED, RunPhase.CONTRACT, null, "phase-done", null)
          .map(d -> d.withHook("completed"));
      case ROLLBACK -> transition(conn, plan, PlanState.ROLLED_BACK, RunPhase.ROLLBACK, null, "rolled-back", null);
    };
  }

  private Future<Decision> transition(SqlConnection conn, PlanRecord plan, PlanState to, RunPhase phase,
      String error, String hook, String database) {
    boolean newPhase = phase != plan.phase();
    String message = plan.state().wireName() + " -> " + to.wireName();
    return conn.preparedQuery(SET_STATE).execute(Tuple.of(plan.id(), to.wireName(), phase.wireName(), error))
        .compose(v -> newPhase
            ? conn.preparedQuery(RESET_DATABASES).execute(Tuple.of(plan.id(), phase.wireName()))
            : Future.succeededFuture())
        .compose(v -> EventLog.append(conn, NewEvent.work(plan.id(), database, null, instance, "state-changed",
            error == null ? message : message + ": " + error)))
        .map(v -> new Decision(plan, List.of(new HookCall(hook, database, plan.phase().wireName())), List.of(), true));
  }

  private Future<List<Fence>> claimAll(SqlConnection conn, PlanRecord plan, List<String> wanted) {
    List<Fence> got = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String db : wanted) {
      chain = chain.compose(v -> claim(conn, plan, db)).map(f -> {
        f.ifPresent(got::add);
        return null;
      });
    }
    return chain.map(got);
  }

  private Future<Optional<Fence>> claim(SqlConnection conn, PlanRecord plan, String db) {
    return Leases.claim(conn, plan.id(), db, instance, config.daemon().leaseDuration())
        .compose(f -> f.isEmpty() ? Future.succeededFuture(f) : markRunning(conn, f.get()).map(f));
  }

  private Future<Void> markRunning(SqlConnection conn, Fence f) {
    return conn.preparedQuery(MARK_RUNNING).execute(Tuple.of(f.planId(), f.database()))
        .compose(v -> EventLog.appendFenced(conn, f, NewEvent.work(f.planId(), f.database(), null, instance,
            "lease-acquired", "token " + f.token())));
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
      Leases.release(state, fence);
      return;
    }
    try (WorkLog w = WorkLog.of(plan.id(), fence.database())) {
      LOG.info("driving plan {} database {} phase {} (token {})", plan.id(), fence.database(),
          plan.phase().wireName(), fence.token());
    }
    DatabaseDriver driver = new DatabaseDriver(vertx, state, target(fence.database()),
        config.database(fence.database()), config.defaults(), config.daemon(), plan, fence, steps);
    drivers.put(key, driver);
    Future<DatabaseDriver.End> run = driver.run();
    driving.put(key, run);
    run.onComplete(ar -> driverEnded(key, plan, fence, ar.result()));
  }

  private void driverEnded(String key, PlanRecord plan, Fence fence, DatabaseDriver.End end) {
    drivers.remove(key);
    driving.remove(key);
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

  private Pool target(String name) {
    Connector c = connector == null ? Connector.direct(vertx) : connector;
    return targets.computeIfAbsent(name, n ->
        c.pool(PgConnections.options(config.database(n), APP_NAME), Math.max(config.database(n).poolSize(), 2)));
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
