package io.tidemark.daemon.exec;

import io.tidemark.daemon.exec.AttemptRecord.Outcome;
import io.tidemark.pg.Backoff;
import io.tidemark.pg.Connector;
import io.tidemark.pg.FailureKind;
import io.tidemark.pg.Failures;
import io.tidemark.pg.PgConnections;
import io.tidemark.pg.ServerErrors;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Probe;
import io.tidemark.planner.ProbeState;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.StepAction.NonTransactionalDdl;
import io.tidemark.planner.StepAction.TransactionalDdl;
import io.tidemark.planner.StepAction.ValidateConstraint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of {@link StepExecutor#execute}: the attempt loop and the attempts recorded so far. Probes and
 * transactions run on the caller's pool when it gave one ({@link ExecutionContext#shared}), otherwise on a
 * one-connection pool that lives as long as the call. A non-transactional statement sets its timeouts on
 * the session: on the caller's pool it borrows a session and resets them before giving it back (a session
 * whose reset fails is closed, never reused); without one it gets a fresh connection per attempt, closed
 * when it ends. Borrowing matters at fleet size: a connection is a backend started on the server, about
 * 28 ms of its CPU on a small 2-core machine, and each database's expand phase would start one more per
 * index.
 */
final class StepRun {
  private static final Logger LOG = LoggerFactory.getLogger(StepRun.class);
  /** Transaction-scoped settings; values as bind parameters ({@code '500ms'}), never spliced. */
  private static final String SET_LOCAL_TIMEOUTS =
      "SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)";
  /** The same for a whole session: the dedicated connection of a non-transactional statement. */
  private static final String SET_SESSION_TIMEOUTS =
      "SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)";

  private static final String RESET_SESSION_TIMEOUTS = "RESET lock_timeout; RESET statement_timeout";

  /** How long a closed connection's FATAL error may trail the query's failure (see {@link #withFatalCause}). */
  private static final long FATAL_GRACE_MS = 50;

  private final Vertx vertx;
  private final RandomGenerator random;
  private final CompiledStep step;
  private final ExecutionContext ctx;
  private final Backoff backoff;
  private final Pool pool;
  /** Whether {@link #pool} is this call's own, closed when it ends (not the caller's shared one). */
  private final boolean ownPool;
  private final Connector connector;
  private final List<AttemptRecord> attempts = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  /** The last error the server sent outside a query on the current dedicated connection. */
  private final AtomicReference<Throwable> fatal = new AtomicReference<>();

  StepRun(Vertx vertx, RandomGenerator random, Connector connector, CompiledStep step, ExecutionContext ctx) {
    this.vertx = vertx;
    this.connector = connector;
    this.random = random;
    this.step = step;
    this.ctx = ctx;
    this.backoff = Backoff.of(ctx.ddl());
    this.ownPool = ctx.shared().isEmpty();
    this.pool = ctx.shared().orElseGet(() -> connector.pool(ctx.sessionOptions(ctx.applicationName()), 1));
  }

  Future<StepResult> run() {
    return attempt(1).eventually(() -> ownPool ? pool.close() : Future.succeededFuture());
  }

  private Future<StepResult> attempt(int n) {
    return PgConnections.verify(pool, ctx.server())
        .compose(v -> probe())
        .compose(state -> act(state, n))
        .recover(error -> retryOrFail(error, n));
  }

  private Future<ProbeState> probe() {
    Optional<Probe> probe = step.probe();
    if (probe.isEmpty()) {
      return Future.succeededFuture(ProbeState.ABSENT);
    }
    return pool.preparedQuery(probe.get().sql())
        .execute(Tuple.from(probe.get().params()))
        .map(this::probeState);
  }

  private ProbeState probeState(RowSet<Row> rows) {
    if (rows.size() != 1) {
      throw new IllegalStateException("the probe of step " + step.id() + " returned " + rows.size() + " rows, not 1");
    }
    return ProbeState.fromSql(rows.iterator().next().getString("state"));
  }

  private Future<StepResult> act(ProbeState state, int n) {
    StepAction action = step.action();
    if (action instanceof TransactionalDdl t) {
      return transactional(t, state, n);
    }
    if (action instanceof NonTransactionalDdl d) {
      return nonTransactional(d, state, n);
    }
    if (action instanceof ValidateConstraint v) {
      return validate(v, state, n);
    }
    return Future.failedFuture(new IllegalArgumentException("step " + step.id() + ": no executor for " + action.kind()));
  }

  // --- transactional DDL: one transaction, all or nothing -------------------------------------------------

  private Future<StepResult> transactional(TransactionalDdl t, ProbeState state, int n) {
    if (isDone(state)) {
      return alreadyDone();
    }
    return timed(n, String.join(";\n", t.sql()), () -> pool.withTransaction(c -> inTransaction(c, t.sql())))
        .map(v -> result(StepResult.Outcome.APPLIED));
  }

