package io.tidemark.planner.compile;

import static io.tidemark.planner.sql.Identifiers.qualified;
import static io.tidemark.planner.sql.Identifiers.quote;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.Phase;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.StepTargets;
import io.tidemark.planner.lint.SqlTargets;
import io.tidemark.planner.StepAction.NonTransactionalDdl;
import io.tidemark.planner.StepAction.TransactionalDdl;
import io.tidemark.planner.plan.Operation;
import io.tidemark.planner.plan.Operation.AddColumn;
import io.tidemark.planner.plan.Operation.AddEnumValue;
import io.tidemark.planner.plan.Operation.Backfill;
import io.tidemark.planner.plan.Operation.ColumnDef;
import io.tidemark.planner.plan.Operation.CreateIndex;
import io.tidemark.planner.plan.Operation.CreateTable;
import io.tidemark.planner.plan.Operation.DropColumn;
import io.tidemark.planner.plan.Operation.DropIndex;
import io.tidemark.planner.plan.Operation.DropTable;
import io.tidemark.planner.plan.Operation.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles one operation into its steps (the table in docs/plan-reference.md). Tables, columns, indexes, enums, drops, backfills and
 * raw SQL live here; constraints in {@link ConstraintSteps}, rename and type change in {@link ColumnSyncSteps}.
 */
final class OperationCompiler {
  private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS %s (%s)";
  private static final String DROP_TABLE = "DROP TABLE IF EXISTS %s";
  private static final String ADD_COLUMN = "ALTER TABLE %s ADD COLUMN IF NOT EXISTS %s";
  private static final String DROP_COLUMN = "ALTER TABLE %s DROP COLUMN IF EXISTS %s";
  private static final String CREATE_INDEX = "CREATE %sINDEX CONCURRENTLY IF NOT EXISTS %s ON %s USING %s (%s)%s";
  private static final String DROP_INDEX = "DROP INDEX CONCURRENTLY IF EXISTS %s";
  private static final String ADD_ENUM_VALUE = "ALTER TYPE %s ADD VALUE IF NOT EXISTS %s%s";

  private final Set<String> columnsAddedByPlan;

  /** @param columnsAddedByPlan {@code schema.table.column} of every column the plan's expand phase adds */
  OperationCompiler(Set<String> columnsAddedByPlan) {
    this.columnsAddedByPlan = columnsAddedByPlan;
  }

  /** The steps of {@code op} written at {@code path} in {@code phase}, plus any it adds to contract. */
  Compiled compile(Operation op, Phase phase, String path) {
    if (op instanceof Operation.RenameColumn r) {
      return ColumnSyncSteps.rename(r, path);
    }
    if (op instanceof Operation.ChangeType c) {
      return ColumnSyncSteps.changeType(c, path);
    }
    return new Compiled(steps(op, phase, path), List.of());
  }

  private List<StepTemplate> steps(Operation op, Phase phase, String path) {
    if (op instanceof CreateTable t) {
      return List.of(createTable(t, phase, path));
    } else if (op instanceof AddColumn a) {
      return List.of(addColumn(a, phase, path));
    } else if (op instanceof CreateIndex i) {
      return List.of(createIndex(i, phase, path));
    } else if (op instanceof DropIndex d) {
      return List.of(dropIndex(d, phase, path));
    } else if (op instanceof Operation.AddCheck c) {
      return ConstraintSteps.check(c, phase, path);
    } else if (op instanceof Operation.AddForeignKey f) {
      return ConstraintSteps.foreignKey(f, phase, path);
    } else if (op instanceof Operation.AddUnique u) {
      return ConstraintSteps.unique(u, phase, path);
    } else if (op instanceof Operation.SetNotNull n) {
      return ConstraintSteps.notNull(n, phase, path);
    } else if (op instanceof AddEnumValue e) {
      return List.of(addEnumValue(e, phase, path));
    } else if (op instanceof Backfill b) {
      return List.of(backfill(b, phase, path));
    } else if (op instanceof DropColumn d) {
      return List.of(dropColumn(d, phase, path));
    } else if (op instanceof DropTable d) {
      return List.of(dropTable(d, phase, path));
    } else if (op instanceof Sql s) {
      return sql(s, phase, path);
    }
    throw new IllegalArgumentException("no compiler for " + op.op());
  }

  /** The steps of one operation: in its own phase, and (rename, change_type) in contract. */
  record Compiled(List<StepTemplate> steps, List<StepTemplate> contractSteps) {}

