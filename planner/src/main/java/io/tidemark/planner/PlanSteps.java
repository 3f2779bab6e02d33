package io.tidemark.planner;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The steps of a {@link CompiledPlan}: an unmodifiable list in plan order that also knows each database's
 * steps, so {@link CompiledPlan#steps(String, Phase)} looks one database up instead of scanning every step
 * of every database. At 1,000 databases a plan has 10,000 steps, and the daemon asks for one database's
 * steps at each of its 3,000 drives and 3,000 preflight walks: scanning, that was 60 million name
 * comparisons, a tenth of the daemon's CPU. Equal to any list of the same steps; immutable; any thread.
 */
final class PlanSteps extends AbstractList<CompiledStep> implements RandomAccess {
  private final List<CompiledStep> all;
  private final Map<String, List<CompiledStep>> byDatabase = new HashMap<>();

  private PlanSteps(List<CompiledStep> all) {
    this.all = all;
    for (CompiledStep s : all) {
      byDatabase.computeIfAbsent(s.database(), d -> new ArrayList<>()).add(s);
    }
  }

  /** {@code steps} copied (an indexed list is taken as it is: it is immutable). */
  static PlanSteps of(List<CompiledStep> steps) {
    return steps instanceof PlanSteps indexed ? indexed : new PlanSteps(List.copyOf(steps));
  }

  /** The steps of {@code phase} on {@code database}, in plan order. */
  List<CompiledStep> of(String database, Phase phase) {
    return byDatabase.getOrDefault(database, List.of()).stream().filter(s -> s.phase() == phase).toList();
  }

  @Override
  public CompiledStep get(int index) {
    return all.get(index);
  }

  @Override
  public int size() {
    return all.size();
  }
}
