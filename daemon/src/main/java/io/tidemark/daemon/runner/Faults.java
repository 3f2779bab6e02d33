package io.tidemark.daemon.runner;

import io.tidemark.backfill.BackfillException;
import io.tidemark.backfill.db.SqlStates;
import io.tidemark.daemon.exec.StepFailure;
import io.tidemark.daemon.exec.TransientFailure;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sorts step failures into transient (the database went away: retried with backoff while the lease is held)
 * and permanent (the database's step fails with its cause). The step executor classifies its own failures
 * ({@link TransientFailure} or not; lock timeouts it already retried up to {@code max-attempts}); a
 * backfill failure is transient when what broke it was the connection. Pure; any thread.
 */
final class Faults {
  private Faults() {}

  static boolean isTransient(Throwable e) {
    if (e instanceof StepFailure) {
      return e instanceof TransientFailure;
    }
    for (Throwable t = e instanceof BackfillException ? e.getCause() : e; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return SqlStates.TRANSIENT_CONNECTION.contains(pg.getSqlState());
      }
      if (t instanceof ClosedConnectionException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /** The SQLSTATE that ended a step, when the database sent one. */
  static String sqlState(Throwable e) {
    if (e instanceof StepFailure f) {
      return f.sqlState().orElse(null);
    }
    if (e instanceof BackfillException b) {
      return b.sqlState().orElse(null);
    }
    return Optional.ofNullable(e).filter(PgException.class::isInstance).map(x -> ((PgException) x).getSqlState())
        .orElse(null);
  }

  /** Exponential backoff with full jitter: attempt 1 waits up to {@code min}, doubling up to {@code max}. */
  static Duration backoff(int attempt, Duration min, Duration max) {
    long cap = Math.min(max.toMillis(), min.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(Math.max(min.toMillis() / 2, ThreadLocalRandom.current().nextLong(cap + 1)));
  }
}
