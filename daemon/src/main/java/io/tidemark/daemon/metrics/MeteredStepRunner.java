package io.tidemark.daemon.metrics;

import io.tidemark.backfill.db.SqlStates;
import io.tidemark.daemon.runner.RuntimeThrottle;
import io.tidemark.daemon.runner.StatementLog;
import io.tidemark.daemon.runner.StepContext;
import io.tidemark.daemon.runner.StepOutcome;
import io.tidemark.daemon.runner.StepRunner;
import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.sql.Identifiers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Wraps the daemon's step runner to feed {@link TidemarkMetrics} and to tag log lines, without the runners
 * knowing about either. For a DDL step every statement attempt counts in {@code tidemark_ddl_attempts_total}
 * (and a {@code 55P03} in {@code tidemark_ddl_lock_timeouts_total}); for a backfill step the statement log
 * gives rows and duration of each batch, the runtime throttle read before each batch gives the
 * {@code operator} throttle reason, and the planner's row estimate of {@code WHERE <where>} taken at start
 * gives {@code rows_estimated} (an estimate; the ratio is set to 1 when the step completes).
 *
 * <p>Logs a start and end line per step with MDC {@code plan}, {@code database}, {@code step} set around them
 * and around the delegate's synchronous part (Vert.x does not carry MDC across callbacks). Runs on the
 * driver's context, like the runner it wraps; adds no retries of its own.
 */
public final class MeteredStepRunner implements StepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(MeteredStepRunner.class);
  private static final String OPERATOR = "operator";

  private final StepRunner delegate;
  private final TidemarkMetrics metrics;

  public MeteredStepRunner(StepRunner delegate, TidemarkMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  @Override
  public Future<StepOutcome> run(CompiledStep step, StepContext ctx) {
    StepLogContext log = new StepLogContext(ctx.planId(), ctx.database().name(), step.id());
    log.info(LOG, "step started: {}", step.description());
    Future<StepOutcome> run = step.action() instanceof StepAction.Backfill backfill
        ? runBackfill(step, backfill.spec(), ctx, log)
        : log.around(() -> delegate.run(step, ddlContext(step, ctx)));
    return run.onComplete(ar -> log.info(LOG, "step ended: {}", ar.succeeded() ? describe(ar.result()) : ar.cause().toString()));
  }

  private Future<StepOutcome> runBackfill(CompiledStep step, BackfillSpec spec, StepContext ctx, StepLogContext log) {
    BackfillMeter meter = metrics.backfill(ctx.planId(), ctx.database().name(), spec.table());
    return estimate(spec, ctx)
        .onSuccess(meter::estimated)
        .recover(e -> Future.succeededFuture(0L))
        .compose(x -> log.around(() -> delegate.run(step, backfillContext(ctx, meter))))
        .onComplete(ar -> ended(meter, ar.succeeded() ? ar.result() : null));
  }

  private static void ended(BackfillMeter meter, StepOutcome outcome) {
    meter.throttled(Optional.empty());
    if (outcome instanceof StepOutcome.Completed) {
      meter.finished();
    }
  }

  /**
   * The planner's estimate of the rows still to do, from {@code EXPLAIN} (reads no table). Example:
   * {@code EXPLAIN (FORMAT JSON) SELECT 1 FROM "public"."users" WHERE (status IS NULL)} answers
   * {@code [{"Plan": {"Plan Rows": 2987, ...}}]}. Without {@code where}, {@code pg_class.reltuples}.
   */
  private static Future<Long> estimate(BackfillSpec spec, StepContext ctx) {
    String table = Identifiers.qualified(spec.schema(), spec.table());
    String where = spec.where().map(w -> " WHERE (" + w + ")").orElse("");
    return ctx.pool().query("EXPLAIN (FORMAT JSON) SELECT 1 FROM " + table + where).execute()
        .map(MeteredStepRunner::planRows);
  }

  private static long planRows(RowSet<Row> rs) {
    Object plan = rs.iterator().next().getValue(0);
    JsonArray json = plan instanceof JsonArray a ? a : new JsonArray(String.valueOf(plan));
    return json.getJsonObject(0).getJsonObject("Plan").getNumber("Plan Rows").longValue();
  }

  private StepContext ddlContext(CompiledStep step, StepContext ctx) {
    StatementLog log = (sql, millis, outcome, sqlState, message) -> {
      metrics.ddlAttempt(ctx.planId(), ctx.database().name(), step.id(), SqlStates.LOCK_NOT_AVAILABLE.equals(sqlState));
      return ctx.log().statement(sql, millis, outcome, sqlState, message);
    };
    return new StepContext(ctx.vertx(), ctx.planId(), ctx.database(), ctx.pool(), ctx.defaults(), ctx.stop(),
        ctx.throttle(), log);
  }

  private static StepContext backfillContext(StepContext ctx, BackfillMeter meter) {
    StatementLog log = new StatementLog() {
      @Override
      public Future<Void> statement(String sql, long millis, String outcome, String sqlState, String message) {
        return ctx.log().statement(sql, millis, outcome, sqlState, message);
      }

      @Override
      public void rowsChanged(String sql, long millis, long rows) {
        meter.batch(rows, Duration.ofMillis(millis));
      }
    };
    Supplier<RuntimeThrottle> throttle = () -> observed(ctx.throttle().get(), meter);
    return new StepContext(ctx.vertx(), ctx.planId(), ctx.database(), ctx.pool(), ctx.defaults(), ctx.stop(),
        throttle, log);
  }

  /** The runner reads the runtime throttle before each batch: what it reads is what holds it back. */
  private static RuntimeThrottle observed(RuntimeThrottle t, BackfillMeter meter) {
    meter.throttled(t.operatorThrottle() ? Optional.of(OPERATOR) : Optional.empty());
    return t;
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
      put();
      try {
        return work.get();
      } finally {
        clear();
      }
    }

    void info(Logger logger, String format, Object arg) {
      around(() -> {
        logger.info(format, arg);
        return null;
      });
    }

    private void put() {
      MDC.put("plan", plan);
      MDC.put("database", database);
      MDC.put("step", step);
    }

    private void clear() {
      MDC.remove("plan");
      MDC.remove("database");
      MDC.remove("step");
    }
  }
}
