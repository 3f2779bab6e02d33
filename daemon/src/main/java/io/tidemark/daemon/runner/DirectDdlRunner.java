package io.tidemark.daemon.runner;

import io.tidemark.backfill.db.PgConnections;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Probe;
import io.tidemark.planner.ProbeState;
import io.tidemark.planner.StepAction;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * The daemon's own runner for DDL steps, used where no richer step executor is wired: probes the catalog and
 * skips a step whose effect is there; runs transactional DDL in one transaction and
 * non-transactional DDL on a dedicated connection, both under {@code lock_timeout}; drops an INVALID
 * leftover index before rebuilding it. Lock timeouts and connection faults surface as failed futures that the
 * driver retries with backoff. Callbacks on the caller's context.
 */
public final class DirectDdlRunner implements StepRunner {
  private static final String APP_NAME = "tidemark/ddl";

  @Override
  public Future<StepOutcome> run(CompiledStep step, StepContext ctx) {
    return probe(step.probe().orElse(null), ctx).compose(state -> runIfNeeded(step, state, ctx));
  }

  private Future<ProbeState> probe(Probe probe, StepContext ctx) {
    if (probe == null) {
      return Future.succeededFuture(ProbeState.ABSENT);
    }
    return ctx.pool().preparedQuery(probe.sql()).execute(Tuple.from(probe.params()))
        .map(rs -> ProbeState.fromSql(rs.iterator().next().getString(0)));
  }

  private Future<StepOutcome> runIfNeeded(CompiledStep step, ProbeState state, StepContext ctx) {
    StepAction action = step.action();
    if (state == ProbeState.PRESENT
        || (state == ProbeState.NOT_VALID && !(action instanceof StepAction.ValidateConstraint))) {
      return Future.succeededFuture(new StepOutcome.Completed(true));
    }
    Future<?> ran;
    if (action instanceof StepAction.NonTransactionalDdl n) {
      List<String> sql = state == ProbeState.INVALID && n.dropInvalid().isPresent()
          ? List.of(n.dropInvalid().get(), n.sql()) : List.of(n.sql());
      ran = dedicated(sql, ctx);
    } else {
      ran = ctx.pool().withTransaction(conn -> sequence(conn, action.statements(), ctx, true));
    }
    return ran.map(x -> new StepOutcome.Completed(false));
  }

  private Future<Void> dedicated(List<String> sql, StepContext ctx) {
    return PgConnection.connect(ctx.vertx(), PgConnections.options(ctx.database(), APP_NAME))
        .compose(conn -> sequence(conn, sql, ctx, false).eventually(() -> conn.close()));
  }

  private Future<Void> sequence(SqlClient conn, List<String> statements, StepContext ctx, boolean inTransaction) {
    Future<Void> chain = conn.query(lockTimeout(ctx, inTransaction)).execute().mapEmpty();
    for (String sql : statements) {
      chain = chain.compose(x -> Statements.run(conn, sql, ctx.log()).mapEmpty());
    }
    return chain;
  }

  private static String lockTimeout(StepContext ctx, boolean inTransaction) {
    // SET LOCAL inside the transaction; on a dedicated autocommit connection a session SET is the only kind.
    return "SET " + (inTransaction ? "LOCAL " : "") + "lock_timeout = "
        + ctx.defaults().ddl().lockTimeout().toMillis();
  }
}
