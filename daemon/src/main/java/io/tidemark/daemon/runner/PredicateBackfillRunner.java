package io.tidemark.daemon.runner;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.sql.Identifiers;
import io.vertx.core.Future;
import java.util.OptionalLong;

/**
 * The daemon's own backfill runner, used where the backfill engine is not wired: batches of
 * {@code UPDATE ... WHERE <where>} over at most {@code batch} rows picked by {@code ctid}, until a batch
 * updates nothing. Each batch is its own transaction and is idempotent because the plan's {@code where}
 * excludes rows already done (so it needs no checkpoint and refuses a spec without {@code where}). Checks
 * the stop request and the runtime throttle between batches: a pause lands at a batch boundary.
 * Callbacks on the caller's context.
 */
public final class PredicateBackfillRunner implements StepRunner {
  private static final int DEFAULT_BATCH = 200;
  private static final long THROTTLED_WAIT_MS = 100;

  @Override
  public Future<StepOutcome> run(CompiledStep step, StepContext ctx) {
    BackfillSpec spec = ((StepAction.Backfill) step.action()).spec();
    if (spec.where().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException(
          "step " + step.id() + ": a backfill without 'where' needs the keyset backfill engine"));
    }
    return loop(batchSql(spec), spec, ctx);
  }

  /**
   * {@code UPDATE t SET s WHERE ctid = ANY(ARRAY(SELECT ctid FROM t WHERE w LIMIT n)) AND (w)}: the outer
   * {@code w} re-checks rows an application changed between the pick and the update.
   */
  private static String batchSql(BackfillSpec spec) {
    String table = Identifiers.qualified(spec.schema(), spec.table());
    String where = "(" + spec.where().get() + ")";
    int batch = spec.minBatchRows().orElse(DEFAULT_BATCH);
    return "UPDATE " + table + " SET " + spec.set() + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table
        + " WHERE " + where + " LIMIT " + batch + ")) AND " + where;
  }

  private Future<StepOutcome> loop(String sql, BackfillSpec spec, StepContext ctx) {
    if (ctx.stop().requested()) {
      return Future.succeededFuture(new StepOutcome.Stopped());
    }
    RuntimeThrottle throttle = ctx.throttle().get();
    if (throttle.operatorThrottle()) {
      return ctx.vertx().timer(THROTTLED_WAIT_MS).compose(x -> loop(sql, spec, ctx));
    }
    long start = System.currentTimeMillis();
    return ctx.pool().withTransaction(conn -> Statements.run(conn, sql, ctx.log()))
        .compose(rs -> rs.rowCount() == 0
            ? Future.succeededFuture(new StepOutcome.Completed(false))
            : pace(rs.rowCount(), start, rate(spec, throttle), ctx).compose(x -> loop(sql, spec, ctx)));
  }

  private static OptionalLong rate(BackfillSpec spec, RuntimeThrottle throttle) {
    return throttle.maxRowsPerSecond().isPresent() ? throttle.maxRowsPerSecond() : spec.maxRowsPerSecond();
  }

  /** Waits so that {@code rows} take at least {@code rows / rate} seconds. */
  private static Future<Void> pace(int rows, long start, OptionalLong rate, StepContext ctx) {
    if (rate.isEmpty() || rate.getAsLong() <= 0) {
      return Future.succeededFuture();
    }
    long wait = rows * 1000L / rate.getAsLong() - (System.currentTimeMillis() - start);
    return wait <= 0 ? Future.succeededFuture() : ctx.vertx().timer(wait).mapEmpty();
  }
}
