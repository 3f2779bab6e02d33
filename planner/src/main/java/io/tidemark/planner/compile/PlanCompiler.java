package io.tidemark.planner.compile;

import io.tidemark.config.TidemarkConfig;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import io.tidemark.planner.plan.Operation;
import io.tidemark.planner.plan.Plan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a validated {@link Plan} into the steps every database runs, in order (docs/plan-reference.md). Pure and
 * thread-safe; the same plan and configuration always give the same steps, ids and hash.
 *
 * <p>Order within a database: expand runs the expand operations in plan order; migrate the migrate
 * operations; contract first finishes what expand operations began (rename_column and change_type drop
 * their sync trigger, then the old column), then runs the contract operations in plan order.
 */
public final class PlanCompiler {
  private PlanCompiler() {}

  /**
   * Resolves {@code databases} against {@code config}: each entry is a database name or a group name (a
   * name that is both means the database), groups expand in their configured order, the first mention of a
   * database decides its position, and repeats are dropped.
   *
   * @throws PlanException naming every entry that is neither, at {@code databases[i]}
   */
  public static CompiledPlan compile(Plan plan, TidemarkConfig config) {
    return compile(plan, resolve(plan.databases(), config));
  }

  /**
   * For {@code plan check} without a configuration: everything but database resolution, with the steps
   * compiled for each name of {@code databases} as written (group names are not expanded).
   */
  public static CompiledPlan compileUnresolved(Plan plan) {
    return compile(plan, List.copyOf(new LinkedHashSet<>(plan.databases())));
  }

  /** The SHA-256 hex of the plan's canonical form (see {@link CompiledPlan#contentHash()}). */
  public static String contentHash(Plan plan) {
    return CanonicalForm.sha256(plan);
  }

  /**
   * The {@code unknown-database} problems of {@code names} (a plan's {@code databases} as written): each entry
   * must be a database or a group of {@code config}. Used by the parser to report these with the rest.
   */
  public static List<Problem> unknownDatabases(List<String> names, TidemarkConfig config) {
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (!config.databases().containsKey(name) && !config.groups().containsKey(name)) {
        problems.add(new Problem("databases[" + i + "]", "unknown-database",
            "'" + name + "' is neither a database nor a group of the configuration; known: "
                + String.join(", ", config.databases().keySet())
                + (config.groups().isEmpty() ? "" : "; groups: " + String.join(", ", config.groups().keySet()))));
      }
    }
    return problems;
  }

  private static List<String> resolve(List<String> names, TidemarkConfig config) {
    List<Problem> problems = unknownDatabases(names, config);
    if (!problems.isEmpty()) {
      throw new PlanException(problems);
    }
    Set<String> databases = new LinkedHashSet<>();
    for (String name : names) {
      if (config.databases().containsKey(name)) {
        databases.add(name);
      } else {
        databases.addAll(config.groups().get(name));
      }
    }
    return List.copyOf(databases);
  }

  private static CompiledPlan compile(Plan plan, List<String> databases) {
    OperationCompiler compiler = new OperationCompiler(columnsAddedByPlan(plan));
    List<StepTemplate> templates = new ArrayList<>();
    List<StepTemplate> contractFromExpand = new ArrayList<>();
    Map<StepTemplate, List<String>> calledFunctions = new IdentityHashMap<>();
    for (Phase phase : Phase.values()) {
      if (phase == Phase.CONTRACT) {
        templates.addAll(contractFromExpand);
      }
      List<Operation> ops = plan.operations(phase);
      for (int i = 0; i < ops.size(); i++) {
        OperationCompiler.Compiled compiled = compiler.compile(ops.get(i), phase, phase.planKey() + "[" + i + "]");
        templates.addAll(compiled.steps());
        contractFromExpand.addAll(compiled.contractSteps());
        List<String> functions = CalledFunctions.of(ops.get(i));
        compiled.steps().forEach(t -> calledFunctions.put(t, functions));
        compiled.contractSteps().forEach(t -> calledFunctions.put(t, functions));
      }
    }
    List<CompiledStep> steps = new ArrayList<>();
    for (String database : databases) {
      for (Phase phase : Phase.values()) {
        List<StepTemplate> inPhase = templates.stream().filter(t -> t.phase() == phase).toList();
        for (int position = 0; position < inPhase.size(); position++) {
          StepTemplate template = inPhase.get(position);
          steps.add(template.on(database, position).calling(calledFunctions.get(template)));
        }
      }
    }
    return new CompiledPlan(plan.id(), plan.description(), contentHash(plan), databases, plan.rollout(),
        plan.approval(), steps);
  }

  /** {@code schema.table.column} of every column the plan's expand phase creates. */
  private static Set<String> columnsAddedByPlan(Plan plan) {
    Set<String> columns = new HashSet<>();
    for (Operation op : plan.expand()) {
      if (op instanceof Operation.AddColumn a) {
        columns.add(a.schema() + "." + a.table() + "." + a.column());
      } else if (op instanceof Operation.CreateTable t) {
        t.columns().forEach(c -> columns.add(t.schema() + "." + t.table() + "." + c.name()));
      } else if (op instanceof Operation.RenameColumn r) {
        columns.add(r.schema() + "." + r.table() + "." + r.to());
      } else if (op instanceof Operation.ChangeType c) {
        columns.add(c.schema() + "." + c.table() + "." + c.to());
      }
    }
    return columns;
  }
}
