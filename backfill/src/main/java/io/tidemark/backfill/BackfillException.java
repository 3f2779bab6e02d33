package io.tidemark.backfill;

import java.util.List;
import java.util.Optional;

/**
 * A backfill step failed and retrying will not help: a bad {@code set}/{@code where} expression (syntax
 * error, division by zero in one row, a constraint the new values violate), a table without a usable key,
 * or a checkpoint that does not match the table any more. When a batch failed, {@link #range()} names its
 * key range; that batch was rolled back entirely and every batch before it stays committed, so fixing the
 * data and retrying the step resumes at that range.
 */
public final class BackfillException extends RuntimeException {
  private final transient Optional<String> sqlState;
  private final transient Optional<KeyRange> range;

  /**
   * The keys of one batch, {@code (after, upTo]} in key order over {@code columns}; {@code after} is empty for
   * the first batch of the table.
   */
  public record KeyRange(List<String> columns, Optional<List<String>> after, List<String> upTo) {
    public KeyRange {
      columns = List.copyOf(columns);
      after = after.map(List::copyOf);
      upTo = List.copyOf(upTo);
    }

    /** {@code (id) in (1000, 2000]} or {@code (tenant, id) in (-inf, (1, 7)]}. */
    @Override
    public String toString() {
      return "(" + String.join(", ", columns) + ") in (" + after.map(BackfillException::tuple).orElse("-inf")
          + ", " + tuple(upTo) + "]";
    }
  }

  BackfillException(String message, Optional<String> sqlState, Optional<KeyRange> range, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
    this.range = range;
  }

  static BackfillException of(String message) {
    return new BackfillException(message, Optional.empty(), Optional.empty(), null);
  }

  /** The SQLSTATE of the failing statement ({@code 22012}, {@code 42601}), when the database refused. */
  public Optional<String> sqlState() {
    return sqlState;
  }

  /** The key range of the failed batch, when a batch failed. */
  public Optional<KeyRange> range() {
    return range;
  }

  private static String tuple(List<String> values) {
    return values.size() == 1 ? values.get(0) : "(" + String.join(", ", values) + ")";
  }
}
