package io.tidemark.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config that was refused, with every problem found (not just the first). */
public final class ConfigException extends RuntimeException {
  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n  ", "invalid config:\n  ", "")));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
