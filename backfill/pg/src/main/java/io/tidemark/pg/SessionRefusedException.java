package io.tidemark.pg;

/**
 * A session came up with settings Tidemark cannot run SQL under (see {@link PgConnections#verify}). Not
 * retried: the classifier calls it {@link FailureKind#PERMANENT}, because the server or whatever sits in
 * front of it keeps overriding the setting until an operator fixes it. The message names server and
 * database.
 */
public final class SessionRefusedException extends RuntimeException {
  SessionRefusedException(String message) {
    super(message, null, false, false);
  }
}
