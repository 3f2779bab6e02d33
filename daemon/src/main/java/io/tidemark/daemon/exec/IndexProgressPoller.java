package io.tidemark.daemon.exec;

import io.tidemark.pg.Connector;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Samples {@code pg_stat_progress_create_index} for one backend while it runs a statement, on a connection
 * of its own (the building one is busy), and hands each sample to {@link ExecutionContext#onIndexProgress()}.
 * A statement that builds no index simply yields no samples. Runs on the event loop of the timer; at most
 * one query in flight; a failed sample is skipped (progress is advice, never a reason to fail a build).
 *
 * <p>The ratio weights PostgreSQL's phases of a concurrent build by their usual share of the time: the first
 * table scan is most of it. {@code building index: scanning table} at 40 % of its blocks gives
 * {@code 0.05 + 0.45 * 0.4 = 0.23}; {@code waiting for old snapshots} is {@code 0.95}.
 */
final class IndexProgressPoller {
  /**
   * One row for the backend: the phase with its counters and, when it waits, whom for. A waiting build
   * holds an ungranted lock on the virtual transaction id of each transaction it waits for; the holder of
   * that vxid is the pid to report, and its {@code xact_start} says how old the transaction is.
   */
  private static final String PROGRESS_SQL = """
      SELECT p.phase, p.blocks_total, p.blocks_done, p.tuples_total, p.tuples_done,
             w.pids, w.oldest_seconds
        FROM pg_stat_progress_create_index p
        LEFT JOIN LATERAL (
          SELECT array_agg(DISTINCT a.pid) AS pids,
                 EXTRACT(EPOCH FROM max(now() - a.xact_start))::float8 AS oldest_seconds
            FROM pg_locks waiting
            JOIN pg_locks holding ON holding.locktype = 'virtualxid'
                                 AND holding.virtualxid = waiting.virtualxid AND holding.granted
            JOIN pg_stat_activity a ON a.pid = holding.pid
           WHERE waiting.pid = p.pid AND waiting.locktype = 'virtualxid' AND NOT waiting.granted) w ON true
       WHERE p.pid = $1""";

  private final Vertx vertx;
  private final Connector connector;
  private final ExecutionContext ctx;
  private final int pid;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile PgConnection connection;
  private volatile double highest;
  private long timerId = -1;

  private IndexProgressPoller(Vertx vertx, Connector connector, ExecutionContext ctx, int pid) {
    this.vertx = vertx;
    this.connector = connector;
    this.ctx = ctx;
    this.pid = pid;
  }

  static IndexProgressPoller start(Vertx vertx, Connector connector, ExecutionContext ctx, int pid) {
    IndexProgressPoller poller = new IndexProgressPoller(vertx, connector, ctx, pid);
    long every = Math.max(10, ctx.progressInterval().toMillis());
    poller.timerId = vertx.setPeriodic(every, id -> poller.tick());
    return poller;
  }

  /** Stops sampling and closes the sampling connection; always succeeds. */
  Future<Void> stop() {
    stopped.set(true);
    vertx.cancelTimer(timerId);
    PgConnection c = connection;
    connection = null;
    return c == null ? Future.succeededFuture() : c.close().otherwiseEmpty();
  }

  private void tick() {
    if (stopped.get() || !busy.compareAndSet(false, true)) {
      return;
    }
    connection()
        .compose(c -> c.preparedQuery(PROGRESS_SQL).execute(Tuple.of(pid)))
        .onSuccess(this::report)
        .onComplete(ar -> busy.set(false));
  }

  private Future<PgConnection> connection() {
    PgConnection c = connection;
    if (c != null) {
      return Future.succeededFuture(c);
    }
    return connector.connect(ctx.sessionOptions(ctx.applicationName() + ":progress"))
        .onSuccess(this::keep);
  }

  private void keep(PgConnection c) {
    if (stopped.get()) {
      c.close();
    } else {
      connection = c;
    }
  }

  private void report(RowSet<Row> rows) {
    if (stopped.get() || rows.size() == 0) {
      return;
    }
    Row row = rows.iterator().next();
    String phase = row.getString("phase");
    highest = Math.max(highest, ratio(phase, row));
    Integer[] pids = row.getArrayOfIntegers("pids");
    List<Integer> waitingOn = pids == null ? List.of() : Arrays.asList(pids);
    Optional<Duration> oldest = Optional.ofNullable(row.getDouble("oldest_seconds"))
        .map(s -> Duration.ofMillis((long) (s * 1000)));
    ctx.onIndexProgress().accept(new IndexProgress(highest, phase, waitingOn, oldest));
  }

  static double ratio(String phase, Row row) {
    double blocks = fraction(row.getLong("blocks_done"), row.getLong("blocks_total"));
    double tuples = fraction(row.getLong("tuples_done"), row.getLong("tuples_total"));
    return ratio(phase, blocks, tuples);
  }

  static double ratio(String phase, double blocks, double tuples) {
    return switch (phase) {
      case "initializing" -> 0.0;
      case "waiting for writers before build" -> 0.02;
      case "building index: scanning table" -> 0.05 + 0.45 * blocks;
      case "building index: sorting live tuples" -> 0.50;
      case "building index: loading tuples in tree" -> 0.52 + 0.08 * tuples;
      case "waiting for writers before validation" -> 0.60;
      case "index validation: scanning index" -> 0.62 + 0.08 * blocks;
      case "index validation: sorting tuples" -> 0.70;
      case "index validation: scanning table" -> 0.72 + 0.22 * blocks;
      case "waiting for old snapshots" -> 0.95;
      default -> phase.startsWith("waiting for readers") ? 0.98 : 0.0;
    };
  }

  private static double fraction(Long done, Long total) {
    if (done == null || total == null || total <= 0) {
      return 0;
    }
    return Math.min(1.0, done / (double) total);
  }
}
