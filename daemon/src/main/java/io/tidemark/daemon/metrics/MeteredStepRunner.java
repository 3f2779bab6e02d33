package io.tidemark.daemon.metrics;

import io.tidemark.backfill.BackfillProgress;
import io.tidemark.daemon.runner.StatementLog;
import io.tidemark.daemon.runner.StepContext;
import io.tidemark.daemon.runner.StepOutcome;
import io.tidemark.daemon.runner.StepRunner;
import io.tidemark.daemon.runner.WorkLog;
import io.tidemark.pg.SqlStates;
import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the daemon's step runner to feed {@link TidemarkMetrics} and to tag log lines, without the runners
 * knowing about either. For a DDL step every statement attempt the runner logs counts in
 * {@code tidemark_ddl_attempts_total} (and one ending in {@code 55P03} in
 * {@code tidemark_ddl_lock_timeouts_total}). For a backfill step the engine's progress snapshot (estimate,
 * rate, throttle reason) is sampled every {@link #SAMPLE_MS} ms and whenever the step logs a batch; when the
 * step completes the ratio is 1. Rows and batch durations come from the engine's batch listener
 * ({@link TidemarkMetrics#batchCommitted}).
 *
 * <p>Logs a start and end line per step with MDC {@code plan}, {@code database}, {@code step} set around them
 * and around the delegate's synchronous part (Vert.x does not carry MDC across callbacks). Runs on the
 * driver's context, like the runner it wraps; adds no retries of its own.
 */
public final class MeteredStepRunner implements StepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(MeteredStepRunner.class);
  static final long SAMPLE_MS = 100;

  /** Where the progress of the backfill running for (plan, database) is read, e.g. the engine runner. */
  @FunctionalInterface
  public interface ProgressSource {
    Optional<BackfillProgress> progress(String planId, String database);
  }

  private final StepRunner delegate;
  private final TidemarkMetrics metrics;
  private final ProgressSource progress;

  public MeteredStepRunner(StepRunner delegate, TidemarkMetrics metrics, ProgressSource progress) {
    this.delegate = delegate;
    this.metrics = metrics;
    this.progress = progress;
  }

  @Override
  public Future<StepOutcome> run(CompiledStep step, StepContext ctx) {
    StepLogContext log = new StepLogContext(ctx.planId(), ctx.database().name(), step.id());
    log.info(LOG, "step started: {}", step.description());
    Future<StepOutcome> run = step.action() instanceof StepAction.Backfill backfill
        ? runBackfill(step, backfill.spec(), ctx, log)
        : log.around(() -> delegate.run(step, ddlContext(step, ctx)))
            .andThen(ar -> indexDone(ctx, step, ar.succeeded() ? ar.result() : null));
    return run.onComplete(ar -> log.info(LOG, "step ended: {}",
        ar.succeeded() ? describe(ar.result()) : ar.cause().toString()));
  }

  private Future<StepOutcome> runBackfill(CompiledStep step, BackfillSpec spec, StepContext ctx, StepLogContext log) {
    BackfillMeter meter = metrics.backfill(ctx.planId(), ctx.database().name(), spec.table());
    long sampler = ctx.vertx().setPeriodic(SAMPLE_MS, id -> sample(ctx, meter));
    return log.around(() -> delegate.run(step, backfillContext(ctx, meter)))
        .andThen(ar -> ctx.vertx().cancelTimer(sampler))
        .andThen(ar -> ended(meter, ar.succeeded() ? ar.result() : null));
  }

  private void sample(StepContext ctx, BackfillMeter meter) {
    progress.progress(ctx.planId(), ctx.database().name()).ifPresent(p -> meter.sample(p.rowsDone(), p.rowsEstimated(),
        p.rowsPerSecond(), p.throttle().map(t -> t.signal().label())));
  }

  /** The backfill's statement log, sampling on each report (every committed batch is one) for fresh numbers. */
  private StepContext backfillContext(StepContext ctx, BackfillMeter meter) {
    StatementLog log = (sql, millis, outcome, sqlState, message) -> {
      sample(ctx, meter);
      return ctx.log().statement(sql, millis, outcome, sqlState, message);
    };
    return new StepContext(ctx.vertx(), ctx.planId(), ctx.database(), ctx.pool(), ctx.defaults(), ctx.stop(),
        ctx.throttle(), log);
  }

  private void indexDone(StepContext ctx, CompiledStep step, StepOutcome outcome) {
    if (outcome instanceof StepOutcome.Completed) {
      metrics.stepCompleted(ctx.planId(), ctx.database().name(), step.id());
    }
  }

  private static void ended(BackfillMeter meter, StepOutcome outcome) {
    meter.throttled(Optional.empty());
    if (outcome instanceof StepOutcome.Completed) {
      meter.finished();
    }
  }

  private StepContext ddlContext(CompiledStep step, StepContext ctx) {
    StatementLog log = (sql, millis, outcome, sqlState, message) -> {
      metrics.ddlAttempt(ctx.planId(), ctx.database().name(), step.id(), SqlStates.LOCK_NOT_AVAILABLE.equals(sqlState));
      return ctx.log().statement(sql, millis, outcome, sqlState, message);
    };
    return new StepContext(ctx.vertx(), ctx.planId(), ctx.database(), ctx.pool(), ctx.defaults(), ctx.stop(),
        ctx.throttle(), log);
  }

  private static String describe(StepOutcome outcome) {
    if (outcome instanceof StepOutcome.Completed c) {
      return c.alreadyPresent() ? "already present" : "completed";
    }
    return "stopped at a boundary";
  }

  /** MDC {@code plan}, {@code database}, {@code step} for the lines of one step. */
  private record StepLogContext(String plan, String database, String step) {
    <T> T around(Supplier<T> work) {
      try (WorkLog w = WorkLog.of(plan, database, step)) {
        return work.get();
      }
    }

    void info(Logger logger, String format, Object arg) {
      around(() -> {
        logger.info(format, arg);
        return null;
      });
    }
  }
}