  private Future<Void> inTransaction(SqlClient client, List<String> statements) {
    Future<Void> chain = setTimeouts(client, SET_LOCAL_TIMEOUTS);
    for (String sql : statements) {
      chain = chain.compose(v -> client.query(sql).execute().mapEmpty());
    }
    return chain;
  }

  // --- non-transactional DDL: a dedicated connection for one statement ------------------------------------

  private Future<StepResult> nonTransactional(NonTransactionalDdl d, ProbeState state, int n) {
    if (isDone(state)) {
      return alreadyDone();
    }
    if (state == ProbeState.INVALID && d.dropInvalid().isEmpty()) {
      return Future.failedFuture(statementFailure(Optional.empty(),
          "the probe found an INVALID leftover but the step has no statement to drop it", null));
    }
    fatal.set(null);
    if (!ownPool) {
      return pool.withConnection(c -> borrowed(PgConnection.cast(c), d, state, n));
    }
    return connector.connect(ctx.sessionOptions(ctx.applicationName()))
        .compose(conn -> verified(conn.exceptionHandler(fatal::set), d, state, n).eventually(conn::close));
  }

  private Future<StepResult> borrowed(PgConnection conn, NonTransactionalDdl d, ProbeState state, int n) {
    return verified(conn.exceptionHandler(fatal::set), d, state, n).eventually(() -> resetSession(conn));
  }

  /** Gives the borrowed session back as it was lent: no timeouts of ours, no handler of ours. */
  private static Future<Void> resetSession(PgConnection conn) {
    conn.exceptionHandler(null);
    return conn.query(RESET_SESSION_TIMEOUTS).execute().<Void>mapEmpty().recover(e -> conn.close());
  }

  /** The statement runs as SQL text on this session: only with {@code standard_conforming_strings = on}. */
  private Future<StepResult> verified(PgConnection conn, NonTransactionalDdl d, ProbeState state, int n) {
    return PgConnections.verify(conn, ctx.server()).compose(v -> onDedicated(conn, d, state, n));
  }

  private Future<StepResult> onDedicated(PgConnection conn, NonTransactionalDdl d, ProbeState state, int n) {
    Duration lockTimeout = d.buildsIndex() ? ctx.ddl().indexBuildLockTimeout() : ctx.ddl().lockTimeout();
    return setTimeouts(conn, SET_SESSION_TIMEOUTS, lockTimeout)
        .compose(v -> state == ProbeState.INVALID ? dropInvalid(conn, d.dropInvalid().get(), n) : Future.succeededFuture())
        .compose(v -> timed(n, d.sql(), () -> withProgress(conn, d.sql())))
        .map(v -> result(StepResult.Outcome.APPLIED));
  }

  private Future<Void> dropInvalid(PgConnection conn, String dropSql, int n) {
    return timed(n, dropSql, () -> withProgress(conn, dropSql));
  }

  private Future<Void> withProgress(PgConnection conn, String sql) {
    IndexProgressPoller poller = IndexProgressPoller.start(vertx, connector, ctx, conn.processId());
    return conn.query(sql).execute().<Void>mapEmpty().recover(this::withFatalCause).eventually(poller::stop);
  }

  /**
   * A backend terminated mid-statement sends a FATAL error ({@code 57P01} after {@code pg_terminate_backend})
   * to the connection's exception handler, and the running query fails only with "connection closed" or
   * "connection reset", sometimes before the handler has run. The attempt is recorded with the server's SQLSTATE: when the
   * FATAL has not arrived yet, it is looked for again once the event loop has had a moment to deliver it.
   */
  private <T> Future<T> withFatalCause(Throwable error) {
    if (Failures.sqlState(error).isPresent() || Failures.kind(error) != FailureKind.CONNECTION) {
      return Future.failedFuture(error);
    }
    Future<Void> settle = fatal.get() == null ? vertx.timer(FATAL_GRACE_MS, TimeUnit.MILLISECONDS) : Future.succeededFuture();
    return settle.transform(v -> Future.failedFuture(fatal.get() != null ? fatal.get() : error));
  }

  // --- VALIDATE CONSTRAINT: a transaction; violations are counted and sampled -----------------------------

  private Future<StepResult> validate(ValidateConstraint v, ProbeState state, int n) {
    if (state == ProbeState.PRESENT) {
      return alreadyDone();
    }
    if (state == ProbeState.ABSENT && step.probe().isPresent()) {
      return Future.failedFuture(statementFailure(Optional.empty(), "constraint " + v.constraint() + " does not exist on "
          + v.schema() + "." + v.table() + ": the step adding it NOT VALID must run first", null));
    }
    return timed(n, v.sql(), () -> pool.withTransaction(c -> inTransaction(c, List.of(v.sql()))))
        .map(x -> result(StepResult.Outcome.APPLIED))
        .recover(error -> Failures.isViolation(error) ? violations(v, error) : Future.failedFuture(error));
  }

  private Future<StepResult> violations(ValidateConstraint v, Throwable error) {
    return pool.query(v.violationCountSql()).execute()
        .compose(count -> pool.query(v.violationSampleSql()).execute()
            .map(sample -> validationFailure(v, error, count.iterator().next().getLong(0), sampleKeys(sample))))
        .compose(Future::failedFuture);
  }