  private static StepTemplate createTable(CreateTable t, Phase phase, String path) {
    List<String> parts = new ArrayList<>();
    for (ColumnDef c : t.columns()) {
      parts.add(quote(c.name()) + " " + c.type() + c.defaultValue().map(d -> " DEFAULT " + d).orElse("")
          + (c.nullable() ? "" : " NOT NULL"));
    }
    if (!t.primaryKey().isEmpty()) {
      parts.add("PRIMARY KEY (" + columns(t.primaryKey()) + ")");
    }
    String table = qualified(t.schema(), t.table());
    return StepTemplate.of(phase, path, "create-table", "create table " + t.schema() + "." + t.table(),
            transactional(CREATE_TABLE.formatted(table, String.join(", ", parts))), Probes.table(t.schema(), t.table()))
        .touching(createdTable(t))
        .undoneBy("drop table " + t.schema() + "." + t.table(), transactional(DROP_TABLE.formatted(table)),
            Probes.tableGone(t.schema(), t.table()));
  }

  private static StepTargets createdTable(CreateTable t) {
    StepTargets.Name table = name(t.schema(), t.table());
    StepTargets.Builder targets = StepTargets.builder().createdTable(table);
    t.columns().forEach(c -> targets.addedColumn(table, c.name(), c.type()));
    return targets.build();
  }

  private static StepTemplate addColumn(AddColumn a, Phase phase, String path) {
    String definition = quote(a.column()) + " " + a.type() + a.defaultValue().map(d -> " DEFAULT " + d).orElse("")
        + (a.nullable() ? "" : " NOT NULL");
    return addColumn(phase, path, "add-column", a.schema(), a.table(), a.column(), definition)
        .touching(StepTargets.builder().alteredTable(name(a.schema(), a.table()))
            .addedColumn(name(a.schema(), a.table()), a.column(), a.type()).build());
  }

  /** {@code ADD COLUMN IF NOT EXISTS}, undone by dropping the column; shared with rename and change_type. */
  static StepTemplate addColumn(Phase phase, String path, String name, String schema, String table, String column,
      String definition) {
    String qualifiedTable = qualified(schema, table);
    String where = schema + "." + table;
    return StepTemplate.of(phase, path, name, "add column " + column + " to " + where,
            transactional(ADD_COLUMN.formatted(qualifiedTable, definition)), Probes.column(schema, table, column))
        .undoneBy("drop column " + column + " of " + where, transactional(dropColumnSql(schema, table, column)),
            Probes.columnGone(schema, table, column));
  }

  static String dropColumnSql(String schema, String table, String column) {
    return DROP_COLUMN.formatted(qualified(schema, table), quote(column));
  }

  private static StepTemplate createIndex(CreateIndex i, Phase phase, String path) {
    String elements = i.columns().isEmpty()
        ? i.expressions().stream().map(e -> "(" + e + ")").collect(Collectors.joining(", "))
        : columns(i.columns());
    String sql = CREATE_INDEX.formatted(i.unique() ? "UNIQUE " : "", quote(i.name()), qualified(i.schema(), i.table()),
        i.using(), elements, i.where().map(w -> " WHERE " + w).orElse(""));
    return createIndexStep(phase, path, "create-index",
        "create " + (i.unique() ? "unique " : "") + "index " + i.name() + " on " + i.schema() + "." + i.table(),
        sql, i.schema(), i.name(), Probes.index(i.schema(), i.name()))
        .touching(StepTargets.builder().createdIndex(new StepTargets.NewIndex(name(i.schema(), i.name()),
            name(i.schema(), i.table()), i.unique(), i.columns())).build());
  }

  /** A concurrent index build: an INVALID leftover is dropped concurrently first; undone by dropping it. */
  static StepTemplate createIndexStep(Phase phase, String path, String name, String description, String sql,
      String schema, String index, io.tidemark.planner.Probe probe) {
    String drop = dropIndexSql(schema, index);
    return StepTemplate.of(phase, path, name, description, new NonTransactionalDdl(sql, Optional.of(drop)), probe)
        .undoneBy("drop index " + schema + "." + index, new NonTransactionalDdl(drop, Optional.empty()),
            Probes.indexGone(schema, index));
  }

  static String dropIndexSql(String schema, String index) {
    return DROP_INDEX.formatted(qualified(schema, index));
  }

  private static StepTemplate dropIndex(DropIndex d, Phase phase, String path) {
    return StepTemplate.of(phase, path, "drop-index", "drop index " + d.schema() + "." + d.name(),
        new NonTransactionalDdl(dropIndexSql(d.schema(), d.name()), Optional.empty()),
        Probes.indexGone(d.schema(), d.name())).irreversible()
        .touching(StepTargets.builder().build());
  }

  /**
   * {@code ALTER TYPE ... ADD VALUE} runs in a transaction since PostgreSQL 12, but the new value cannot be used
   * before that transaction commits; it is alone in its step, so the next step can use it. Irreversible:
   * PostgreSQL cannot drop an enum value.
   */
  private static StepTemplate addEnumValue(AddEnumValue e, Phase phase, String path) {
    String position = e.before().map(b -> " BEFORE " + literal(b))
        .or(() -> e.after().map(a -> " AFTER " + literal(a))).orElse("");
    String sql = ADD_ENUM_VALUE.formatted(qualified(e.schema(), e.type()), literal(e.value()), position);
    return StepTemplate.of(phase, path, "add-enum-value",
        "add value " + literal(e.value()) + " to enum " + e.schema() + "." + e.type(), transactional(sql),
        Probes.enumValue(e.schema(), e.type(), e.value())).irreversible()
        .touching(StepTargets.builder().alteredType(name(e.schema(), e.type())).build());
  }

