package io.tidemark.pg;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The one failure classifier: step execution, the runner, the backfill engine and the API all ask it what a
 * failure means. It decides on SQLSTATE and exception type only, never on message text. It looks through
 * wrappers: the first {@link PgException} in the cause chain decides; without one, a closed connection, an
 * I/O failure or a connect/pool timeout anywhere in the chain means {@link FailureKind#CONNECTION}. Example:
 * a backfill failure wrapping {@code 57P01} (the backend was terminated) is {@code CONNECTION}; an
 * {@code IllegalStateException} with no such cause is {@code PERMANENT}. Pure; any thread.
 */
public final class Failures {
  /** Rows break a constraint being validated ({@code VALIDATE CONSTRAINT}, {@code SET NOT NULL}). */
  private static final Set<String> VIOLATIONS = Set.of(
      SqlStates.FOREIGN_KEY_VIOLATION, SqlStates.CHECK_VIOLATION, SqlStates.NOT_NULL_VIOLATION);

  private Failures() {}

  public static FailureKind kind(Throwable error) {
    Optional<String> state = sqlState(error);
    if (state.isPresent()) {
      return ofState(state.get());
    }
    return isConnectionLoss(error) ? FailureKind.CONNECTION : FailureKind.PERMANENT;
  }

  /** The kind of a SQLSTATE the server sent. */
  static FailureKind ofState(String state) {
    if (SqlStates.LOCK_NOT_AVAILABLE.equals(state)) {
      return FailureKind.LOCK_TIMEOUT;
    }
    if (SqlStates.SERIALIZATION_FAILURE.equals(state) || SqlStates.DEADLOCK_DETECTED.equals(state)) {
      return FailureKind.SERIALIZATION;
    }
    if (SqlStates.TRANSIENT_CONNECTION.contains(state) || state.startsWith(SqlStates.CONNECTION_EXCEPTION_CLASS)) {
      return FailureKind.CONNECTION;
    }
    if (state.startsWith(SqlStates.INSUFFICIENT_RESOURCES_CLASS) && !SqlStates.DISK_FULL.equals(state)) {
      return FailureKind.TRANSIENT;
    }
    return FailureKind.PERMANENT;
  }

  /** The SQLSTATE of the first server error in the cause chain. */
  public static Optional<String> sqlState(Throwable error) {
    return pgException(error).map(PgException::getSqlState);
  }

  /**
   * The message viewers may see, without its SQLSTATE: for a server error {@link ServerErrors#message} (never
   * DETAIL, HINT or a data exception's quoted value), else the exception's message, else its type.
   */
  public static Optional<String> message(Throwable error) {
    Optional<PgException> pg = pgException(error);
    if (pg.isPresent()) {
      return Optional.of(ServerErrors.message(pg.get()));
    }
    return Optional.ofNullable(error.getMessage()).or(() -> Optional.of(error.getClass().getSimpleName()));
  }

  /** Rows break the constraint a statement validates ({@code 23502}, {@code 23503}, {@code 23514}). */
  public static boolean isViolation(Throwable error) {
    return sqlState(error).filter(VIOLATIONS::contains).isPresent();
  }

  /** The server refused the statement with exactly {@code state}. */
  public static boolean is(Throwable error, String state) {
    return sqlState(error).filter(state::equals).isPresent();
  }

  private static Optional<PgException> pgException(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        return Optional.of(pg);
      }
    }
    return Optional.empty();
  }

  private static boolean isConnectionLoss(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      // ConnectException (refused, timed out) is an IOException, as is a reset connection; a pool that
      // could not hand out a connection in time fails with a TimeoutException.
      if (t instanceof ClosedConnectionException || t instanceof IOException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }
}
