package io.tidemark.daemon.store;

/**
 * An event about to be appended to the log; nulls are absent columns. {@link #action} is an operator action,
 * {@link #work} something a daemon did on a database.
 */
public record NewEvent(
    String planId,
    String database,
    String stepId,
    String actor,
    String kind,
    String statement,
    Long durationMillis,
    String outcome,
    String sqlState,
    String message) {

  public static NewEvent action(String planId, String database, String actor, String kind, String message) {
    return new NewEvent(planId, database, null, actor, kind, null, null, "ok", null, message);
  }

  public static NewEvent work(String planId, String database, String stepId, String actor, String kind,
      String message) {
    return new NewEvent(planId, database, stepId, actor, kind, null, null, null, null, message);
  }

  public NewEvent withStatement(String sql, long millis, String outcome, String sqlState) {
    return new NewEvent(planId, database, stepId, actor, kind, sql, millis, outcome, sqlState, message);
  }

  public NewEvent withOutcome(String outcome, String sqlState, String message) {
    return new NewEvent(planId, database, stepId, actor, kind, statement, durationMillis, outcome, sqlState, message);
  }
}
