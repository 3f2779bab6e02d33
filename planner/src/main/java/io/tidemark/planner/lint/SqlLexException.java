package io.tidemark.planner.lint;

/**
 * SQL text that cannot be cut into tokens: an unterminated string, quoted identifier, block comment or
 * dollar-quoted string, or an empty quoted identifier. {@link #offset()} is where the offending construct
 * starts (0-based, in chars), so a message can point at it: {@code unterminated quoted string at offset 14}.
 */
public final class SqlLexException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int offset;
  private final String reason;

  public SqlLexException(String reason, int offset) {
    super(reason + " at offset " + offset);
    this.reason = reason;
    this.offset = offset;
  }

  public int offset() {
    return offset;
  }

  /** The problem without its position, e.g. {@code unterminated quoted string}. */
  public String reason() {
    return reason;
  }
}
