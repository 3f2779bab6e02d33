package io.tidemark.planner.compile;

import io.tidemark.planner.lint.Expressions;
import io.tidemark.planner.plan.Operation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The functions an operation's expressions call ({@code set}, {@code where}, {@code using},
 * {@code reverse-using}, check expressions, index expressions and predicates, column defaults), read with the
 * SQL tokenizer from the plan's expressions, never from compiled SQL. Preflight checks them against the target
 * database's {@code pg_proc}. Raw {@code sql} steps have none: their statements are approved as written.
 */
final class CalledFunctions {
  private CalledFunctions() {}

  /** The functions {@code op} calls, in order of first call, without repeats: {@code lower}, {@code app.f}. */
  static List<String> of(Operation op) {
    Set<String> calls = new LinkedHashSet<>();
    expressions(op).forEach(e -> calls.addAll(Expressions.calledFunctions(e)));
    return List.copyOf(calls);
  }

  private static List<String> expressions(Operation op) {
    List<String> expressions = new ArrayList<>();
    if (op instanceof Operation.Backfill b) {
      b.set().forEach(a -> expressions.add(a.expression()));
      b.where().ifPresent(expressions::add);
    } else if (op instanceof Operation.AddCheck c) {
      expressions.add(c.expression());
    } else if (op instanceof Operation.CreateIndex i) {
      expressions.addAll(i.expressions());
      i.where().ifPresent(expressions::add);
    } else if (op instanceof Operation.ChangeType c) {
      c.using().ifPresent(expressions::add);
      c.reverseUsing().ifPresent(expressions::add);
    } else if (op instanceof Operation.AddColumn a) {
      a.defaultValue().ifPresent(expressions::add);
    } else if (op instanceof Operation.CreateTable t) {
      t.columns().forEach(c -> c.defaultValue().ifPresent(expressions::add));
    }
    return expressions;
  }
}
