package io.tidemark.backfill.throttle;

import io.tidemark.config.BackfillSettings;
import io.tidemark.config.ThrottleSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Decides before every batch whether it may start. Signals are evaluated in {@link ThrottleSignal} order and
 * evaluation stops at the first that trips, which becomes the reported reason. A signal that cannot be read
 * (query error, HTTP connection refused, a flag file whose directory cannot be read, a replica hidden from
 * this role) trips too, with {@code unreadable} set: when Tidemark cannot see the database is healthy it
 * assumes it is not (fail closed).
 *
 * <p>Signals that cost a round trip (replication lag, active sessions, HTTP check, flag file) are read at
 * most once per {@code check-interval} and their last answer reused in between; the rows/s bucket, the
 * lock-waiter observation and the operator throttle are in memory and read every time. Settings are read
 * from {@link ThrottleControls} on every check, so runtime changes apply at the next batch.
 *
 * <p>{@link #check()} runs on the backfill's event-loop context and never blocks it (the flag file is read
 * on a worker thread); it never fails. {@link #consumed} and {@link #lockWaitersObserved} may be called from
 * any thread.
 */
public final class Throttle {
  /** Replicas whose columns are NULL are hidden from this role (needs pg_monitor): fail closed on them. */
  private static final String REPLICATION_LAG_SQL = """
      SELECT count(*) AS replicas,
             count(*) FILTER (WHERE state IS NULL) AS hidden,
             coalesce(max(extract(epoch FROM replay_lag)), 0)::float8 AS lag_seconds
      FROM pg_stat_replication""";
  private static final String ACTIVE_SESSIONS_SQL = """
      SELECT count(*) FILTER (WHERE state = 'active') AS active,
             count(*) FILTER (WHERE state IS NULL) AS hidden
      FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND pid <> ALL ($1::int[])""";
  private static final long SIGNAL_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Pool monitor;
  private final HttpClient http;
  private final ThrottleControls controls;
  private final TokenBucket bucket = new TokenBucket();
  private final AtomicLong lockWaiters = new AtomicLong();
  private final Map<ThrottleSignal, Cached> cache = new EnumMap<>(ThrottleSignal.class);
  private final List<Check> checks;
  private volatile Integer[] ownPids = new Integer[0];

  private record Cached(long nanos, Optional<ThrottleReason> reason) {}

  /** One signal: whether the settings turn it on, and a read that yields a detail when it trips. */
  private record Check(
      ThrottleSignal signal, boolean cached,
      Predicate<ThrottleSettings> enabled,
      Function<ThrottleSettings, Future<Optional<String>>> read) {}

  /**
   * @param monitor a pool for the signal queries; {@link #check} runs between batches, never beside one, so
   *                the run's batch session serves (the batch watcher, which looks while a batch runs,
   *                has a session of its own)
   */
  public Throttle(Vertx vertx, Pool monitor, HttpClient http, ThrottleControls controls) {
    this.vertx = vertx;
    this.monitor = monitor;
    this.http = http;
    this.controls = controls;
    this.checks = List.of(
        new Check(ThrottleSignal.REPLICATION_LAG, true,
            s -> isPositive(s.maxReplicationLag()), this::replicationLag),
        new Check(ThrottleSignal.LOCK_WAITERS, false, s -> s.maxLockWaiters() > 0, this::lockWaiters),
        new Check(ThrottleSignal.ACTIVE_SESSIONS, true, s -> s.maxActiveSessions() > 0, this::activeSessions),
        new Check(ThrottleSignal.HTTP_CHECK, true, s -> !isBlank(s.httpCheck()), this::httpCheck),
        new Check(ThrottleSignal.FLAG_FILE, true, s -> !isBlank(s.flagFile()), this::flagFile),
        new Check(ThrottleSignal.OPERATOR, false, s -> true, s -> Future.succeededFuture(controls.operatorThrottle())));
  }

  /** The first tripped signal in order, or empty when the next batch may start now. Never fails. */
  public Future<Optional<ThrottleReason>> check() {
    Optional<ThrottleReason> rate = rowsPerSecond(controls.backfill());
    if (rate.isPresent()) {
      return Future.succeededFuture(rate);
    }
    return evaluate(controls.throttle(), 0);
  }

  /**
   * A batch of {@code rows} keys committed: take them from the rows/s bucket. The cap counts keys walked,
   * matching {@code where} or not: every walked row costs a read and an index probe, so a selective
   * {@code where} makes the cap conservative, never exceeded.
   */
  public void consumed(long rows) {
    bucket.consume(rows, System.nanoTime(), controls.backfill().maxRowsPerSecond());
  }

  /** The batch watcher saw {@code count} sessions waiting on the backfill's locks during the last batch. */
  public void lockWaitersObserved(long count) {
    lockWaiters.accumulateAndGet(count, Math::max);
  }

  /** How long a held batch waits before the signals are read again. */
  public Duration checkInterval() {
    return checkInterval(controls.throttle());
  }

  /** The backfill's own backends, left out of the active-session count. */
  public void ownPids(List<Integer> pids) {
    ownPids = pids.toArray(Integer[]::new);
  }

  private Optional<ThrottleReason> rowsPerSecond(BackfillSettings settings) {
    long wait = bucket.waitNanos(System.nanoTime(), settings.maxRowsPerSecond());
    if (wait <= 0) {
      return Optional.empty();
    }
    return Optional.of(new ThrottleReason(ThrottleSignal.MAX_ROWS_PER_SECOND,
        "cap " + settings.maxRowsPerSecond() + " rows/s", false, Duration.ofNanos(wait)));
  }

  private Future<Optional<ThrottleReason>> evaluate(ThrottleSettings settings, int index) {
    if (index == checks.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    Check check = checks.get(index);
    if (!check.enabled().test(settings)) {
      cache.remove(check.signal());
      return evaluate(settings, index + 1);
    }
    return read(check, settings)
        .compose(reason -> reason.isPresent() ? Future.succeededFuture(reason) : evaluate(settings, index + 1));
  }

  private Future<Optional<ThrottleReason>> read(Check check, ThrottleSettings settings) {
    long now = System.nanoTime();
    Duration interval = checkInterval(settings);
    Cached hit = cache.get(check.signal());
    if (check.cached() && hit != null && now - hit.nanos() < interval.toNanos()) {
      return Future.succeededFuture(hit.reason());
    }
    return readNow(check, settings)
        .map(detail -> detail.map(d -> new ThrottleReason(check.signal(), d, false, interval)))
        .otherwise(e -> Optional.of(new ThrottleReason(check.signal(), "unreadable: " + describe(e), true, interval)))
        .onSuccess(reason -> cache.put(check.signal(), new Cached(now, reason)));
  }

  /** A signal that throws instead of failing its future (a malformed URL or path) is unreadable too. */
  private static Future<Optional<String>> readNow(Check check, ThrottleSettings settings) {
    try {
      return check.read().apply(settings);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Optional<String>> replicationLag(ThrottleSettings settings) {
    return monitor.query(REPLICATION_LAG_SQL).execute()
        .timeout(SIGNAL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(rows -> lagVerdict(rows.iterator().next(), settings.maxReplicationLag()));
  }

  private static Optional<String> lagVerdict(Row row, Duration max) {
    long hidden = row.getLong("hidden");
    if (hidden > 0) {
      throw new IllegalStateException(hidden + " replica(s) hidden from this role (grant pg_monitor)");
    }
    double lag = row.getDouble("lag_seconds");
    return lag * 1000 > max.toMillis()
        ? Optional.of(String.format("replay lag %.1fs > %s", lag, max))
        : Optional.empty();
  }

  private Future<Optional<String>> lockWaiters(ThrottleSettings settings) {
    long seen = lockWaiters.getAndSet(0);
    return Future.succeededFuture(seen > settings.maxLockWaiters()
        ? Optional.of(seen + " session(s) queued behind the backfill's locks (max " + settings.maxLockWaiters() + ")")
        : Optional.empty());
  }

  private Future<Optional<String>> activeSessions(ThrottleSettings settings) {
    return monitor.preparedQuery(ACTIVE_SESSIONS_SQL).execute(Tuple.of(ownPids))
        .timeout(SIGNAL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(rows -> sessionsVerdict(rows.iterator().next(), settings.maxActiveSessions()));
  }

  private static Optional<String> sessionsVerdict(Row row, int max) {
    long hidden = row.getLong("hidden");
    if (hidden > 0) {
      throw new IllegalStateException(hidden + " session(s) hidden from this role (grant pg_monitor)");
    }
    long active = row.getLong("active");
    return active > max ? Optional.of(active + " active sessions > " + max) : Optional.empty();
  }

  private Future<Optional<String>> httpCheck(ThrottleSettings settings) {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(settings.httpCheck())
        .setConnectTimeout(SIGNAL_TIMEOUT_MS)
        .setIdleTimeout(SIGNAL_TIMEOUT_MS);
    return http.request(request)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> resp.statusCode()))
        .timeout(SIGNAL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(status -> status / 100 == 2 ? Optional.<String>empty() : Optional.of("HTTP " + status));
  }

  /** Off the event loop: a flag file may sit on a slow or hung network file system. */
  private Future<Optional<String>> flagFile(ThrottleSettings settings) {
    Path path = Path.of(settings.flagFile());
    return vertx.executeBlocking(() -> flagState(path), false)
        .timeout(SIGNAL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /** Exists → throttle; provably absent → run; neither (permission denied on the directory) → unreadable. */
  private static Optional<String> flagState(Path path) {
    if (Files.exists(path)) {
      return Optional.of(path + " exists");
    }
    if (Files.notExists(path)) {
      return Optional.empty();
    }
    throw new IllegalStateException("cannot tell whether " + path + " exists");
  }

  private static Duration checkInterval(ThrottleSettings settings) {
    Duration d = settings.checkInterval();
    return d == null || d.isZero() || d.isNegative() ? Duration.ofSeconds(1) : d;
  }

  private static boolean isPositive(Duration d) {
    return d != null && !d.isZero() && !d.isNegative();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
