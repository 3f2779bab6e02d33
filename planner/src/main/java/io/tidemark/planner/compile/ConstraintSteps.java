package io.tidemark.planner.compile;

import static io.tidemark.planner.compile.OperationCompiler.columns;
import static io.tidemark.planner.compile.OperationCompiler.name;
import static io.tidemark.planner.compile.OperationCompiler.transactional;
import static io.tidemark.planner.sql.Identifiers.qualified;
import static io.tidemark.planner.sql.Identifiers.quote;

import io.tidemark.planner.Phase;
import io.tidemark.planner.Probe;
import io.tidemark.planner.StepTargets;
import io.tidemark.planner.StepAction.TransactionalDdl;
import io.tidemark.planner.StepAction.ValidateConstraint;
import io.tidemark.planner.plan.Operation.AddCheck;
import io.tidemark.planner.plan.Operation.AddForeignKey;
import io.tidemark.planner.plan.Operation.AddUnique;
import io.tidemark.planner.plan.Operation.OnDelete;
import io.tidemark.planner.plan.Operation.SetNotNull;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Constraints without long locks: {@code NOT VALID} then {@code VALIDATE} (which takes only SHARE UPDATE
 * EXCLUSIVE while it scans), a unique index built concurrently then attached, and NOT NULL proven by a
 * validated check so that {@code SET NOT NULL} skips its scan (PostgreSQL 12+).
 *
 * <p>Violation reports: {@code violationCountSql} returns one row with {@code violations}; {@code
 * violationSampleSql} returns up to 10 rows with one text column {@code key}, a JSON object of the offending
 * row's primary key columns read from the catalog at run time (the planner has none), plus the foreign key
 * columns for a foreign key, e.g. {@code {"id": 17, "customer_id": 99}}; a table without a primary key shows
 * {@code {"ctid": "(0,7)"}}. Only key columns are shown, never whole rows, which may hold personal data.
 */
final class ConstraintSteps {
  private static final String ADD_CONSTRAINT = "ALTER TABLE %s ADD CONSTRAINT %s %s";
  private static final String VALIDATE = "ALTER TABLE %s VALIDATE CONSTRAINT %s";
  private static final String DROP_CONSTRAINT = "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s";
  private static final String SET_NOT_NULL = "ALTER TABLE %s ALTER COLUMN %s SET NOT NULL";
  private static final String DROP_NOT_NULL = "ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL";
  private static final String COUNT = "SELECT count(*) AS violations FROM %s WHERE %s";
  /**
   * %1$s the table's row reference (its quoted name, also a whole-row value), %2$s extra key columns
   * ({@code  || ARRAY['customer_id']} or nothing), %3$s the qualified table, %4$s the violation condition.
   */
  private static final String SAMPLE = "SELECT COALESCE((SELECT jsonb_object_agg(k.name, to_jsonb(%1$s) -> k.name)"
      + " FROM unnest(ARRAY(SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
      + " AND a.attnum = ANY (i.indkey) WHERE i.indrelid = %1$s.tableoid AND i.indisprimary)%2$s) AS k(name)),"
      + " jsonb_build_object('ctid', %1$s.ctid::text))::text AS key FROM %3$s WHERE %4$s LIMIT 10";

  private ConstraintSteps() {}

  static List<StepTemplate> check(AddCheck c, Phase phase, String path) {
    String violation = "(" + c.expression() + ") IS FALSE"; // a CHECK passes on NULL: only FALSE violates
    return addAndValidate(phase, path, c.schema(), c.table(), c.name(), "check", "CHECK (" + c.expression() + ")",
        violation, "", constraintTargets(c.schema(), c.table(), c.name(), "c").build());
  }

  static List<StepTemplate> foreignKey(AddForeignKey f, Phase phase, String path) {
    String definition = "FOREIGN KEY (" + columns(f.columns()) + ") REFERENCES "
        + qualified(f.references().schema(), f.references().table()) + " (" + columns(f.references().columns())
        + ")" + (f.onDelete() == OnDelete.NO_ACTION ? "" : " ON DELETE " + f.onDelete().sql());
    String row = quote(f.table());
    List<String> conditions = new ArrayList<>();
    List<String> matches = new ArrayList<>();
    for (int i = 0; i < f.columns().size(); i++) {
      conditions.add(row + "." + quote(f.columns().get(i)) + " IS NOT NULL"); // MATCH SIMPLE skips NULL keys
      matches.add("r." + quote(f.references().columns().get(i)) + " = " + row + "." + quote(f.columns().get(i)));
    }
    String violation = String.join(" AND ", conditions) + " AND NOT EXISTS (SELECT 1 FROM "
        + qualified(f.references().schema(), f.references().table()) + " AS r WHERE " + String.join(" AND ", matches)
        + ")";
    String extraKeys = " || ARRAY[" + f.columns().stream().map(OperationCompiler::literal)
        .collect(Collectors.joining(", ")) + "]";
    StepTargets targets = constraintTargets(f.schema(), f.table(), f.name(), "f")
        .foreignKey(new StepTargets.ForeignKey(name(f.schema(), f.table()), f.columns(),
            name(f.references().schema(), f.references().table()), f.references().columns()))
        .build();
    return addAndValidate(phase, path, f.schema(), f.table(), f.name(), "foreign key", definition, violation,
        extraKeys, targets);
  }

