package io.tidemark.planner.compile;

import static io.tidemark.planner.compile.OperationCompiler.transactional;
import static io.tidemark.planner.sql.Identifiers.qualified;
import static io.tidemark.planner.sql.Identifiers.quote;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.Phase;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.StepTargets;
import io.tidemark.planner.StepAction.TransactionalDdl;
import io.tidemark.planner.compile.OperationCompiler.Compiled;
import io.tidemark.planner.plan.Operation.ChangeType;
import io.tidemark.planner.plan.Operation.RenameColumn;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * rename_column and change_type as expand/contract: expand adds the new column, installs a trigger that keeps
 * both columns in step on every write, and backfills the new column; the application moves to the new column;
 * contract drops the trigger and the old column. Nothing is renamed in place, so old and new application
 * versions both work during the rollout.
 *
 * <p>The trigger, in terms of {@code fwd} (new value from the old column: the old column itself, or
 * {@code using}) and {@code rev} (old from new: the new column itself, or {@code reverse-using}):
 * <ul>
 *   <li>INSERT: a missing new value is computed from the old; else a missing old value from the new.
 *   <li>UPDATE of the old column only: the new one is recomputed ({@code new := fwd}).
 *   <li>UPDATE of the new column only, to a value that differs from {@code fwd}: the old one follows
 *       ({@code old := rev}). The backfill's own update writes exactly {@code fwd}, so it never writes back
 *       into the old column, even when {@code rev(fwd(x))} would not give {@code x} back.
 *   <li>Both changed: left as written.
 * </ul>
 * Without {@code reverse-using}, writes to the new column are not copied back (documented for change_type).
 * {@code using} and {@code reverse-using} name columns unqualified: in the trigger they are evaluated over
 * {@code (SELECT NEW.*)}, so {@code round(amount * 100)::bigint} works and {@code orders.amount} does not.
 */
final class ColumnSyncSteps {
  private static final String FUNCTION = """
      CREATE OR REPLACE FUNCTION %1$s() RETURNS trigger LANGUAGE plpgsql AS $tidemark$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.%3$s IS NULL THEN
            NEW.%3$s := %4$s;%5$s
          END IF;
        ELSIF NEW.%2$s IS DISTINCT FROM OLD.%2$s AND NEW.%3$s IS NOT DISTINCT FROM OLD.%3$s THEN
          NEW.%3$s := %4$s;%6$s
        END IF;
        RETURN NEW;
      END
      $tidemark$""";
  /** The INSERT branch that fills the old column from the new: %1$s old, %2$s new, %3$s rev. */
  private static final String INSERT_BACK = "\n    ELSIF NEW.%1$s IS NULL THEN\n      NEW.%1$s := %3$s;";
  /** The UPDATE branch that copies a write of the new column back: %1$s old, %2$s new, %3$s rev, %4$s fwd. */
  private static final String UPDATE_BACK = "\n  ELSIF NEW.%2$s IS DISTINCT FROM OLD.%2$s"
      + " AND NEW.%1$s IS NOT DISTINCT FROM OLD.%1$s AND NEW.%2$s IS DISTINCT FROM %4$s THEN\n"
      + "    NEW.%1$s := %3$s;";
  private static final String CREATE_TRIGGER =
      "CREATE TRIGGER %s BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s()";
  private static final String DROP_TRIGGER = "DROP TRIGGER IF EXISTS %s ON %s";
  private static final String DROP_FUNCTION = "DROP FUNCTION IF EXISTS %s()";
  /** An expression over the table's columns, evaluated on the row being written. */
  private static final String ON_NEW_ROW = "(SELECT %s FROM (SELECT NEW.*) AS tidemark_row)";

  private ColumnSyncSteps() {}

  static Compiled rename(RenameColumn r, String path) {
    String fwd = "NEW." + quote(r.from());
    String rev = "NEW." + quote(r.to());
    return steps(path, r.schema(), r.table(), r.from(), r.to(), r.type(), r.syncName(), fwd, Optional.of(rev),
        quote(r.from()));
  }