  /**
   * A backfill into columns the plan adds leaves nothing to undo (rollback drops those columns); one that
   * overwrites an existing column cannot be undone.
   */
  private StepTemplate backfill(Backfill b, Phase phase, String path) {
    String set = b.set().stream().map(a -> quote(a.column()) + " = " + a.expression())
        .collect(Collectors.joining(", "));
    BackfillSpec spec = new BackfillSpec(b.schema(), b.table(), set, b.where(), b.maxRowsPerSecond(),
        b.targetBatchDuration(), b.minBatchRows(), b.maxBatchRows());
    String columns = b.set().stream().map(Operation.Assignment::column).collect(Collectors.joining(", "));
    StepTemplate step = StepTemplate.of(phase, path, "backfill",
        "backfill " + columns + " of " + b.schema() + "." + b.table(), new StepAction.Backfill(spec), null)
        .touching(backfillTargets(b.schema(), b.table(), b.set().stream().map(Operation.Assignment::column).toList()));
    boolean intoNewColumns = b.set().stream()
        .allMatch(a -> columnsAddedByPlan.contains(b.schema() + "." + b.table() + "." + a.column()));
    return intoNewColumns ? step : step.irreversible();
  }

  /** A backfill walks its table by key and writes the columns it sets. */
  static StepTargets backfillTargets(String schema, String table, List<String> columns) {
    StepTargets.Builder targets = StepTargets.builder().backfill(name(schema, table));
    columns.forEach(c -> targets.alteredColumn(name(schema, table), c));
    return targets.build();
  }

  private static StepTemplate dropColumn(DropColumn d, Phase phase, String path) {
    return StepTemplate.of(phase, path, "drop-column", "drop column " + d.column() + " of " + d.schema() + "."
            + d.table(), transactional(dropColumnSql(d.schema(), d.table(), d.column())),
        Probes.columnGone(d.schema(), d.table(), d.column())).irreversible()
        .touching(StepTargets.builder().alteredTable(name(d.schema(), d.table())).build());
  }

  private static StepTemplate dropTable(DropTable d, Phase phase, String path) {
    return StepTemplate.of(phase, path, "drop-table", "drop table " + d.schema() + "." + d.table(),
        transactional(DROP_TABLE.formatted(qualified(d.schema(), d.table()))),
        Probes.tableGone(d.schema(), d.table())).irreversible()
        .touching(StepTargets.builder().build());
  }

  /**
   * Transactional: one step running every statement in one transaction. Non-transactional: one step per
   * statement ({@code <path>/sql-1}, ...), and {@code down} (if any) undoes the whole operation from the
   * first step, which rollback reaches last.
   */
  private static List<StepTemplate> sql(Sql s, Phase phase, String path) {
    List<StepTemplate> steps = new ArrayList<>();
    if (s.transactional()) {
      steps.add(StepTemplate.of(phase, path, "sql", "raw SQL (" + count(s.statements()) + ")",
          new TransactionalDdl(s.statements()), null).touching(SqlTargets.of(s.statements())));
    } else {
      for (int i = 0; i < s.statements().size(); i++) {
        steps.add(StepTemplate.of(phase, path, "sql-" + (i + 1),
            "raw SQL, statement " + (i + 1) + " of " + s.statements().size() + ", outside a transaction",
            new NonTransactionalDdl(s.statements().get(i), Optional.empty()), null)
            .touching(SqlTargets.of(List.of(s.statements().get(i)))));
      }
    }
    List<StepTemplate> result = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      StepTemplate step = steps.get(i).unsafe(s.unsafe());
      if (i == 0 && !s.down().isEmpty()) {
        List<StepAction> undo = s.transactional()
            ? List.of(new TransactionalDdl(s.down()))
            : s.down().stream().<StepAction>map(d -> new NonTransactionalDdl(d, Optional.empty())).toList();
        step = step.undoneBy("raw SQL down (" + count(s.down()) + ")", undo);
      } else if (s.down().isEmpty()) {
        step = step.irreversible();
      }
      result.add(step);
    }
    return result;
  }

  private static String count(List<String> statements) {
    return statements.size() == 1 ? "1 statement" : statements.size() + " statements";
  }

  static StepTargets.Name name(String schema, String name) {
    return new StepTargets.Name(schema, name);
  }

  static TransactionalDdl transactional(String sql) {
    return new TransactionalDdl(List.of(sql));
  }

  static String columns(List<String> names) {
    return names.stream().map(io.tidemark.planner.sql.Identifiers::quote).collect(Collectors.joining(", "));
  }

  /** A string literal: the parser allows no backslash in labels, so doubling quotes is the whole escape. */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