  private ValidationFailure validationFailure(ValidateConstraint v, Throwable error, long count, List<String> keys) {
    return new ValidationFailure(step.id(), Failures.sqlState(error).orElseThrow(), v.constraint(),
        v.schema() + "." + v.table(), count, keys, attempts, error);
  }

  /**
   * Each sample row as one string: a single column as its value (the compiler's samples are one JSON
   * column, {@code {"id": 17, "customer_id": 99}}), several as {@code col=value, col=value}.
   */
  private static List<String> sampleKeys(RowSet<Row> rows) {
    List<String> keys = new ArrayList<>();
    for (Row row : rows) {
      if (keys.size() == 10) {
        break;
      }
      keys.add(row.size() == 1 ? String.valueOf(row.getValue(0)) : columnsAndValues(row));
    }
    return keys;
  }

  private static String columnsAndValues(Row row) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < row.size(); i++) {
      parts.add(row.getColumnName(i) + "=" + row.getValue(i));
    }
    return String.join(", ", parts);
  }

  // --- attempts, retries, results -------------------------------------------------------------------------

  private Future<Void> setTimeouts(SqlClient client, String sql) {
    return setTimeouts(client, sql, ctx.ddl().lockTimeout());
  }

  private Future<Void> setTimeouts(SqlClient client, String sql, Duration lockTimeout) {
    Tuple values = Tuple.of(millis(lockTimeout), millis(ctx.ddl().statementTimeout()));
    return client.preparedQuery(sql).execute(values).mapEmpty();
  }

  private static String millis(Duration d) {
    return d.toMillis() + "ms";
  }

  /** Runs one statement and records it as attempt {@code n}, whatever the outcome. */
  private <T> Future<T> timed(int n, String statement, Supplier<Future<T>> work) {
    long t0 = System.nanoTime();
    return work.get().andThen(ar -> record(n, statement, Duration.ofNanos(System.nanoTime() - t0), ar.cause()));
  }

  private void record(int n, String statement, Duration took, Throwable error) {
    AttemptRecord a = error == null
        ? new AttemptRecord(n, statement, took, Outcome.SUCCEEDED, Optional.empty(), Optional.empty())
        : new AttemptRecord(n, statement, took, willRetry(error, n) ? Outcome.RETRYING : Outcome.FAILED,
            Failures.sqlState(error), Failures.message(error));
    attempts.add(a);
    ctx.onAttempt().accept(a);
  }

  private boolean willRetry(Throwable error, int n) {
    if (n >= ctx.ddl().maxAttempts() || error instanceof StepFailure) {
      return false;
    }
    FailureKind kind = Failures.kind(error);
    return kind == FailureKind.LOCK_TIMEOUT
        || (kind == FailureKind.SERIALIZATION && !(step.action() instanceof NonTransactionalDdl));
  }

  private Future<StepResult> retryOrFail(Throwable error, int n) {
    if (error instanceof StepFailure) {
      return Future.failedFuture(error);
    }
    if (willRetry(error, n)) {
      long wait = backoff.delayAfter(n, random).toMillis();
      return vertx.timer(Math.max(1, wait), TimeUnit.MILLISECONDS).compose(v -> attempt(n + 1));
    }
    return Future.failedFuture(failure(error, n));
  }

  private StepFailure failure(Throwable error, int n) {
    // DETAIL, HINT and a data exception's value can quote rows: DEBUG only, never in the API (ServerErrors).
    if (error instanceof PgException pg) {
      ServerErrors.withheld(pg).ifPresent(w -> LOG.debug("step {} failed [{}]; the server also said {}", step.id(),
          pg.getSqlState(), w));
    }
    Optional<String> state = Failures.sqlState(error);
    String message = Failures.message(error).orElse("");
    return switch (Failures.kind(error)) {
      case CONNECTION -> new TransientFailure(step.id(), state, "connection lost: " + message, attempts, error);
      case TRANSIENT -> new TransientFailure(step.id(), state, "server out of resources: " + message, attempts, error);
      case LOCK_TIMEOUT -> statementFailure(state, "lock not available after " + n + " attempt(s): " + message, error);
      default -> statementFailure(state, message, error);
    };
  }

  private StatementFailure statementFailure(Optional<String> state, String message, Throwable cause) {
    return new StatementFailure(step.id(), state, "step " + step.id() + ": " + message, attempts, cause);
  }

  /** An add step is done when its effect exists; a NOT VALID constraint counts (its VALIDATE is its own step). */
  private static boolean isDone(ProbeState state) {
    return state == ProbeState.PRESENT || state == ProbeState.NOT_VALID;
  }

  private Future<StepResult> alreadyDone() {
    return Future.succeededFuture(result(StepResult.Outcome.ALREADY_DONE));
  }

  private StepResult result(StepResult.Outcome outcome) {
    return new StepResult(step.id(), outcome, attempts, Duration.ofNanos(System.nanoTime() - startNanos));
  }
}
