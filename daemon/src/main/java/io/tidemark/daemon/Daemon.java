package io.tidemark.daemon;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.ServerConfig;
import io.tidemark.daemon.fleet.ConnectionBudget;
import io.tidemark.daemon.fleet.SharedClaims;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.api.ApiServer;
import io.tidemark.daemon.hooks.Hooks;
import io.tidemark.daemon.metrics.MeteredStepRunner;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.DatabaseVersions;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.ops.Retention;
import io.tidemark.backfill.CommittedBatch;
import io.tidemark.backfill.BackfillProgress;
import io.tidemark.backfill.ServerBudget;
import io.tidemark.daemon.exec.Preflight;
import io.tidemark.daemon.exec.StepExecutor;
import io.tidemark.daemon.runner.EngineBackfillRunner;
import io.tidemark.daemon.runner.ExecutorDdlRunner;
import io.tidemark.daemon.runner.PlanRunner;
import io.tidemark.daemon.runner.StepRouter;
import io.tidemark.daemon.runner.StepRunner;
import io.tidemark.daemon.store.AppliedPlan;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.TargetRecords;
import io.tidemark.pg.PgConnections;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Tidemark daemon: its Vert.x instance, the state database pool, the control schema (migrated
 * at start), the plan runner and the operator API. {@link #start} returns once the schema is current and the
 * runner polls; {@link #stop} stops taking work, lets drivers reach a boundary (at most the shutdown
 * timeout), releases leases and closes everything. Thread-safe to call from any thread.
 */
public final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  /**
   * statement_timeout of every control-store session: its statements are short row reads and writes, so one
   * that runs this long is stuck (a lock held by a hung session, a saturated server) and must fail and be
   * retried at the next poll rather than hold up every plan behind it.
   */
  private static final String CONTROL_STATEMENT_TIMEOUT = "30s";

  private final Vertx vertx;
  private final Pool state;
  private final PlanOperations operations;
  private final EngineBackfillRunner backfills;
  private final String runnerDeployment;
  private final TidemarkConfig config;
  private final TidemarkMetrics metrics;
  private final Retention retention;
  private final ConnectionBudget connections;
  private final SharedClaims claims;
  private ApiServer api;

  private Daemon(Vertx vertx, Pool state, PlanOperations operations, EngineBackfillRunner backfills,
      String runnerDeployment, TidemarkConfig config, TidemarkMetrics metrics, ConnectionBudget connections,
      SharedClaims claims, ControlStore store) {
    this.connections = connections;
    this.claims = claims;
    this.vertx = vertx;
    this.state = state;
    this.operations = operations;
    this.backfills = backfills;
    this.runnerDeployment = runnerDeployment;
    this.config = config;
    this.metrics = metrics;
    this.retention = new Retention(vertx, store, config.retention());
  }

  /**
   * Starts a daemon on its own Vert.x instance: DDL steps through the step executor, backfills through the
   * backfill engine (one server budget for the daemon), preflight before a plan starts.
   */
  public static Future<Daemon> start(TidemarkConfig config) {
    return start(config, batch -> { });
  }

  /** The same, with {@code onBatch} told of every committed backfill batch (on an event loop: must not block). */
  public static Future<Daemon> start(TidemarkConfig config, Consumer<CommittedBatch> onBatch) {
    TidemarkMetrics metrics = new TidemarkMetrics();
    Vertx vertx = metrics.newVertx();
    String instance = config.daemon().instanceId();
    DatabaseConfig stateDb = config.database(config.stateDatabase());
    PgConnectOptions control = PgConnections.options(stateDb, "tidemark/" + instance + "/control");
    control.addProperty("statement_timeout", CONTROL_STATEMENT_TIMEOUT);
    Pool state = PgBuilder.pool().with(new PoolOptions().setMaxSize(controlPoolSize(config)))
        .connectingTo(control).using(vertx).build();
    ControlStore store = new ControlStore(state);
    SharedClaims claims = new SharedClaims(vertx, store, "connection", instance, config.daemon().leaseDuration(),
        config.daemon().heartbeatInterval());
    ConnectionBudget connections = new ConnectionBudget(vertx, config, claims);
    connections.bindTo(metrics.registry());
    Consumer<CommittedBatch> batches = metrics::batchCommitted;
    EngineBackfillRunner backfills = new EngineBackfillRunner(vertx,
        new ServerBudget(config.servers().values(), 1, vertx, claims.ofKind("backfill")), connections,
        batches.andThen(onBatch));
    StepRunner ddl = new ExecutorDdlRunner(new StepExecutor(vertx, connections), metrics::indexBuild);
    StepRunner steps = new MeteredStepRunner(new StepRouter(ddl, backfills), metrics, backfills::progress);
    PlanRunner runner = new PlanRunner(config, store, steps, new Hooks(vertx, store, instance, config.hooks()),
        new Preflight(connections), connections);
    PlanOperations ops = new PlanOperations(store, runner::nudge);
    Promise<Daemon> started = Promise.promise();
    PgConnections.verify(state, stateDb)
        .compose(v -> store.migrate())
        .compose(found -> claims.start())
        .compose(found -> connections.reserveControl(control, controlPoolSize(config)))
        .compose(found -> vertx.deployVerticle(runner))
        .map(id -> new Daemon(vertx, state, ops, backfills, id, config, metrics, connections, claims, store))
        .compose(Daemon::startApi)
        .onSuccess(d -> LOG.info("daemon {} started on state database {}", instance, config.stateDatabase()))
        .onSuccess(started::complete)
        .onFailure(e -> metrics.close())
        .onFailure(e -> closeOffLoop(vertx).onComplete(x -> started.fail(e)));
    return started.future();
  }

  /**
   * The control store's connections: at most half the state server's budget (the rest is for the work on its
   * databases), never fewer than one, never more than the state database's pool-size (at least 4).
   */
  private static int controlPoolSize(TidemarkConfig config) {
    DatabaseConfig stateDb = config.database(config.stateDatabase());
    int wanted = Math.max(stateDb.poolSize(), 4);
    ServerConfig server = config.servers().get(stateDb.server());
    return server == null ? wanted : Math.max(1, Math.min(wanted, server.maxConnections() / 2));
  }

  /** Connections held to {@code server} by this daemon now, and work waiting for one. */
  public ConnectionBudget connections() {
    return connections;
  }

  /** Progress of the backfill this daemon runs for (plan, database) right now, if any. Any thread. */
  public Optional<BackfillProgress> backfillProgress(String planId, String database) {
    return backfills.progress(planId, database);
  }

  /**
   * {@code tidemark versions}: for every configured database, the plans applied there and how far each got,
   * read from its {@code tidemark.applied_plans} on a short-lived connection; an unreachable database is
   * reported with its error instead of failing the whole answer.
   */
  public Future<List<DatabaseVersions>> versions() {
    List<Future<DatabaseVersions>> reads = config.databases().values().stream().map(this::versions).toList();
    return Future.join(reads).map(x -> reads.stream().map(Future::result).toList());
  }

  private Future<DatabaseVersions> versions(DatabaseConfig db) {
    return connections.connect(PgConnections.options(db, "tidemark/versions"))
        .compose(conn -> PgConnections.verify(conn, db).compose(v -> TargetRecords.read(conn)).eventually(conn::close))
        .map(applied -> new DatabaseVersions(db.name(), applied, Optional.empty()))
        .otherwise(e -> new DatabaseVersions(db.name(), List.of(), Optional.of(String.valueOf(e.getMessage()))));
  }

  /** The operator API over this daemon's state database. */
  public PlanOperations operations() {
    return operations;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The pool on the state database (for the HTTP layer's readiness check). */
  public Pool statePool() {
    return state;
  }

  public TidemarkConfig config() {
    return config;
  }

  /** The port the HTTP API listens on (the configured one, or the one picked for port 0). */
  public int httpPort() {
    return api.port();
  }

  private Future<Daemon> startApi() {
    metrics.exportStates(vertx, operations, config.daemon().pollInterval());
    retention.start();
    return ApiServer.start(vertx, config, operations, state, metrics, this::versions).map(a -> {
      api = a;
      return this;
    });
  }

  /** Graceful stop: drivers stop at their next boundary, leases are released, pools and Vert.x closed. */
  public Future<Void> stop() {
    LOG.info("daemon {} stopping", config.daemon().instanceId());
    Promise<Void> stopped = Promise.promise();
    retention.stop();
    stopping("close the API", api::close)
        .andThen(v -> metrics.close())
        .compose(v -> stopping("stop the plan runner", () -> vertx.undeploy(runnerDeployment)))
        .andThen(v -> connections.close())
        .compose(v -> stopping("stop the backfills", backfills::close))
        .compose(v -> stopping("give the budget slots back", claims::stop))
        .compose(v -> stopping("close the state database pool", state::close))
        .onComplete(ar -> closeOffLoop(vertx).onComplete(stopped));
    return stopped.future();
  }

  /**
   * One step of {@link #stop}: a step that fails is logged once at WARN with its cause, and the stop goes
   * on with the next step (a half-stopped daemon would be worse than one that skipped a step).
   */
  private Future<Void> stopping(String what, Supplier<Future<Void>> step) {
    Future<Void> done;
    try {
      done = step.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.recover(e -> {
      LOG.warn("daemon {} stopping: could not {}; going on with the stop", config.daemon().instanceId(), what, e);
      return Future.succeededFuture();
    });
  }

  /**
   * Closes Vert.x from a plain thread: a close future created on one of its own event loops could never
   * deliver its completion, that loop being shut down by the close itself.
   */
  private static Future<Void> closeOffLoop(Vertx vertx) {
    Promise<Void> closed = Promise.promise();
    new Thread(() -> vertx.close().onComplete(closed), "tidemark-close").start();
    return closed.future();
  }
}
