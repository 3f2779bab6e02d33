package io.tidemark.daemon.exec;

import java.util.List;
import java.util.Optional;

/**
 * {@code VALIDATE CONSTRAINT} found rows breaking the constraint. The constraint is left {@code NOT VALID}
 * (new rows are already checked by it), so the team repairs the rows and retries; the retry validates and
 * does not add the constraint again.
 *
 * @see #violations() how many rows break it, counted after the failure
 * @see #sampleKeys() up to 10 of them by key, e.g. {@code id=17}
 */
public final class ValidationFailure extends StepFailure {
  private final String constraint;
  private final String table;
  private final long violations;
  private final transient List<String> sampleKeys;

  ValidationFailure(
      String stepId, String sqlState, String constraint, String table, long violations, List<String> sampleKeys,
      List<AttemptRecord> attempts, Throwable cause) {
    super(stepId, Optional.of(sqlState), "constraint " + constraint + " on " + table + " is violated by " + violations
        + " row(s), e.g. " + String.join("; ", sampleKeys) + "; it stays NOT VALID: repair the rows and retry",
        attempts, cause);
    this.constraint = constraint;
    this.table = table;
    this.violations = violations;
    this.sampleKeys = List.copyOf(sampleKeys);
  }

  public String constraint() {
    return constraint;
  }

  /** The table the constraint is on, as {@code schema.table}. */
  public String table() {
    return table;
  }

  public long violations() {
    return violations;
  }

  public List<String> sampleKeys() {
    return sampleKeys;
  }
}
