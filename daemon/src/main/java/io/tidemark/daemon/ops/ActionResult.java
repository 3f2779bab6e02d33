package io.tidemark.daemon.ops;

/**
 * The answer to an operator action: done (with what it produced), the plan or database does not exist
 * (HTTP 404), or the action is not allowed in the state the plan is in (HTTP 409, naming the state).
 */
public sealed interface ActionResult<T> {
  record Done<T>(T value) implements ActionResult<T> {}

  record NotFound<T>(String planId, String database) implements ActionResult<T> {
    public String message() {
      return database == null ? "no plan " + planId : "plan " + planId + " has no database " + database;
    }
  }

  /** {@code state} is the plan's state in wire form ({@code awaiting-approval}). */
  record Conflict<T>(String planId, String state, String message) implements ActionResult<T> {}
}