  private static List<StepTemplate> addAndValidate(Phase phase, String path, String schema, String table,
      String name, String kind, String definition, String violation, String extraKeys, StepTargets targets) {
    String qualifiedTable = qualified(schema, table);
    String where = schema + "." + table;
    Probe probe = Probes.constraint(schema, table, name);
    StepTemplate add = StepTemplate.of(phase, path, "add-constraint",
            "add " + kind + " " + name + " on " + where + " NOT VALID",
            transactional(ADD_CONSTRAINT.formatted(qualifiedTable, quote(name), definition + " NOT VALID")), probe)
        .undoneBy("drop constraint " + name + " of " + where, transactional(dropConstraint(schema, table, name)),
            Probes.constraintGone(schema, table, name))
        .touching(targets);
    StepTemplate validate = StepTemplate.of(phase, path, "validate-constraint",
        "validate " + kind + " " + name + " on " + where,
        validate(schema, table, name, violation, extraKeys), probe)
        .touching(StepTargets.builder().alteredTable(name(schema, table)).build());
    return List.of(add, validate);
  }

  static List<StepTemplate> unique(AddUnique u, Phase phase, String path) {
    String where = u.schema() + "." + u.table();
    String sql = "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS " + quote(u.index()) + " ON "
        + qualified(u.schema(), u.table()) + " USING btree (" + columns(u.columns()) + ")";
    StepTemplate index = OperationCompiler.createIndexStep(phase, path, "create-index",
        "create unique index " + u.index() + " on " + where, sql, u.schema(), u.index(),
        Probes.uniqueIndex(u.schema(), u.table(), u.index(), u.name()))
        .touching(StepTargets.builder().createdIndex(new StepTargets.NewIndex(name(u.schema(), u.index()),
            name(u.schema(), u.table()), true, u.columns())).build());
    StepTemplate attach = StepTemplate.of(phase, path, "add-constraint",
            "add unique constraint " + u.name() + " on " + where + " using index " + u.index(),
            transactional(ADD_CONSTRAINT.formatted(qualified(u.schema(), u.table()), quote(u.name()),
                "UNIQUE USING INDEX " + quote(u.index()))),
            Probes.constraint(u.schema(), u.table(), u.name()))
        .undoneBy("drop constraint " + u.name() + " of " + where + " (and its index)",
            transactional(dropConstraint(u.schema(), u.table(), u.name())),
            Probes.constraintGone(u.schema(), u.table(), u.name()))
        .touching(constraintTargets(u.schema(), u.table(), u.name(), "u").build());
    return List.of(index, attach);
  }

  /**
   * Three steps: add {@code CHECK (col IS NOT NULL) NOT VALID} (brief lock), validate it (scan under a weak
   * lock), then {@code SET NOT NULL}, which PostgreSQL 12+ proves from the valid check without a scan, and drop
   * the check in the same transaction.
   */
  static List<StepTemplate> notNull(SetNotNull n, Phase phase, String path) {
    String table = qualified(n.schema(), n.table());
    String where = n.schema() + "." + n.table();
    String check = n.checkName();
    Probe checkProbe = Probes.notNullCheck(n.schema(), n.table(), n.column(), check);
    StepTemplate add = StepTemplate.of(phase, path, "add-not-null-check",
            "add check " + check + " (" + n.column() + " IS NOT NULL) on " + where + " NOT VALID",
            transactional(ADD_CONSTRAINT.formatted(table, quote(check),
                "CHECK (" + quote(n.column()) + " IS NOT NULL) NOT VALID")), checkProbe)
        .undoneBy("drop constraint " + check + " of " + where,
            transactional(dropConstraint(n.schema(), n.table(), check)),
            Probes.constraintGone(n.schema(), n.table(), check))
        .touching(constraintTargets(n.schema(), n.table(), check, "c").alteredColumn(name(n.schema(), n.table()),
            n.column()).build());
    StepTemplate validate = StepTemplate.of(phase, path, "validate-not-null-check",
        "validate check " + check + " on " + where,
        validate(n.schema(), n.table(), check, quote(n.column()) + " IS NULL", ""), checkProbe)
        .touching(StepTargets.builder().alteredTable(name(n.schema(), n.table())).build());
    StepTemplate setNotNull = StepTemplate.of(phase, path, "set-not-null",
            "set " + n.column() + " of " + where + " NOT NULL and drop check " + check,
            new TransactionalDdl(List.of(SET_NOT_NULL.formatted(table, quote(n.column())),
                dropConstraint(n.schema(), n.table(), check))),
            Probes.notNullDone(n.schema(), n.table(), n.column(), check))
        .undoneBy("drop NOT NULL of " + n.column() + " of " + where,
            transactional(DROP_NOT_NULL.formatted(table, quote(n.column()))),
            Probes.columnNullable(n.schema(), n.table(), n.column()))
        .touching(StepTargets.builder().alteredTable(name(n.schema(), n.table()))
            .alteredColumn(name(n.schema(), n.table()), n.column()).build());
    return List.of(add, validate, setNotNull);
  }

  /** An added constraint alters its table. */
  private static StepTargets.Builder constraintTargets(String schema, String table, String constraint, String kind) {
    return StepTargets.builder().alteredTable(name(schema, table)).addedConstraint(name(schema, table), constraint,
        kind);
  }

  private static ValidateConstraint validate(String schema, String table, String name, String violation,
      String extraKeys) {
    String qualifiedTable = qualified(schema, table);
    return new ValidateConstraint(VALIDATE.formatted(qualifiedTable, quote(name)), schema, table, name,
        COUNT.formatted(qualifiedTable, violation),
        SAMPLE.formatted(quote(table), extraKeys, qualifiedTable, violation));
  }

  private static String dropConstraint(String schema, String table, String name) {
    return DROP_CONSTRAINT.formatted(qualified(schema, table), quote(name));
  }
}
