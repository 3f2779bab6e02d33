package io.tidemark.pg;

import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What viewers may see of a PostgreSQL error, and what only the log may hold. A step's {@code last-error} is
 * readable by every viewer, so it carries the SQLSTATE and the server's message, never DETAIL, HINT or
 * WHERE: those can quote rows ({@code Failing row contains (17, alice@example.com)}). A data exception
 * (SQLSTATE class {@code 22}) quotes the offending value in the message itself
 * ({@code invalid input syntax for type integer: "<value>"}), so for those only a generic message is shown
 * (except the few whose message is fixed text, such as {@code division by zero}).
 * The withheld text goes to the log of whoever records the failure. Pure; any thread.
 */
public final class ServerErrors {
  private static final String DATA_EXCEPTION_CLASS = "22";
  /**
   * Data exceptions whose message is fixed text, without any value: {@code division by zero}
   * ({@code 22012}), {@code value too long for type character varying(3)} ({@code 22001}),
   * {@code negative substring length not allowed} ({@code 22011}), {@code cannot take logarithm of zero}
   * ({@code 2201E}).
   */
  private static final Set<String> VALUE_FREE_DATA_EXCEPTIONS = Set.of(SqlStates.DIVISION_BY_ZERO, "22001",
      "22011", "2201E");

  private ServerErrors() {}

  /**
   * The message viewers may see: the server's message, or for a data exception
   * {@code a value is not valid for its type or operation (data exception); the server's message is in the log}.
   */
  public static String message(PgException e) {
    if (isDataException(e)) {
      return "a value is not valid for its type or operation (data exception); the server's message is in the log";
    }
    return String.valueOf(e.getErrorMessage());
  }

  /**
   * What {@link #message} leaves out, for the log: the server's own message of a data exception, DETAIL, HINT
   * and WHERE; empty when nothing was left out.
   */
  public static Optional<String> withheld(PgException e) {
    List<String> parts = new ArrayList<>();
    if (isDataException(e)) {
      parts.add("message: " + e.getErrorMessage());
    }
    add(parts, "detail", e.getDetail());
    add(parts, "hint", e.getHint());
    add(parts, "where", e.getWhere());
    return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
  }

  private static boolean isDataException(PgException e) {
    String state = e.getSqlState();
    return state != null && state.startsWith(DATA_EXCEPTION_CLASS) && !VALUE_FREE_DATA_EXCEPTIONS.contains(state);
  }

  private static void add(List<String> parts, String name, String value) {
    if (value != null && !value.isEmpty()) {
      parts.add(name + ": " + value);
    }
  }
}
