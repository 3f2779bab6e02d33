package io.tidemark.planner.imports;

import io.tidemark.planner.Problem;
import java.util.List;

/**
 * The imported plan and how it came to be.
 *
 * @param plan the plan as HOCON, always written, even when it is not safe
 * @param report one entry per source statement, in source order, then the bookkeeping entry
 * @param decisions what the user must decide: statements no rewrite made safe, order conflicts naming both
 *     statements, files that could not be read as SQL; empty when the import is complete
 * @param problems what {@code plan check} says about the plan (the real parser, lint and compiler); empty when
 *     it passes
 */
public record ImportResult(String plan, List<ReportEntry> report, List<String> decisions, List<Problem> problems) {
  public ImportResult {
    report = List.copyOf(report);
    decisions = List.copyOf(decisions);
    problems = List.copyOf(problems);
  }

  /** Whether the plan passes {@code plan check} and nothing is left to decide. */
  public boolean safe() {
    return decisions.isEmpty() && problems.isEmpty();
  }

  /**
   * One source statement and what it became.
   *
   * @param location {@code file:line}
   * @param statement the statement's first line, shortened
   * @param became the steps it became ({@code create_index (expand)}), or {@code dropped}
   * @param reason why
   */
  public record ReportEntry(String location, String statement, String became, String reason) {}
}