  static Compiled changeType(ChangeType c, String path) {
    String using = c.using().orElse(quote(c.column()) + "::" + c.type());
    String fwd = ON_NEW_ROW.formatted(using);
    Optional<String> rev = c.reverseUsing().map(ON_NEW_ROW::formatted);
    return steps(path, c.schema(), c.table(), c.column(), c.to(), c.type(), c.syncName(), fwd, rev,
        "(" + using + ")");
  }

  private static Compiled steps(String path, String schema, String table, String oldColumn, String newColumn,
      String type, String syncName, String fwd, Optional<String> rev, String backfillValue) {
    String qualifiedTable = qualified(schema, table);
    String where = schema + "." + table;
    String function = qualified(schema, syncName);
    String oldQ = quote(oldColumn);
    String newQ = quote(newColumn);
    String insertBack = rev.map(r -> INSERT_BACK.formatted(oldQ, newQ, r, fwd)).orElse("");
    String updateBack = rev.map(r -> UPDATE_BACK.formatted(oldQ, newQ, r, fwd)).orElse("");
    TransactionalDdl dropSync = new TransactionalDdl(List.of(
        DROP_TRIGGER.formatted(quote(syncName), qualifiedTable), DROP_FUNCTION.formatted(function)));

    StepTargets.Name tableName = OperationCompiler.name(schema, table);
    StepTemplate add = OperationCompiler.addColumn(Phase.EXPAND, path, "add-column", schema, table, newColumn,
        newQ + " " + type)
        .touching(StepTargets.builder().alteredTable(tableName).alteredColumn(tableName, oldColumn)
            .addedColumn(tableName, newColumn, type).build());
    StepTemplate sync = StepTemplate.of(Phase.EXPAND, path, "sync-trigger",
            "keep " + newColumn + " and " + oldColumn + " of " + where + " in step on every write (trigger "
                + syncName + ")",
            new TransactionalDdl(List.of(
                FUNCTION.formatted(function, oldQ, newQ, fwd, insertBack, updateBack),
                CREATE_TRIGGER.formatted(quote(syncName), qualifiedTable, function))),
            Probes.trigger(schema, table, syncName))
        .undoneBy("drop trigger and function " + syncName, dropSync, Probes.triggerGone(schema, table, syncName))
        .touching(StepTargets.builder().alteredTable(tableName).build());
    BackfillSpec spec = new BackfillSpec(schema, table, newQ + " = " + backfillValue,
        Optional.of(newQ + " IS DISTINCT FROM " + backfillValue), OptionalLong.empty(), Optional.empty(),
        OptionalInt.empty(), OptionalInt.empty());
    StepTemplate backfill = StepTemplate.of(Phase.EXPAND, path, "backfill",
        "backfill " + newColumn + " of " + where + " from " + oldColumn, new StepAction.Backfill(spec), null)
        .touching(OperationCompiler.backfillTargets(schema, table, List.of(newColumn)));

    StepTemplate dropTrigger = StepTemplate.of(Phase.CONTRACT, path, "drop-sync-trigger",
        "drop trigger and function " + syncName, dropSync, Probes.triggerGone(schema, table, syncName))
        .irreversible().touching(StepTargets.builder().alteredTable(tableName).build());
    StepTemplate dropOld = StepTemplate.of(Phase.CONTRACT, path, "drop-old-column",
        "drop column " + oldColumn + " of " + where + " (replaced by " + newColumn + ")",
        transactional(OperationCompiler.dropColumnSql(schema, table, oldColumn)),
        Probes.columnGone(schema, table, oldColumn)).irreversible()
        .touching(StepTargets.builder().alteredTable(tableName).build());
    return new Compiled(List.of(add, sync, backfill), List.of(dropTrigger, dropOld));
  }
}
