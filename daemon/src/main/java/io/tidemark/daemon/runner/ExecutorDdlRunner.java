package io.tidemark.daemon.runner;

import io.tidemark.daemon.exec.AttemptRecord;
import io.tidemark.daemon.exec.ExecutionContext;
import io.tidemark.daemon.exec.StepExecutor;
import io.tidemark.daemon.exec.StepResult;
import io.tidemark.pg.PgConnections;
import io.tidemark.planner.CompiledStep;
import io.vertx.core.Future;
import java.util.Locale;

/**
 * DDL steps through the {@link StepExecutor} (probe first, lock-timeout retries, INVALID index rebuilds),
 * with every statement attempt written to the event log. Its {@code StepFailure}s reach the driver as they
 * are: a {@code TransientFailure} is retried there with backoff, anything else fails the database. A DDL
 * statement is not interrupted by a stop request: the driver stops after it.
 */
public final class ExecutorDdlRunner implements StepRunner {

  private final StepExecutor executor;
  private final IndexProgressSink indexProgress;

  /** Where {@code CREATE INDEX CONCURRENTLY} progress (0..1) goes while a build runs, e.g. the metrics. */
  @FunctionalInterface
  public interface IndexProgressSink {
    void report(String planId, String database, String stepId, double ratio);
  }

  public ExecutorDdlRunner(StepExecutor executor) {
    this(executor, (plan, database, step, ratio) -> { });
  }

  public ExecutorDdlRunner(StepExecutor executor, IndexProgressSink indexProgress) {
    this.executor = executor;
    this.indexProgress = indexProgress;
  }

  @Override
  public Future<StepOutcome> run(CompiledStep step, StepContext ctx) {
    ExecutionContext ec = ExecutionContext.of(PgConnections.options(ctx.database(), "tidemark/ddl"),
            ctx.defaults().ddl(), ctx.planId(), step.id())
        .withAttemptListener(a -> record(ctx, a))
        .withIndexProgressListener(p -> indexProgress.report(ctx.planId(), ctx.database().name(), step.id(),
            p.ratio()), ExecutionContext.DEFAULT_PROGRESS_INTERVAL)
        .withPool(ctx.pool());
    return executor.execute(step, ec)
        .map(r -> new StepOutcome.Completed(r.outcome() == StepResult.Outcome.ALREADY_DONE));
  }

  private static void record(StepContext ctx, AttemptRecord a) {
    ctx.log().statement(a.statement(), a.duration().toMillis(), a.outcome().name().toLowerCase(Locale.ROOT),
        a.sqlState().orElse(null), a.message().orElse(null)); // a failed write is logged by the log itself
  }
}
