package io.tidemark.daemon.exec;

import java.util.List;

/**
 * What {@link Preflight} found on one database: every problem at once, in step order, database-wide ones
 * first. {@code serverVersionNum} is {@code server_version_num} (e.g. {@code 150020}), 0 when unreachable.
 */
public record PreflightReport(String database, int serverVersionNum, String currentUser, List<PreflightProblem> problems) {
  public PreflightReport {
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
