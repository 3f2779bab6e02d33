package io.tidemark.planner.plan;

/**
 * The bounds every submitted plan is held to, so that no plan text can make the parser run long, allocate
 * much or answer with a huge error. A real plan is a few kilobytes with a few dozen operations; each bound
 * is far above that and far below what hurts. docs/plan-reference.md lists them ("Limits").
 */
public final class PlanLimits {
  /** The plan text, in characters (256 KiB): checked before anything parses it. */
  public static final int MAX_TEXT_CHARS = 256 * 1024;
  /** All keys and string values of the parsed plan together, in characters. */
  public static final int MAX_PARSED_CHARS = 256 * 1024;
  /** Values (objects, lists, strings, numbers...) in the parsed plan: {@code 100,000 keys} is refused. */
  public static final int MAX_VALUES = 10_000;
  /** Nesting of objects and lists; a plan needs about 6 ({@code expand[0].columns[0].name}). */
  public static final int MAX_DEPTH = 32;
  /** Operations across expand, migrate and contract. */
  public static final int MAX_OPERATIONS = 500;
  /** {@code description}, in characters. */
  public static final int MAX_DESCRIPTION_CHARS = 4_096;
  /** One expression ({@code set}, {@code where}, {@code using}, a check, an index expression or predicate). */
  public static final int MAX_EXPRESSION_CHARS = 8_192;
  /** The {@code statements} or {@code down} of one raw {@code sql} operation, in characters. */
  public static final int MAX_SQL_CHARS = 65_536;
  /** Any other string value (names, types, {@code unsafe} reasons, durations...). */
  public static final int MAX_STRING_CHARS = 1_024;
  /** Problems listed in one answer; the rest are counted in a last {@code too-many-problems} entry. */
  public static final int MAX_PROBLEMS = 100;

  private PlanLimits() {}
}
