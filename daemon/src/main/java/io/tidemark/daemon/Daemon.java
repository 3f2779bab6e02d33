package io.tidemark.daemon;

import io.tidemark.backfill.db.PgConnections;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.api.ApiServer;
import io.tidemark.daemon.hooks.Hooks;
import io.tidemark.daemon.metrics.MeteredStepRunner;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.runner.DirectDdlRunner;
import io.tidemark.daemon.runner.PlanRunner;
import io.tidemark.daemon.runner.PredicateBackfillRunner;
import io.tidemark.daemon.runner.StepRouter;
import io.tidemark.daemon.runner.StepRunner;
import io.tidemark.daemon.store.ControlSchema;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
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

  private final Vertx vertx;
  private final Pool state;
  private final PlanOperations operations;
  private final String runnerDeployment;
  private final TidemarkConfig config;
  private final TidemarkMetrics metrics;
  private ApiServer api;

  private Daemon(Vertx vertx, Pool state, PlanOperations operations, String runnerDeployment, TidemarkConfig config,
      TidemarkMetrics metrics) {
    this.vertx = vertx;
    this.state = state;
    this.operations = operations;
    this.runnerDeployment = runnerDeployment;
    this.config = config;
    this.metrics = metrics;
  }

  /** Starts a daemon on its own Vert.x instance, with the default step runners. */
  public static Future<Daemon> start(TidemarkConfig config) {
    return start(config, defaultSteps());
  }

  /** Starts a daemon whose steps run through {@code steps}. */
  public static Future<Daemon> start(TidemarkConfig config, StepRunner steps) {
    TidemarkMetrics metrics = new TidemarkMetrics();
    Vertx vertx = metrics.newVertx();
    Pool state = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(Math.max(config.database(config.stateDatabase()).poolSize(), 4)))
        .connectingTo(PgConnections.options(config.database(config.stateDatabase()), "tidemark/control"))
        .using(vertx)
        .build();
    String instance = config.daemon().instanceId();
    PlanRunner runner = new PlanRunner(config, state, new MeteredStepRunner(steps, metrics),
        new Hooks(vertx, state, instance, config.hooks()));
    PlanOperations ops = new PlanOperations(state, runner::nudge);
    return ControlSchema.migrate(state)
        .compose(found -> vertx.deployVerticle(runner))
        .map(id -> new Daemon(vertx, state, ops, id, config, metrics))
        .compose(d -> d.startApi())
        .onSuccess(d -> LOG.info("daemon {} started on state database {}", instance, config.stateDatabase()))
        .recover(e -> vertx.close().transform(x -> Future.failedFuture(e)));
  }

  public static StepRunner defaultSteps() {
    return new StepRouter(new DirectDdlRunner(), new PredicateBackfillRunner());
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
    return ApiServer.start(vertx, config, operations, state, metrics).map(a -> {
      api = a;
      return this;
    });
  }

  /** Graceful stop: drivers stop at their next boundary, leases are released, pools and Vert.x closed. */
  public Future<Void> stop() {
    LOG.info("daemon {} stopping", config.daemon().instanceId());
    Promise<Void> stopped = Promise.promise();
    api.close().recover(e -> Future.succeededFuture())
        .compose(v -> vertx.undeploy(runnerDeployment))
        .recover(e -> Future.succeededFuture())
        .compose(v -> state.close())
        .onComplete(ar -> closeVertx(stopped))
        .onComplete(ar -> metrics.close());
    return stopped.future();
  }

  /**
   * Closes Vert.x from a plain thread: a close future created on one of its own event loops could never
   * deliver its completion, that loop being shut down by the close itself.
   */
  private void closeVertx(Promise<Void> stopped) {
    Thread closer = new Thread(() -> vertx.close().onComplete(stopped), "tidemark-close");
    closer.start();
  }
}
