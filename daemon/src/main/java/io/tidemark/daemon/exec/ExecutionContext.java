package io.tidemark.daemon.exec;

import io.tidemark.config.DdlSettings;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.HashMap;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a step needs besides the step itself: where the database is, the DDL settings, the
 * {@code application_name} its sessions carry, and the listeners the daemon persists from. Listeners are
 * called on a Vert.x event-loop thread and must not block (hand off to a queue or a future chain).
 *
 * @param connectOptions   the target database ({@code PgConnections.options(db, ...)}); copied per session
 *                         with {@code applicationName} set
 * @param applicationName  {@code tidemark/<plan>/<step>}: what a DBA sees in {@code pg_stat_activity}
 *                         (PostgreSQL keeps the first 63 bytes)
 * @param onAttempt        called once per statement run, when it ends
 * @param onIndexProgress  called every {@code progressInterval} while a non-transactional statement is
 *                         building an index
 * @param shared           the caller's pool for the probes and transactions, which it keeps open between
 *                         steps (a driver's pool to the database: ten steps on one session instead of ten
 *                         sessions started); empty, and each call opens a one-connection pool of its own
 */
public record ExecutionContext(
    PgConnectOptions connectOptions,
    DdlSettings ddl,
    String applicationName,
    Consumer<AttemptRecord> onAttempt,
    Consumer<IndexProgress> onIndexProgress,
    Duration progressInterval,
    Optional<Pool> shared) {

  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(2);

  /** A context for step {@code stepId} of plan {@code planId}, with no listeners. */
  public static ExecutionContext of(PgConnectOptions options, DdlSettings ddl, String planId, String stepId) {
    return new ExecutionContext(options, ddl, "tidemark/" + planId + "/" + stepId, a -> { }, p -> { },
        DEFAULT_PROGRESS_INTERVAL, Optional.empty());
  }

  public ExecutionContext withAttemptListener(Consumer<AttemptRecord> listener) {
    return new ExecutionContext(connectOptions, ddl, applicationName, listener, onIndexProgress, progressInterval,
        shared);
  }

  public ExecutionContext withIndexProgressListener(Consumer<IndexProgress> listener, Duration interval) {
    return new ExecutionContext(connectOptions, ddl, applicationName, onAttempt, listener, interval, shared);
  }

  /** Probes and transactions on {@code pool}, which the caller owns and closes; see {@code shared}. */
  public ExecutionContext withPool(Pool pool) {
    return new ExecutionContext(connectOptions, ddl, applicationName, onAttempt, onIndexProgress, progressInterval,
        Optional.of(pool));
  }

  /** The server, {@code host:port}, for messages that must say where. */
  String server() {
    return connectOptions.getHost() + ":" + connectOptions.getPort();
  }

  /** The connect options with {@code application_name} set to {@code name}, leaving the given ones untouched. */
  PgConnectOptions sessionOptions(String name) {
    PgConnectOptions copy = new PgConnectOptions(connectOptions);
    copy.setProperties(new HashMap<>(connectOptions.getProperties()));
    copy.addProperty("application_name", name);
    return copy;
  }
}
