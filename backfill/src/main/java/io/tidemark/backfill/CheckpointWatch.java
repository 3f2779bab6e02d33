package io.tidemark.backfill;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.Optional;

/**
 * Notices when checkpoints are being forced while the backfill runs, a way a backfill hurts the
 * application that one server setting cures, and says so once per run.
 *
 * <p>Why it matters: a checkpoint starts when {@code max_wal_size} worth of WAL has been written since the
 * last one (more exactly, about {@code max_wal_size / (1 + checkpoint_completion_target)}). After a
 * checkpoint starts, the first change to every page writes the whole 8 kB page to WAL
 * ({@code full_page_writes}). An application that updates random rows then logs a full page per update for
 * a while, its commits wait for that WAL, and its latency spikes. Measured ({@code docs/benchmarks.md}): with
 * the default {@code max_wal_size = 1GB}, a backfill of 5M rows writing 84 MB/s of WAL forced a checkpoint
 * every ~6 s; throttled to 20,000 rows/s, every ~25 s, and the table's WAL was 5.5 GB against 2.2 GB
 * with {@code max_wal_size = 16GB}, the difference being full pages, with the application's p99 at 194 ms
 * against 100 ms. The cure is the operator's: raise {@code max_wal_size} while the backfill runs, or
 * throttle it.
 *
 * <p>What it reads: the server's count of requested checkpoints ({@code pg_stat_bgwriter.checkpoints_req},
 * {@code pg_stat_checkpointer.num_requested} from PostgreSQL 17), which also counts {@code CHECKPOINT}
 * commands and other databases' WAL on the same server, so the warning says "while the backfill ran", not
 * "because of it". One query per {@link #check} call, which the run makes at most every few seconds. A
 * failed read is ignored: this is advice, not a throttle signal.
 *
 * <p>Confined to the run's event-loop context; not thread-safe.
 */
final class CheckpointWatch {
  /** Checkpoints requested during the run before it counts as a pattern rather than a coincidence. */
  static final int WARN_AFTER = 3;
  private static final String SETTINGS_SQL = """
      SELECT current_setting('server_version_num')::int AS version,
             current_setting('max_wal_size') AS max_wal_size,
             current_setting('checkpoint_timeout') AS checkpoint_timeout""";
  private static final String REQUESTED_SQL = "SELECT checkpoints_req AS requested FROM pg_stat_bgwriter";
  private static final String REQUESTED_SQL_17 = "SELECT num_requested AS requested FROM pg_stat_checkpointer";
  private static final int VERSION_17 = 170_000;

  private final Pool session;
  private String requestedSql = REQUESTED_SQL;
  private String maxWalSize = "?";
  private String checkpointTimeout = "?";
  private long startRequested = -1;
  private long startNanos;
  private boolean warned;

  CheckpointWatch(Pool session) {
    this.session = session;
  }

  /** Reads the settings and the starting count; a failure leaves the watch inert. */
  Future<Void> start() {
    return session.query(SETTINGS_SQL).execute()
        .onSuccess(rows -> adoptSettings(rows.iterator().next()))
        .compose(rows -> requested())
        .onSuccess(this::startAt)
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  private void adoptSettings(Row row) {
    requestedSql = row.getInteger("version") >= VERSION_17 ? REQUESTED_SQL_17 : REQUESTED_SQL;
    maxWalSize = row.getString("max_wal_size");
    checkpointTimeout = row.getString("checkpoint_timeout");
  }

  private void startAt(long requested) {
    startRequested = requested;
    startNanos = System.nanoTime();
  }

  /**
   * The warning, the first time {@value #WARN_AFTER} or more checkpoints have been requested since
   * {@link #start}; empty otherwise, afterwards, and when a read fails.
   */
  Future<Optional<String>> check() {
    if (warned || startRequested < 0) {
      return Future.succeededFuture(Optional.empty());
    }
    return requested()
        .map(this::verdict)
        .recover(e -> Future.succeededFuture(Optional.empty()));
  }

  private Optional<String> verdict(long now) {
    long forced = now - startRequested;
    if (forced < WARN_AFTER) {
      return Optional.empty();
    }
    warned = true;
    Duration span = Duration.ofNanos(System.nanoTime() - startNanos);
    long every = Math.max(1, span.toSeconds() / forced);
    return Optional.of(forced + " checkpoints were requested in the " + span.toSeconds() + " s this backfill "
        + "has run so far (one every ~" + every + " s; max_wal_size = " + maxWalSize + ", checkpoint_timeout = "
        + checkpointTimeout + "). This often, it usually means the WAL written on the server, a backfill's "
        + "above all, keeps filling max_wal_size; after each checkpoint the application's first write to every "
        + "page logs a full page image, which can double the WAL and spikes its latency. Raise max_wal_size "
        + "while the backfill runs, or lower max-rows-per-second");
  }

  private Future<Long> requested() {
    return session.query(requestedSql).execute().map(rows -> rows.iterator().next().getLong("requested"));
  }
}
