package io.tidemark.daemon.runner;

import io.tidemark.backfill.db.SqlStates;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sorts step failures into transient (retried with backoff while the lease is held: the database went away
 * or a lock was busy) and permanent (the database's step fails with its cause). Pure; any thread.
 */
final class Faults {
  private Faults() {}

  static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String s = pg.getSqlState();
        return SqlStates.TRANSIENT_CONNECTION.contains(s) || SqlStates.LOCK_NOT_AVAILABLE.equals(s)
            || SqlStates.DEADLOCK_DETECTED.equals(s) || SqlStates.SERIALIZATION_FAILURE.equals(s);
      }
      if (t instanceof ClosedConnectionException || t instanceof IOException
          || t instanceof java.net.ConnectException || isPoolConnectFailure(t)) {
        return true;
      }
    }
    return false;
  }

  /** Vert.x reports "connection refused" and "pool closed while connecting" as plain VertxExceptions. */
  private static boolean isPoolConnectFailure(Throwable t) {
    return t instanceof VertxException && !(t instanceof io.vertx.sqlclient.DatabaseException);
  }

  /** Exponential backoff with full jitter: attempt 1 waits up to {@code min}, doubling up to {@code max}. */
  static Duration backoff(int attempt, Duration min, Duration max) {
    long cap = Math.min(max.toMillis(), min.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(Math.max(min.toMillis() / 2, ThreadLocalRandom.current().nextLong(cap + 1)));
  }
}
