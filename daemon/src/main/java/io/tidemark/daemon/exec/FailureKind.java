package io.tidemark.daemon.exec;

import io.tidemark.backfill.db.ServerErrors;
import io.tidemark.backfill.db.SqlStates;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/** What an error from the database means for the retry decision; decided on SQLSTATE and exception type only. */
enum FailureKind {
  /** {@code 55P03}: a conflicting lock was held past {@code lock_timeout}; always safe to retry. */
  LOCK_TIMEOUT,
  /** {@code 40001}/{@code 40P01}: the transaction was rolled back whole; safe to rerun a transactional step. */
  SERIALIZATION,
  /** {@code 23503}/{@code 23514}/{@code 23502}: rows break a constraint being validated. */
  VIOLATION,
  /** The session or connection went away: retry later, not now. */
  TRANSIENT,
  /** Anything else: fail the step with the SQLSTATE and message. */
  PERMANENT;

  private static final Set<String> VIOLATIONS = Set.of(
      SqlStates.FOREIGN_KEY_VIOLATION, SqlStates.CHECK_VIOLATION, SqlStates.NOT_NULL_VIOLATION);

  static FailureKind of(Throwable error) {
    Optional<String> state = sqlState(error);
    if (state.isEmpty()) {
      return isConnectionLoss(error) ? TRANSIENT : PERMANENT;
    }
    String s = state.get();
    if (s.equals(SqlStates.LOCK_NOT_AVAILABLE)) {
      return LOCK_TIMEOUT;
    }
    if (s.equals(SqlStates.SERIALIZATION_FAILURE) || s.equals(SqlStates.DEADLOCK_DETECTED)) {
      return SERIALIZATION;
    }
    if (VIOLATIONS.contains(s)) {
      return VIOLATION;
    }
    return SqlStates.TRANSIENT_CONNECTION.contains(s) ? TRANSIENT : PERMANENT;
  }

  static Optional<String> sqlState(Throwable error) {
    return error instanceof PgException pg ? Optional.ofNullable(pg.getSqlState()) : Optional.empty();
  }

  /** The message viewers may see: for a server error, {@link ServerErrors#message} (no DETAIL, HINT or row data). */
  static Optional<String> message(Throwable error) {
    if (error instanceof PgException pg) {
      return Optional.of(ServerErrors.message(pg));
    }
    return Optional.ofNullable(error.getMessage()).or(() -> Optional.of(error.getClass().getSimpleName()));
  }

  private static boolean isConnectionLoss(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      // ConnectException (refused, timed out) is an IOException, as is a reset connection.
      if (t instanceof ClosedConnectionException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
