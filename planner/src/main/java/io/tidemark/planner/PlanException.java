package io.tidemark.planner;

import java.util.List;
import java.util.stream.Collectors;

/** A plan that was refused, with every problem found. */
public final class PlanException extends RuntimeException {
  private final transient List<Problem> problems;

  public PlanException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n  ", "invalid plan:\n  ", "")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
