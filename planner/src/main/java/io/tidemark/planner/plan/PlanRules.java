package io.tidemark.planner.plan;

import io.tidemark.planner.Phase;
import io.tidemark.planner.Problem;
import io.tidemark.planner.plan.Operation.AddCheck;
import io.tidemark.planner.plan.Operation.AddColumn;
import io.tidemark.planner.plan.Operation.AddForeignKey;
import io.tidemark.planner.plan.Operation.AddUnique;
import io.tidemark.planner.plan.Operation.ChangeType;
import io.tidemark.planner.plan.Operation.CreateIndex;
import io.tidemark.planner.plan.Operation.CreateTable;
import io.tidemark.planner.plan.Operation.DropColumn;
import io.tidemark.planner.plan.Operation.RenameColumn;
import io.tidemark.planner.plan.Operation.SetNotNull;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The phase table of docs/plan-reference.md and the cross-operation checks that need the whole plan: names used twice,
 * columns added twice, contract operations on a column the plan itself renames away.
 */
final class PlanRules {
  private static final Set<Phase> EXPAND = EnumSet.of(Phase.EXPAND);
  private static final Set<Phase> CONTRACT = EnumSet.of(Phase.CONTRACT);
  private static final Set<Phase> EXPAND_OR_CONTRACT = EnumSet.of(Phase.EXPAND, Phase.CONTRACT);

  /** Where each operation may be written; rename_column and change_type also compile into contract steps. */
  static final Map<String, Set<Phase>> PHASES = phases();
  static final List<String> OPS = List.copyOf(PHASES.keySet());

  private PlanRules() {}

  private static Map<String, Set<Phase>> phases() {
    Map<String, Set<Phase>> phases = new LinkedHashMap<>();
    phases.put("create_table", EXPAND);
    phases.put("add_column", EXPAND);
    phases.put("create_index", EXPAND_OR_CONTRACT);
    phases.put("drop_index", CONTRACT);
    phases.put("add_check", EXPAND_OR_CONTRACT);
    phases.put("add_foreign_key", EXPAND_OR_CONTRACT);
    phases.put("add_unique", EXPAND_OR_CONTRACT);
    phases.put("set_not_null", CONTRACT);
    phases.put("rename_column", EXPAND);
    phases.put("change_type", EXPAND);
    phases.put("add_enum_value", EXPAND);
    phases.put("backfill", EnumSet.of(Phase.MIGRATE));
    phases.put("drop_column", CONTRACT);
    phases.put("drop_table", CONTRACT);
    phases.put("sql", EnumSet.allOf(Phase.class));
    return java.util.Collections.unmodifiableMap(phases);
  }

  static void checkPhase(Operation op, Phase phase, String path, List<Problem> problems) {
    Set<Phase> allowed = PHASES.get(op.op());
    if (!allowed.contains(phase)) {
      problems.add(new Problem(path + ".op", "op-not-allowed-in-phase", op.op() + " is not allowed in "
          + phase.planKey() + "; allowed in " + String.join(", ", allowed.stream().map(Phase::planKey).toList())));
    }
  }

  /** An operation with the path it was read from. */
  record Located(String path, Phase phase, Operation op) {}

  static void checkAcrossOperations(List<Located> ops, List<Problem> problems) {
    Map<String, String> names = new HashMap<>();
    Map<String, String> addedColumns = new HashMap<>();
    Map<String, String> renamedAway = new HashMap<>();
    for (Located l : ops) {
      claimNames(l, names, problems);
      claimColumns(l, addedColumns, renamedAway, problems);
    }
    for (Located l : ops) {
      String touched = l.op() instanceof DropColumn d ? column(d.schema(), d.table(), d.column())
          : l.op() instanceof SetNotNull n ? column(n.schema(), n.table(), n.column())
          : null;
      if (touched != null && renamedAway.containsKey(touched)) {
        problems.add(new Problem(l.path() + ".column", "column-dropped-by-plan", "the plan already drops this column in "
            + "contract (" + renamedAway.get(touched) + " replaces it); name the new column instead"));
      }
    }
  }

  /** Index and constraint names share one namespace per schema (a unique constraint owns an index). */
  private static void claimNames(Located l, Map<String, String> names, List<Problem> problems) {
    String at = l.path();
    if (l.op() instanceof CreateIndex i) {
      claim(names, i.schema() + "." + i.name(), at + ".name", problems);
    } else if (l.op() instanceof AddCheck c) {
      claim(names, c.schema() + "." + c.name(), at + ".name", problems);
    } else if (l.op() instanceof AddForeignKey f) {
      claim(names, f.schema() + "." + f.name(), at + ".name", problems);
    } else if (l.op() instanceof AddUnique u) {
      claim(names, u.schema() + "." + u.name(), at + ".name", problems);
      if (!u.index().equals(u.name())) {
        claim(names, u.schema() + "." + u.index(), at + ".index", problems);
      }
    } else if (l.op() instanceof SetNotNull n) {
      claim(names, n.schema() + "." + n.checkName(), at + ".column", problems);
    }
  }

  private static void claimColumns(Located l, Map<String, String> added, Map<String, String> renamedAway,
      List<Problem> problems) {
    String at = l.path();
    if (l.op() instanceof AddColumn a) {
      claim(added, column(a.schema(), a.table(), a.column()), at + ".column", problems);
    } else if (l.op() instanceof CreateTable t) {
      t.columns().forEach(c -> added.putIfAbsent(column(t.schema(), t.table(), c.name()), at));
    } else if (l.op() instanceof RenameColumn r) {
      claim(added, column(r.schema(), r.table(), r.to()), at + ".to", problems);
      renamedAway.put(column(r.schema(), r.table(), r.from()), at);
    } else if (l.op() instanceof ChangeType c) {
      claim(added, column(c.schema(), c.table(), c.to()), at + ".to", problems);
      renamedAway.put(column(c.schema(), c.table(), c.column()), at);
    }
  }

  private static void claim(Map<String, String> taken, String key, String path, List<Problem> problems) {
    String first = taken.putIfAbsent(key, path);
    if (first != null) {
      problems.add(new Problem(path, "duplicate-name", "'" + key + "' is already used at " + first));
    }
  }

  private static String column(String schema, String table, String column) {
    return schema + "." + table + "." + column;
  }
}
