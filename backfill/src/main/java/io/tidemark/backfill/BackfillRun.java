package io.tidemark.backfill;

import io.tidemark.backfill.throttle.Throttle;
import io.tidemark.backfill.throttle.ThrottleControls;
import io.tidemark.backfill.throttle.ThrottleReason;
import io.tidemark.backfill.throttle.ThrottleSignal;
import io.tidemark.config.BackfillSettings;
import io.tidemark.pg.Backoff;
import io.tidemark.pg.Connector;
import io.tidemark.pg.FailureKind;
import io.tidemark.pg.Failures;
import io.tidemark.pg.PgConnections;
import io.tidemark.pg.ServerErrors;
import io.tidemark.pg.SqlStates;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One running backfill step on one database: the handle the daemon keeps. Started by
 * {@link BackfillEngine#start}; ends {@link BackfillState#DONE}, {@link BackfillState#STOPPED} (on
 * {@link #stop()}) or {@link BackfillState#FAILED}.
 *
 * <p><b>What it commits.</b> Each batch is one transaction on the target database: the {@code UPDATE} of
 * one key range and the advance of the step's row in {@code tidemark.backfill_checkpoints}. Why sharing
 * the transaction makes {@code n = n + 1} come out exactly once per row however often the process is
 * killed: the checkpoint says "every key up to K is done" and it is only ever true together with the
 * updates that made it true. Killed before COMMIT reached the server, both roll back and the next run
 * redoes the range from the old checkpoint (nothing was applied); killed after, both are durable and the
 * next run starts after K (nothing is applied twice). There is no moment where one is committed without
 * the other, which a checkpoint kept anywhere else (a file, the control store, a second transaction)
 * could not promise. When the connection drops during COMMIT the outcome is unknown to us, so the run
 * re-reads the checkpoint from the database before retrying instead of trusting its memory.
 *
 * <p><b>Which rows.</b> Every key from the first up to the upper bound frozen in the checkpoint when the step
 * first started. Rows inserted later above that bound are the application's to write correctly (or a sync
 * trigger's, which rename/change-type steps install before their backfill); chasing a moving maximum on a
 * busy table would never finish. Rows inserted later inside the range are updated if a batch reaches them.
 *
 * <p><b>Asynchronous commit.</b> With {@code synchronous-commit = false} each batch transaction runs with
 * {@code synchronous_commit = off}: COMMIT returns before its WAL is flushed (and without waiting for
 * synchronous standbys), which saves one fsync per batch — a few percent at 250 ms batches, much more with
 * small ones or slow disks. The price: if the database server crashes, the batches committed in the last
 * moments (up to about 3 × {@code wal_writer_delay}, 600 ms by default) are lost — together with their
 * checkpoint rows, because they are the same transactions — so the resumed run simply redoes them: still
 * exactly once. A crash of Tidemark itself loses nothing either way. Do not use it when the updated rows
 * must survive a failover to a synchronous standby the instant the batch reports done.
 *
 * <p><b>What it retries.</b> A batch that hits {@code lock_timeout} (an application transaction holds a
 * row of the range), a deadlock or a serialization failure is rolled back and retried at the same size
 * after a short jittered backoff ({@link Backoff#BATCH}), for as long as it takes
 * ({@link BackfillProgress#lockRetries()} counts them). Lost connections are retried 8 times with the same
 * backoff. A statement timeout halves the
 * batch and retries. Anything else — the step's own expression failing — fails the step with the SQLSTATE
 * and the batch's key range ({@link BackfillException}); earlier batches stay committed.
 *
 * <p><b>Threads.</b> All work runs on the Vert.x context that called {@code start}, as future chains; the
 * event loop is never blocked. {@link #progress()}, {@link #controls()} and {@link #stop()} may be called
 * from any thread.
 */
public final class BackfillRun {
  private static final Logger LOG = LoggerFactory.getLogger(BackfillRun.class);
  /**
   * Per-batch session settings, local to the batch's transaction. {@code lock_timeout} is the target batch
   * duration: the longest the batch waits for an application's row lock, and so about the longest an
   * application can be kept waiting behind the row locks the batch already holds. {@code synchronous_commit}
   * only ever goes down to {@code off} (never overrides a stricter server setting to {@code on}). The same
   * statement reads the session's pid (watched while the batch runs, and left out of the throttle's count of
   * active sessions) and its {@code standard_conforming_strings} ({@link PgConnections#requireConforming}):
   * the plan's expressions are part of the batch's SQL text, and the session may be a new one since the
   * last batch.
   */
  private static final String PREPARE_SQL = """
      SELECT set_config('lock_timeout', $1, true),
             set_config('synchronous_commit', CASE WHEN $2 THEN current_setting('synchronous_commit') ELSE 'off' END, true),
             pg_backend_pid() AS pid, """ + PgConnections.SESSION_CHECK_COLUMNS;
  private static final int MAX_CONNECTION_RETRIES = 8;
  private static final long RATE_WINDOW_NANOS = 30_000_000_000L;
  private static final long MIN_LOCK_TIMEOUT_MS = 50;
  /** How often the run asks whether checkpoints are being forced ({@link CheckpointWatch}). */
  private static final long CHECKPOINT_CHECK_NANOS = 10_000_000_000L;

  private final Vertx vertx;
  private final Context context;
  private final BackfillJob job;
  private final ServerBudget budget;
  private final Connector connector;
  private final HttpClient http;
  private final Consumer<CommittedBatch> onBatch;
  private final ThrottleControls controls;
  private final AtomicReference<BackfillProgress> progress;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final Promise<BackfillResult> completion = Promise.promise();
  private final Promise<Void> ended = Promise.promise();
  private final long startNanos = System.nanoTime();
  private long firstBatchNanos;

  // Confined to the context from here on.
  private Future<ServerBudget.Permit> pendingPermit;
  private ServerBudget.Permit permit;
  private Pool batchPool;
  private Pool monitorPool;
  /** The caller's session on the database to prepare on ({@link BackfillEngine#start(BackfillJob, Pool)}). */
  private final Optional<Pool> callerPool;
  /** Where this step's runs start and where this one ended ({@link SizeHints}). */
  private final SizeHints hints;
  private Throttle throttle;
  private BatchWatcher watcher;
  private BatchWatcher.Watch watch;
  private CheckpointWatch checkpoints;
  private long lastCheckpointCheck = System.nanoTime();
  private CheckpointStore store;
  private TableKey key;
  private BatchStatements sql;
  private Checkpoint checkpoint;
  private Estimate estimate;
  private final BatchSizer sizer;
  private final RateWindow rate = new RateWindow(RATE_WINDOW_NANOS);
  private long sleepTimer = -1;
  private int connectionFailures;
  private long lockRetries;
  /** Lock retries since the last committed batch: the backoff grows with these, not with the run's total. */
  private int lockRetriesInARow;
  /** The last throttle check failed: the next failure is not logged again. */
  private boolean throttleFailing;
  private Duration lastBatchDuration = Duration.ZERO;
  private Optional<String> lastError = Optional.empty();
  /** The last key of the batch in flight, once known: names the range when its UPDATE fails. */
  private Optional<List<String>> pendingHigh = Optional.empty();

  /** One attempt at one batch: from where, how many keys, with which settings. */
  private record Attempt(Checkpoint from, int size, BackfillSettings settings) {}

  /** What a committed batch did; {@code to} is the checkpoint it committed. */
  private record Outcome(Checkpoint to, long keys, long updated) {}

  /** Row-estimate inputs read once at start. */
  private record Estimate(double reltuples, Optional<List<String>> minKey) {}

  BackfillRun(
      Vertx vertx, Context context, BackfillJob job, ServerBudget budget, Connector connector, HttpClient http,
      Consumer<CommittedBatch> onBatch, Optional<Pool> callerPool, SizeHints hints) {
    this.callerPool = callerPool;
    this.hints = hints;
    this.vertx = vertx;
    this.connector = connector;
    this.onBatch = onBatch;
    this.context = context;
    this.job = job;
    this.budget = budget;
    this.http = http;
    this.controls = job.controls();
    this.sizer = new BatchSizer(hints.startingSize(job.planId(), job.stepId(), controls.backfill()));
    this.progress = new AtomicReference<>(
        BackfillProgress.initial(BackfillState.WAITING_FOR_BUDGET, controls.backfill().minBatchRows()));
  }

  public String planId() {
    return job.planId();
  }

  public String stepId() {
    return job.stepId();
  }

  public String database() {
    return job.database().name();
  }

  /** The latest snapshot; any thread. */
  public BackfillProgress progress() {
    return progress.get();
  }

  /** The settings this run reads before every batch; change them to throttle at runtime. Any thread. */
  public ThrottleControls controls() {
    return controls;
  }

  /** Completes when the run ends: DONE or STOPPED; fails with {@link BackfillException} when the step failed. */
  public Future<BackfillResult> completion() {
    return completion.future();
  }

  /**
   * Stops at the next batch boundary: a batch in flight commits (or is abandoned and rolled back if it
   * fails); no new batch starts; a throttle wait is cut short. The returned future completes when the run
   * has ended and released its connections — at once if it already had. Idempotent; any thread.
   */
  public Future<Void> stop() {
    stopRequested.set(true);
    context.runOnContext(v -> {
      if (permit == null && pendingPermit != null) {
        budget.cancel(pendingPermit);
      }
      wakeUp();
    });
    return ended.future();
  }

  /**
   * Prepares, then waits for the server's budget, then starts the batches. Preparing (opening and checking
   * the sessions, creating the checkpoint table, reading the key and creating or loading the checkpoint)
   * writes nothing the application reads, so it runs before the budget is asked for: the backfills of one
   * server queue only for their batches, and the next one in line is ready the moment the budget passes to
   * it. Worked example: 1,000 small tenants, one backfill at a time: with the two sessions opened after the
   * budget came, each handover took about 100 ms on a machine where starting a backend costs 28 ms (two
   * backends, their checks, their pids, then the first batch on a cold session) against 150 ms of batches;
   * prepared beforehand, the handover is the budget's own. Given the caller's pool (the daemon's drive
   * holds a session on the database anyway) the batches run on it — warm from the preparation, and one
   * backend fewer per database. Without, the run opens a batch session of its own. Either way the batch
   * session also reads the throttle signals and the checkpoint counters, between batches; the monitor
   * session, which watches a running batch for lock waits, is opened only when a batch runs long enough to
   * be watched (half the target duration), so a small table's backfill starts no backend beyond its batch
   * session. The run's own sessions are given up when other work on the server waits for one, and after
   * the server's idle timeout.
   */
  void begin() {
    context.runOnContext(v -> prepare()
        .compose(v2 -> acquirePermit())
        .compose(this::start)
        .onSuccess(v2 -> next())
        .onFailure(this::fail));
  }

  private Future<Void> prepare() {
    if (stopRequested.get()) {
      return Future.failedFuture(new StoppedBeforeStart());
    }
    publish(BackfillState.STARTING, Optional.empty());
    openSessions();
    return PgConnections.verify(batchPool, job.database()).compose(v -> prepareOn(batchPool));
  }

  /** The checkpoint table, the key, the checkpoint itself: read and written through {@code pool}. */
  private Future<Void> prepareOn(Pool pool) {
    KeyCatalog catalog = new KeyCatalog(pool);
    store = new CheckpointStore(pool, job.planId(), job.stepId());
    return store.ensureTable()
        .compose(v -> catalog.describe(job.spec().schema(), job.spec().table()))
        .compose(info -> prepareCheckpoint(catalog, info));
  }

  /**
   * The sessions: the batches' (the caller's pool when given, else one of the run's own), which between
   * batches also reads the throttle signals and the checkpoint counters, and the monitor session, which
   * watches a batch while it runs. Pools connect on their first query: nothing opens here. The monitor
   * session runs only Tidemark's own statements with bound values, never the plan's text, so it needs no
   * {@link PgConnections#verify}.
   */
  private void openSessions() {
    batchPool = callerPool.orElseGet(() -> pool("tidemark/backfill"));
    monitorPool = pool("tidemark/backfill-monitor");
    throttle = new Throttle(vertx, batchPool, http, controls);
    watcher = new BatchWatcher(vertx, monitorPool);
    checkpoints = new CheckpointWatch(batchPool);
  }

  private Future<ServerBudget.Permit> acquirePermit() {
    if (stopRequested.get()) {
      return Future.failedFuture(new StoppedBeforeStart());
    }
    publish(BackfillState.WAITING_FOR_BUDGET, Optional.empty());
    pendingPermit = budget.acquire(job.database().server());
    return pendingPermit;
  }

  /**
   * With the budget: the checkpoint watch's starting count, then RUNNING. The batch session is checked by
   * every batch ({@link #PREPARE_SQL}), so one opened anew while the run waited is checked too.
   */
  private Future<Void> start(ServerBudget.Permit granted) {
    permit = granted;
    if (stopRequested.get()) {
      return Future.failedFuture(new StoppedBeforeStart());
    }
    return checkpoints.start()
        .onSuccess(v -> {
          rate.record(System.nanoTime(), checkpoint.rowsDone());
          publish(BackfillState.RUNNING, Optional.empty());
        });
  }

  private Pool pool(String applicationName) {
    return connector.pool(PgConnections.options(job.database(), applicationName), 1);
  }

  private Future<Void> prepareCheckpoint(KeyCatalog catalog, KeyCatalog.TableInfo info) {
    key = info.key();
    sql = BatchStatements.of(key, job.spec());
    Future<Optional<List<String>>> min = key.measurable() ? catalog.minKey(key) : Future.succeededFuture(Optional.empty());
    return min
        .compose(minKey -> {
          estimate = new Estimate(info.reltuples(), minKey);
          return store.load();
        })
        .compose(stored -> stored.isPresent() ? resume(stored.get()) : freshStart(catalog))
        .onSuccess(c -> logged(() -> LOG.info("backfill {}/{} on {}: {} by {} ({}), {} keys done, state {}",
            job.planId(), job.stepId(), database(), key.qualifiedTable(), key.names(), key.index(), c.rowsDone(),
            c.state())))
        .mapEmpty();
  }

  /** First start: freeze the upper bound now (rows inserted later are the application's). */
  private Future<Checkpoint> freshStart(KeyCatalog catalog) {
    return catalog.maxKey(key)
        .compose(upper -> store.loadOrCreate(key, upper))
        .compose(this::adopt);
  }

  private Future<Checkpoint> resume(Checkpoint stored) {
    if (!stored.keyColumns().equals(key.names())) {
      return Future.failedFuture(BackfillException.of("checkpoint of " + job.stepId() + " walks key "
          + stored.keyColumns() + " but " + key.qualifiedTable() + " now has key " + key.names()
          + "; the table changed under the backfill"));
    }
    if (Checkpoint.FAILED.equals(stored.state())) {
      Checkpoint retried = new Checkpoint(stored.keyColumns(), stored.lastKey(), stored.upperKey(),
          stored.rowsDone(), stored.rowsUpdated(), stored.batches(), Checkpoint.RUNNING, Optional.empty());
      return store.setState(Checkpoint.RUNNING, Optional.empty()).compose(v -> adopt(retried));
    }
    return adopt(stored);
  }

  private Future<Checkpoint> adopt(Checkpoint c) {
    checkpoint = c;
    return Future.succeededFuture(c);
  }

  // ---- the batch loop ------------------------------------------------------------------------------

  private void next() {
    if (stopRequested.get()) {
      finish(BackfillState.STOPPED);
    } else if (checkpoint.done()) {
      finish(BackfillState.DONE);
    } else {
      throttleVerdict().onSuccess(this::afterThrottle);
    }
  }

  /**
   * The throttle's verdict, failing closed: a check that fails for any reason (a signal it cannot read, a
   * bug) holds the batch for a check interval, exactly as a tripped signal would. The first failure of a
   * streak is logged at WARN with its cause; the reason shows in progress until a check succeeds again.
   */
  private Future<Optional<ThrottleReason>> throttleVerdict() {
    Future<Optional<ThrottleReason>> verdict;
    try {
      verdict = throttle.check();
    } catch (RuntimeException e) {
      verdict = Future.failedFuture(e);
    }
    return verdict.transform(ar -> Future.succeededFuture(ar.succeeded() ? checked(ar.result()) : held(ar.cause())));
  }

  private Optional<ThrottleReason> checked(Optional<ThrottleReason> reason) {
    throttleFailing = false;
    return reason;
  }

  private Optional<ThrottleReason> held(Throwable e) {
    if (!throttleFailing) {
      logged(() -> LOG.warn("backfill {}/{} on {}: throttle check failed; holding batches until it succeeds",
          job.planId(), job.stepId(), database(), e));
    }
    throttleFailing = true;
    return Optional.of(new ThrottleReason(ThrottleSignal.CHECK_FAILED, "unreadable: " + describe(e), true,
        throttle.checkInterval()));
  }

  private void afterThrottle(Optional<ThrottleReason> reason) {
    if (reason.isPresent()) {
      publish(BackfillState.RUNNING, reason);
      sleep(reason.get().retryAfter());
      return;
    }
    if (stopRequested.get()) {
      next();
      return;
    }
    BackfillSettings settings = controls.backfill();
    Attempt attempt = new Attempt(checkpoint, sizer.size(settings, settings.maxRowsPerSecond()), settings);
    long started = System.nanoTime();
    firstBatchNanos = firstBatchNanos == 0 ? started : firstBatchNanos;
    pendingHigh = Optional.empty();
    batchPool.withTransaction(tx -> batch(tx, attempt))
        .onComplete(ar -> afterBatch(ar, attempt, Duration.ofNanos(System.nanoTime() - started)));
  }

  /** One transaction: settings, find the range's end, update the range, advance the checkpoint. */
  private Future<Outcome> batch(SqlConnection tx, Attempt attempt) {
    return prepare(tx, attempt)
        .compose(pid -> {
          watch = watcher.watch(pid, attempt.settings().targetBatchDuration());
          return findHigh(tx, attempt);
        })
        .compose(high -> high.isEmpty() ? finishRange(tx, attempt) : updateRange(tx, attempt, high.get()));
  }

  private Future<Integer> prepare(SqlConnection tx, Attempt attempt) {
    long lockTimeout = Math.max(MIN_LOCK_TIMEOUT_MS, attempt.settings().targetBatchDuration().toMillis());
    return tx.preparedQuery(PREPARE_SQL)
        .execute(Tuple.of(lockTimeout + "ms", attempt.settings().synchronousCommit()))
        .compose(rows -> ownSession(rows.iterator().next()));
  }

  /** The batch session's pid, once it is known to read SQL text as written; a refusal fails the step. */
  private Future<Integer> ownSession(Row row) {
    return PgConnections.requireConforming(row, job.database().server())
        .recover(e -> Future.failedFuture(new BackfillException(e.getMessage(), Optional.empty(), Optional.empty(), e)))
        .map(v -> {
          int pid = row.getInteger("pid");
          throttle.ownPids(List.of(pid));
          return pid;
        });
  }

  /** The batch's last key and key count, or empty when no key is left up to the upper bound. */
  private Future<Optional<High>> findHigh(SqlConnection tx, Attempt attempt) {
    List<String> upper = checkpoint.upperKey().orElseThrow();
    Optional<List<String>> last = attempt.from().lastKey();
    List<Object> args = new ArrayList<>(last.orElse(List.of()));
    args.addAll(upper);
    args.add(attempt.size());
    String statement = last.isPresent() ? sql.nextHigh() : sql.firstHigh();
    return tx.preparedQuery(statement).execute(Tuple.wrap(args)).map(this::toHigh);
  }

  private record High(List<String> key, long keys) {}

  private Optional<High> toHigh(RowSet<Row> rows) {
    return KeyCatalog.firstKey(rows, key.columns().size())
        .map(k -> new High(k, rows.iterator().next().getLong("keys")));
  }

  private Future<Outcome> updateRange(SqlConnection tx, Attempt attempt, High high) {
    Optional<List<String>> last = attempt.from().lastKey();
    List<Object> args = new ArrayList<>(last.orElse(List.of()));
    args.addAll(high.key());
    String statement = last.isPresent() ? sql.nextUpdate() : sql.firstUpdate();
    boolean lastBatch = high.key().equals(checkpoint.upperKey().orElseThrow());
    pendingHigh = Optional.of(high.key());
    return tx.preparedQuery(statement).execute(Tuple.wrap(args))
        .map(result -> new Outcome(attempt.from().advance(high.key(), high.keys(), result.rowCount(), lastBatch),
            high.keys(), result.rowCount()))
        .compose(outcome -> store.advance(tx, attempt.from(), outcome.to()).map(outcome));
  }

  /** Keys up to the upper bound were deleted since the last batch: nothing left, the step is done. */
  private Future<Outcome> finishRange(SqlConnection tx, Attempt attempt) {
    Outcome outcome = new Outcome(attempt.from().finished(), 0, 0);
    return store.advance(tx, attempt.from(), outcome.to()).map(outcome);
  }

  private void afterBatch(AsyncResult<Outcome> result, Attempt attempt, Duration took) {
    BatchWatcher.Observation seen = watch == null ? BatchWatcher.Observation.NONE : watch.stop();
    watch = null;
    if (result.succeeded()) {
      committed(result.result(), attempt, took, seen);
    } else {
      failed(result.cause(), attempt);
    }
  }

  private void committed(Outcome outcome, Attempt attempt, Duration took, BatchWatcher.Observation seen) {
    checkpoint = outcome.to();
    connectionFailures = 0;
    lockRetriesInARow = 0;
    lastBatchDuration = took;
    BackfillSettings settings = controls.backfill();
    throttle.consumed(outcome.keys());
    throttle.lockWaitersObserved(seen.maxWaiters());
    sizer.observe(settings, settings.maxRowsPerSecond(), outcome.keys(), took, seen.waitedOnLock());
    int maxWaiters = controls.throttle().maxLockWaiters();
    if (maxWaiters > 0 && seen.maxWaiters() > maxWaiters) {
      sizer.contention(settings, settings.maxRowsPerSecond());
    }
    rate.record(System.nanoTime(), checkpoint.rowsDone());
    LOG.debug("batch {} of {}: {} keys, {} updated in {} ms (lock wait seen: {})", checkpoint.batches(),
        job.stepId(), outcome.keys(), outcome.updated(), took.toMillis(), seen.waitedOnLock());
    publish(BackfillState.RUNNING, Optional.empty());
    report(outcome, took);
    watchCheckpoints().onComplete(ar -> next());
  }

  /**
   * Every few seconds, between two batches on the batch session: is the WAL forcing checkpoints? Never fails
   * ({@link CheckpointWatch#check}).
   */
  private Future<Void> watchCheckpoints() {
    long now = System.nanoTime();
    if (now - lastCheckpointCheck < CHECKPOINT_CHECK_NANOS) {
      return Future.succeededFuture();
    }
    lastCheckpointCheck = now;
    return checkpoints.check().onSuccess(warning -> warning.ifPresent(w -> logged(() -> LOG.warn(
        "backfill {}/{} on {}: {}", job.planId(), job.stepId(), database(), w)))).mapEmpty();
  }

  private void report(Outcome outcome, Duration took) {
    try {
      onBatch.accept(new CommittedBatch(job.planId(), job.stepId(), database(), key.schema(), key.table(),
          outcome.keys(), outcome.updated(), took));
    } catch (RuntimeException e) {
      logged(() -> LOG.warn("batch listener failed; the backfill goes on", e));
    }
  }

  /**
   * What a failed batch means, by the one classifier ({@link Failures}): a lock timeout, deadlock or
   * serialization failure is retried at the same size; a statement timeout halves the batch; a lost
   * connection or a server out of connections reconnects; anything else fails the step.
   */
  private void failed(Throwable e, Attempt attempt) {
    FailureKind kind = isOwn(e) ? FailureKind.PERMANENT : Failures.kind(e);
    if (kind == FailureKind.LOCK_TIMEOUT || kind == FailureKind.SERIALIZATION) {
      lockRetries++;
      lockRetriesInARow++;
      retryLater(e, attempt, lockRetriesInARow);
    } else if (Failures.is(e, SqlStates.QUERY_CANCELED) && attempt.size() > attempt.settings().minBatchRows()) {
      sizer.contention(attempt.settings(), attempt.settings().maxRowsPerSecond());
      retryLater(e, attempt, 1);
    } else if (kind.unreachable()) {
      connectionTrouble(e);
    } else {
      failStep(e, attempt);
    }
  }

  private void connectionTrouble(Throwable e) {
    connectionFailures++;
    if (connectionFailures > MAX_CONNECTION_RETRIES) {
      fail(e);
      return;
    }
    lastError = Optional.of(describe(e) + "; reconnecting (attempt " + connectionFailures + ")");
    publish(BackfillState.RUNNING, Optional.empty());
    sleepThen(Backoff.BATCH.delayAfter(connectionFailures), this::reloadAndContinue);
  }

  /** Our own refusals (a moved checkpoint) are not connection trouble. */
  private static boolean isOwn(Throwable e) {
    return e instanceof CheckpointStore.CheckpointMoved || e instanceof BackfillException;
  }

  private void retryLater(Throwable e, Attempt attempt, int attemptNumber) {
    lastError = Optional.of(describe(e) + " at keys " + range(attempt) + "; retrying");
    publish(BackfillState.RUNNING, Optional.empty());
    sleep(Backoff.BATCH.delayAfter(attemptNumber));
  }

  /** The connection died, maybe during COMMIT: the database, not memory, says where we are. */
  private void reloadAndContinue() {
    store.load()
        .onSuccess(c -> {
          checkpoint = c.orElse(checkpoint);
          next();
        })
        .onFailure(this::connectionTrouble);
  }

  private void failStep(Throwable e, Attempt attempt) {
    BackfillException failure = e instanceof BackfillException b ? b : stepFailure(e, attempt);
    store.setState(Checkpoint.FAILED, Optional.of(failure.getMessage()))
        .onComplete(ar -> fail(failure));
  }

  private BackfillException stepFailure(Throwable e, Attempt attempt) {
    Optional<String> sqlState = e instanceof PgException pg ? Optional.of(pg.getSqlState()) : Optional.empty();
    Optional<BackfillException.KeyRange> range = Optional.of(range(attempt));
    String message = "backfill " + job.stepId() + " of " + key.qualifiedTable() + " failed"
        + range.map(r -> " in the batch of keys " + r).orElse("") + ": " + describe(e)
        + "; the batch was rolled back, " + checkpoint.batches() + " earlier batches stay committed";
    return new BackfillException(message, sqlState, range, e);
  }

  /** The attempt's range: from its checkpoint up to at most {@code size} keys further (bounded by upper). */
  private BackfillException.KeyRange range(Attempt attempt) {
    return new BackfillException.KeyRange(key.names(), attempt.from().lastKey(),
        pendingHigh.orElse(attempt.from().upperKey().orElse(List.of())));
  }

  // ---- waiting, publishing, ending ---------------------------------------------------------------

  private void sleep(Duration d) {
    sleepThen(d, this::next);
  }

  private void sleepThen(Duration d, Runnable then) {
    long ms = Math.max(1, d.toMillis());
    sleepTimer = vertx.setTimer(ms, id -> {
      sleepTimer = -1;
      then.run();
    });
  }

  /** Cuts a throttle or backoff wait short so a stop is seen now. */
  private void wakeUp() {
    if (sleepTimer >= 0 && vertx.cancelTimer(sleepTimer)) {
      sleepTimer = -1;
      next();
    }
  }

  private void publish(BackfillState state, Optional<ThrottleReason> reason) {
    Checkpoint c = checkpoint;
    BackfillSettings settings = controls.backfill();
    int batchRows = sizer.size(settings, settings.maxRowsPerSecond());
    if (c == null) {
      progress.set(BackfillProgress.initial(state, batchRows));
      return;
    }
    long estimated = estimatedRows(c);
    double ratio = c.done() ? 1 : estimated > 0 ? Math.min(1, (double) c.rowsDone() / estimated) : 0;
    double perSecond = rate.rate();
    Optional<Duration> eta = c.done() ? Optional.of(Duration.ZERO)
        : perSecond > 0 && estimated > 0
            ? Optional.of(Duration.ofMillis((long) ((estimated - c.rowsDone()) * 1000 / perSecond)))
            : Optional.empty();
    progress.set(new BackfillProgress(state, c.rowsDone(), c.rowsUpdated(), estimated, ratio, perSecond, eta,
        c.batches(), batchRows, lastBatchDuration, lockRetries, reason, lastError));
  }

  /**
   * {@code reltuples} at start, or — for integer, numeric and uuid keys once 1% of the range is walked —
   * the keys done divided by the walked fraction of [min, upper]. Example: 300,000 keys done at id
   * 3,000,000 of [1, 10,000,000] → 1,000,000 estimated, whatever a stale {@code reltuples} says.
   */
  private long estimatedRows(Checkpoint c) {
    if (c.done()) {
      return c.rowsDone();
    }
    double fraction = Double.NaN;
    if (key.measurable() && estimate.minKey().isPresent() && c.lastKey().isPresent() && c.upperKey().isPresent()) {
      fraction = KeyPosition.fraction(key.columns().get(0).type(), estimate.minKey().get().get(0),
          c.lastKey().get().get(0), c.upperKey().get().get(0));
    }
    double base = !Double.isNaN(fraction) && fraction >= 0.01 ? c.rowsDone() / fraction : estimate.reltuples();
    return base <= 0 ? (c.rowsDone() > 0 ? c.rowsDone() : 0) : Math.max(c.rowsDone(), Math.round(base));
  }

  private void finish(BackfillState state) {
    publish(state, Optional.empty());
    if (state == BackfillState.DONE) {
      BackfillSettings settings = controls.backfill();
      sizer.settled(settings, settings.maxRowsPerSecond()).ifPresent(size -> hints.finished(job.planId(), job.stepId(), size));
    }
    logged(() -> LOG.info("backfill {}/{} on {}: {} ({} keys, {} rows updated, {} batches)", job.planId(),
        job.stepId(), database(), state, checkpoint.rowsDone(), checkpoint.rowsUpdated(), checkpoint.batches()));
    long now = System.nanoTime();
    BackfillResult result = new BackfillResult(state, checkpoint.rowsDone(), checkpoint.rowsUpdated(),
        checkpoint.batches(), Duration.ofNanos(now - startNanos),
        Duration.ofNanos(firstBatchNanos == 0 ? 0 : now - firstBatchNanos));
    release().onComplete(ar -> {
      completion.complete(result);
      ended.complete();
    });
  }

  private void fail(Throwable e) {
    if (e instanceof StoppedBeforeStart || e instanceof CancellationException) {
      // Stopped before its first batch; a checkpoint it loaded (a resumed run) says how far earlier runs got.
      Checkpoint c = checkpoint;
      publish(BackfillState.STOPPED, Optional.empty());
      release().onComplete(ar -> {
        completion.complete(new BackfillResult(BackfillState.STOPPED, c == null ? 0 : c.rowsDone(),
            c == null ? 0 : c.rowsUpdated(), c == null ? 0 : c.batches(),
            Duration.ofNanos(System.nanoTime() - startNanos), Duration.ZERO));
        ended.complete();
      });
      return;
    }
    BackfillException failure = e instanceof BackfillException b ? b
        : new BackfillException("backfill " + job.stepId() + " on " + database() + " failed: " + describe(e),
            e instanceof PgException pg ? Optional.of(pg.getSqlState()) : Optional.empty(), Optional.empty(), e);
    lastError = Optional.of(failure.getMessage());
    publish(BackfillState.FAILED, Optional.empty());
    logged(() -> LOG.warn("backfill {}/{} on {} failed: {}", job.planId(), job.stepId(), database(),
        failure.getMessage()));
    withheld(failure.getCause()).ifPresent(w -> LOG.debug("backfill {}/{} on {}: the server also said {}",
        job.planId(), job.stepId(), database(), w));
    release().onComplete(ar -> {
      completion.fail(failure);
      ended.complete();
    });
  }

  /**
   * Runs one log statement with MDC {@code plan}, {@code database} and {@code step} set, so JSON logs can be
   * filtered by them; set per line because Vert.x does not carry MDC from one callback to the next.
   */
  private void logged(Runnable line) {
    MDC.put("plan", job.planId());
    MDC.put("database", database());
    MDC.put("step", job.stepId());
    try {
      line.run();
    } finally {
      MDC.remove("plan");
      MDC.remove("database");
      MDC.remove("step");
    }
  }

  private Future<Void> release() {
    if (permit != null) {
      permit.release();
    }
    List<Future<Void>> closing = new ArrayList<>();
    if (batchPool != null && callerPool.isEmpty()) {
      closing.add(batchPool.close());
    }
    if (monitorPool != null) {
      closing.add(monitorPool.close());
    }
    return Future.join(closing).mapEmpty();
  }

  private static String describe(Throwable e) {
    if (e instanceof PgException pg) {
      return ServerErrors.message(pg) + " [" + pg.getSqlState() + "]";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * What the failure's text left out ({@link ServerErrors#withheld}). It can quote rows, so it is logged at DEBUG
   * only: row data stays out of the log unless an operator turns DEBUG on to investigate one failure.
   */
  private static Optional<String> withheld(Throwable cause) {
    return cause instanceof PgException pg ? ServerErrors.withheld(pg) : Optional.empty();
  }

  /** Stop was requested while the run waited for its server budget. */
  private static final class StoppedBeforeStart extends RuntimeException {
    StoppedBeforeStart() {
      super("stopped before start", null, false, false);
    }
  }
}
