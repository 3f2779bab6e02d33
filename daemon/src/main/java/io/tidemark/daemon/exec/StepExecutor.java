package io.tidemark.daemon.exec;

import io.tidemark.pg.Connector;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.random.RandomGenerator;

/**
 * Runs one compiled DDL step on one database, safely under live traffic.
 *
 * <p>Each attempt first runs the step's catalog probe and skips the step ({@link StepResult.Outcome#ALREADY_DONE})
 * when its effect is there, so a step can be run again after any interruption. Then, by action type:
 * <ul>
 *   <li>{@link StepAction.TransactionalDdl}: one transaction with {@code SET LOCAL lock_timeout} and
 *       {@code statement_timeout}, all statements, commit;
 *   <li>{@link StepAction.NonTransactionalDdl}: a dedicated connection for this call with the timeouts set
 *       on the session; when the probe says INVALID (an interrupted concurrent index build), its
 *       {@code dropInvalid} statement runs first; index builds report {@link IndexProgress};
 *   <li>{@link StepAction.ValidateConstraint}: validates a NOT VALID constraint in a transaction; on
 *       violating rows fails with a {@link ValidationFailure} and leaves the constraint NOT VALID;
 *   <li>{@link StepAction.Backfill}: refused with an {@link IllegalArgumentException}: backfills run on the
 *       backfill engine.
 * </ul>
 *
 * <p><b>Retries.</b> {@code 55P03} (lock timeout) is retried for every kind; {@code 40001}/{@code 40P01} for
 * the transactional kinds only (the whole transaction reruns). Between attempts it waits
 * ({@code vertx.timer}, never a sleep) per {@link Backoff}, up to {@code ddl.maxAttempts} attempts, and every
 * attempt re-probes first, so a concurrent build killed by the lock timeout leaves an INVALID index that
 * the next attempt drops and rebuilds. Connection losses fail at once with a {@link TransientFailure}; the
 * daemon decides when to come back.
 *
 * <p><b>Commits:</b> only the step's own statements; it writes nothing else. <b>Threads:</b> callable from any
 * thread; all work and every listener call happen on Vert.x event-loop threads; nothing blocks.
 */
public final class StepExecutor {
  private final Vertx vertx;
  private final RandomGenerator random;
  private final Connector connector;

  public StepExecutor(Vertx vertx) {
    this(vertx, Connector.direct(vertx));
  }

  /** Every connection a step opens comes from {@code connector} (the daemon's counts them per server). */
  public StepExecutor(Vertx vertx, Connector connector) {
    this(vertx, RandomGenerator.getDefault(), connector);
  }

  StepExecutor(Vertx vertx, RandomGenerator random) {
    this(vertx, random, Connector.direct(vertx));
  }

  private StepExecutor(Vertx vertx, RandomGenerator random, Connector connector) {
    this.vertx = vertx;
    this.random = random;
    this.connector = connector;
  }

  /**
   * Runs {@code step}; succeeds with APPLIED or ALREADY_DONE, or fails with a {@link StepFailure} (or an
   * {@link IllegalArgumentException} for a backfill step).
   */
  public Future<StepResult> execute(CompiledStep step, ExecutionContext ctx) {
    if (step.action() instanceof StepAction.Backfill) {
      return Future.failedFuture(new IllegalArgumentException(
          "step " + step.id() + " is a backfill: run it with the backfill engine, not the step executor"));
    }
    return new StepRun(vertx, random, connector, step, ctx).run();
  }
}
