package io.tidemark.pg;

import java.util.Set;

/**
 * The SQLSTATEs Tidemark acts on, by name (PostgreSQL's Appendix A, "Error Codes"). Code decides on these,
 * never on message text; what each means for a retry is {@link Failures}'s to say.
 */
public final class SqlStates {
  /** {@code lock_timeout} expired: someone holds a conflicting lock. Always safe to retry. */
  public static final String LOCK_NOT_AVAILABLE = "55P03";
  public static final String SERIALIZATION_FAILURE = "40001";
  public static final String DEADLOCK_DETECTED = "40P01";
  /** {@code statement_timeout} expired (also a cancel request). */
  public static final String QUERY_CANCELED = "57014";
  /** The backend was terminated ({@code pg_terminate_backend}) or the server is shutting down. */
  public static final String ADMIN_SHUTDOWN = "57P01";
  public static final String CRASH_SHUTDOWN = "57P02";
  public static final String CANNOT_CONNECT_NOW = "57P03";
  public static final String CONNECTION_EXCEPTION = "08000";
  public static final String CONNECTION_DOES_NOT_EXIST = "08003";
  public static final String CONNECTION_FAILURE = "08006";
  /** Class 08, connection exception: every code in it means the session is gone or was never made. */
  public static final String CONNECTION_EXCEPTION_CLASS = "08";
  /** Class 53, insufficient resources ({@code too_many_connections} 53300, {@code out_of_memory} 53200). */
  public static final String INSUFFICIENT_RESOURCES_CLASS = "53";
  public static final String TOO_MANY_CONNECTIONS = "53300";
  /** A full disk does not go away by waiting; the classifier calls it permanent. */
  public static final String DISK_FULL = "53100";
  public static final String CHECK_VIOLATION = "23514";
  public static final String FOREIGN_KEY_VIOLATION = "23503";
  public static final String NOT_NULL_VIOLATION = "23502";
  public static final String UNIQUE_VIOLATION = "23505";
  public static final String DIVISION_BY_ZERO = "22012";
  /** A text value holds a character the encoding cannot (a NUL byte, invalid UTF-8). */
  public static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";
  public static final String UNTRANSLATABLE_CHARACTER = "22P05";
  public static final String SYNTAX_ERROR = "42601";
  public static final String UNDEFINED_TABLE = "42P01";
  public static final String UNDEFINED_COLUMN = "42703";
  public static final String DUPLICATE_OBJECT = "42710";
  /** {@code CREATE SCHEMA} lost a race with a concurrent creator (without {@code IF NOT EXISTS} seeing it). */
  public static final String DUPLICATE_SCHEMA = "42P06";
  /** {@code CREATE TABLE} lost a race with a concurrent creator. */
  public static final String DUPLICATE_TABLE = "42P07";
  public static final String INSUFFICIENT_PRIVILEGE = "42501";

  /** Failures that say nothing about the statement and go away when the server is back. */
  static final Set<String> TRANSIENT_CONNECTION = Set.of(
      ADMIN_SHUTDOWN, CRASH_SHUTDOWN, CANNOT_CONNECT_NOW,
      CONNECTION_EXCEPTION, CONNECTION_DOES_NOT_EXIST, CONNECTION_FAILURE);

  private SqlStates() {}
}
