package io.tidemark.daemon.runner;

import io.tidemark.backfill.BackfillEngine;
import io.tidemark.backfill.BackfillJob;
import io.tidemark.backfill.BackfillProgress;
import io.tidemark.backfill.BackfillResult;
import io.tidemark.backfill.BackfillRun;
import io.tidemark.backfill.BackfillState;
import io.tidemark.backfill.CommittedBatch;
import io.tidemark.backfill.ServerBudget;
import io.tidemark.pg.Connector;
import io.tidemark.backfill.throttle.ThrottleControls;
import io.tidemark.planner.CompiledStep;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Backfill steps through the {@link BackfillEngine} (keyset batches, checkpoint in each batch's transaction,
 * throttle signals, server budget). While a run goes, the driver's stop request and the operator's runtime
 * throttle are handed to the run every {@link #WATCH_MS} ms; the engine applies them at its next batch
 * boundary, so a pause lands there and the next start resumes from the checkpoint. Every committed batch is
 * written to the event log under the driver's lease and passed on to {@code onBatch} (metrics). Progress
 * snapshots of running backfills are kept for the API and metrics. The engine's {@code BackfillException}
 * reaches the driver as is (its cause tells a lost connection from a bad expression).
 */
public final class EngineBackfillRunner implements StepRunner {
  private static final long WATCH_MS = 50;
  private static final String OPERATOR = "operator";

  private final BackfillEngine engine;
  private final Map<String, BackfillRun> running = new ConcurrentHashMap<>();
  private final Map<String, StatementLog> logs = new ConcurrentHashMap<>();

  /** One engine for the daemon: {@code budget} is shared by all its backfills. */
  public EngineBackfillRunner(Vertx vertx, ServerBudget budget, Consumer<CommittedBatch> onBatch) {
    this(vertx, budget, Connector.direct(vertx), onBatch);
  }

  /** The same, the runs' connections coming from {@code connector} (counted per server). */
  public EngineBackfillRunner(Vertx vertx, ServerBudget budget, Connector connector, Consumer<CommittedBatch> onBatch) {
    this.engine = new BackfillEngine(vertx, budget, connector, b -> batchCommitted(b, onBatch));
  }

  /** Closes the engine; stop the runs first. */
  public Future<Void> close() {
    return engine.close();
  }

  /** The progress of the backfill running for (plan, database) on this daemon, if one is. Any thread. */
  public Optional<BackfillProgress> progress(String planId, String database) {
    return Optional.ofNullable(running.get(planId + "/" + database)).map(BackfillRun::progress);
  }

  @Override
  public Future<StepOutcome> run(CompiledStep step, StepContext ctx) {
    BackfillJob job = BackfillJob.of(ctx.planId(), step, ctx.database(), ctx.defaults().backfill(),
        ctx.defaults().throttle());
    long planRate = job.controls().backfill().maxRowsPerSecond();
    apply(job.controls(), ctx.throttle().get(), planRate);
    String key = ctx.planId() + "/" + ctx.database().name();
    logs.put(key, ctx.log());
    BackfillRun run = engine.start(job, ctx.pool()); // prepared on the drive's session, see BackfillEngine
    running.put(key, run);
    long watch = ctx.vertx().setPeriodic(WATCH_MS, id -> watch(run, ctx, planRate));
    return run.completion()
        .andThen(ar -> ctx.vertx().cancelTimer(watch))
        .andThen(ar -> running.remove(key, run))
        .andThen(ar -> logs.remove(key))
        .compose(result -> logged(step, ctx, result))
        .map(result -> result.state() == BackfillState.DONE
            ? new StepOutcome.Completed(false) : new StepOutcome.Stopped());
  }

  private void batchCommitted(CommittedBatch b, Consumer<CommittedBatch> next) {
    StatementLog log = logs.get(b.planId() + "/" + b.database());
    if (log != null) {
      log.statement("batch of " + b.stepId() + " on " + b.schema() + "." + b.table(), b.duration().toMillis(), "ok",
          null, b.keys() + " keys, " + b.rowsUpdated() + " rows updated"); // a failed write is logged by the log
    }
    next.accept(b);
  }

  private static void watch(BackfillRun run, StepContext ctx, long planRate) {
    if (ctx.stop().requested()) {
      run.stop();
    }
    apply(run.controls(), ctx.throttle().get(), planRate);
  }

  /** The operator's cap replaces the plan's while set; the operator throttle holds every batch. */
  private static void apply(ThrottleControls controls, RuntimeThrottle throttle, long planRate) {
    long rate = throttle.maxRowsPerSecond().orElse(planRate);
    if (controls.backfill().maxRowsPerSecond() != rate) {
      controls.maxRowsPerSecond(rate);
    }
    if (throttle.operatorThrottle() && controls.operatorThrottle().isEmpty()) {
      controls.operatorThrottle(OPERATOR);
    } else if (!throttle.operatorThrottle() && controls.operatorThrottle().isPresent()) {
      controls.clearOperatorThrottle();
    }
  }

  private static Future<BackfillResult> logged(CompiledStep step, StepContext ctx, BackfillResult r) {
    String summary = r.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + r.rowsDone() + " rows walked, "
        + r.rowsUpdated() + " updated in " + r.batches() + " batches";
    return ctx.log().statement(step.action().statements().get(0), r.elapsed().toMillis(), "ok", null, summary)
        .map(r);
  }
}
