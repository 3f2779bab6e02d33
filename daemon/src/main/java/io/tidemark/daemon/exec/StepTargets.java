package io.tidemark.daemon.exec;

import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog objects a compiled step touches, read back from its SQL for {@link Preflight}. The compiled
 * model carries no table list per step, so this relies on the compiler's output form: identifiers always
 * double-quoted by {@code Identifiers.quote} (optionally schema-qualified), keywords in upper case. A raw
 * {@code sql} step written differently yields fewer targets; preflight then checks less, never wrongly.
 * Example: {@code ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_customer_fk" FOREIGN KEY ("customer_id")
 * REFERENCES "public"."customers" ("id") NOT VALID} gives altered table orders, constraint orders_customer_fk
 * (foreign key), and a foreign key customer_id → customers(id).
 */
record StepTargets(
    List<Name> createdTables,
    List<Name> alteredTables,
    List<NewColumn> addedColumns,
    List<ColumnRef> alteredColumns,
    List<NewIndex> createdIndexes,
    List<NewConstraint> addedConstraints,
    List<ForeignKey> foreignKeys,
    List<Name> alteredTypes,
    Optional<Name> backfillTable) {

  /** A schema-qualified name; {@code public} when the SQL did not qualify it. */
  record Name(String schema, String name) {
    @Override
    public String toString() {
      return schema + "." + name;
    }
  }

  record NewColumn(Name table, String column, String type) {}

  record ColumnRef(Name table, String column) {}

  record NewIndex(Name index, Name table, boolean unique, List<String> columns) {}

  /** {@code kind}: {@code c} check, {@code f} foreign key, {@code u} unique, as {@code pg_constraint.contype}. */
  record NewConstraint(Name table, String name, String kind) {}

  record ForeignKey(Name table, List<String> columns, Name referenced, List<String> referencedColumns) {}

  private static final String Q = "\"((?:[^\"]|\"\")+)\"";
  private static final String QNAME = "(?:" + Q + "\\.)?" + Q;
  private static final String QLIST = "\\(\\s*(" + Q + "(?:\\s*,\\s*" + Q + ")*)\\s*\\)";
  private static final int F = Pattern.CASE_INSENSITIVE;
  private static final Pattern CREATE_TABLE = Pattern.compile("CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + QNAME, F);
  private static final Pattern ALTER_TABLE = Pattern.compile("ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + QNAME, F);
  private static final Pattern ADD_COLUMN = Pattern.compile(
      "ADD\\s+COLUMN\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + Q + "\\s+(.+?)(?=\\s+DEFAULT\\b|\\s+NOT\\s+NULL\\b|\\s+NULL\\b|\\s*,|\\s*;|\\s*$)", F);
  private static final Pattern ALTER_COLUMN = Pattern.compile("ALTER\\s+COLUMN\\s+" + Q, F);
  private static final Pattern CREATE_INDEX = Pattern.compile("CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(?:CONCURRENTLY\\s+)?"
      + "(?:IF\\s+NOT\\s+EXISTS\\s+)?" + Q + "\\s+ON\\s+(?:ONLY\\s+)?" + QNAME + "(?:\\s+USING\\s+\\w+)?\\s*(?:" + QLIST + ")?", F);
  private static final Pattern ADD_CONSTRAINT = Pattern.compile("ADD\\s+CONSTRAINT\\s+" + Q + "\\s+(CHECK|FOREIGN\\s+KEY|UNIQUE)", F);
  private static final Pattern FOREIGN_KEY = Pattern.compile("FOREIGN\\s+KEY\\s*" + QLIST + "\\s*REFERENCES\\s+" + QNAME + "\\s*" + QLIST, F);
  /** A trigger needs the table's owner (or the TRIGGER privilege): treated as altering the table. */
  private static final Pattern TRIGGER = Pattern.compile(
      "(?:CREATE|DROP)\\s+TRIGGER\\s+(?:IF\\s+EXISTS\\s+)?" + Q + "\\s+(?:[^;]*?\\s)?ON\\s+" + QNAME, F);
  private static final Pattern ALTER_TYPE = Pattern.compile("ALTER\\s+TYPE\\s+" + QNAME, F);
  private static final Pattern QUOTED = Pattern.compile(Q);

  static StepTargets of(CompiledStep step) {
    Builder b = new Builder();
    StepAction action = step.action();
    if (action instanceof StepAction.Backfill backfill) {
      b.backfill = Optional.of(new Name(backfill.spec().schema(), backfill.spec().table()));
      b.alteredTables.add(b.backfill.get());
    } else if (action instanceof StepAction.ValidateConstraint v) {
      b.alteredTables.add(new Name(v.schema(), v.table()));
    } else if (action instanceof StepAction.NonTransactionalDdl d) {
      b.scan(d.sql());
    } else {
      action.statements().forEach(b::scan);
    }
    return b.build();
  }

  private static final class Builder {
    final List<Name> createdTables = new ArrayList<>();
    final List<Name> alteredTables = new ArrayList<>();
    final List<NewColumn> addedColumns = new ArrayList<>();
    final List<ColumnRef> alteredColumns = new ArrayList<>();
    final List<NewIndex> createdIndexes = new ArrayList<>();
    final List<NewConstraint> addedConstraints = new ArrayList<>();
    final List<ForeignKey> foreignKeys = new ArrayList<>();
    final List<Name> alteredTypes = new ArrayList<>();
    Optional<Name> backfill = Optional.empty();

    void scan(String sql) {
      each(CREATE_TABLE, sql, m -> createdTables.add(name(m, 1)));
      each(CREATE_INDEX, sql, m -> createdIndexes.add(index(m)));
      each(ALTER_TYPE, sql, m -> alteredTypes.add(name(m, 1)));
      each(TRIGGER, sql, m -> add(alteredTables, name(m, 2)));
      Matcher alter = ALTER_TABLE.matcher(sql);
      if (!alter.find()) {
        return;
      }
      Name table = name(alter, 1);
      add(alteredTables, table);
      each(ADD_COLUMN, sql, m -> addedColumns.add(new NewColumn(table, unquote(m.group(1)), m.group(2).trim())));
      each(ALTER_COLUMN, sql, m -> alteredColumns.add(new ColumnRef(table, unquote(m.group(1)))));
      each(ADD_CONSTRAINT, sql, m -> addedConstraints.add(new NewConstraint(table, unquote(m.group(1)), kind(m.group(2)))));
      each(FOREIGN_KEY, sql, m -> foreignKeys.add(new ForeignKey(table, list(m.group(1)), name(m, 4), list(m.group(6)))));
    }

    private NewIndex index(Matcher m) {
      Name table = name(m, 3);
      Name index = new Name(table.schema(), unquote(m.group(2)));
      List<String> columns = m.group(5) == null ? List.of() : list(m.group(5));
      return new NewIndex(index, table, m.group(1) != null, columns);
    }

    StepTargets build() {
      return new StepTargets(createdTables, alteredTables, addedColumns, alteredColumns, createdIndexes,
          addedConstraints, foreignKeys, alteredTypes, backfill);
    }
  }

  private static void each(Pattern p, String sql, java.util.function.Consumer<Matcher> action) {
    Matcher m = p.matcher(sql);
    while (m.find()) {
      action.accept(m);
    }
  }

  private static <T> void add(List<T> list, T value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }

  /** The qualified name whose schema is group {@code first} (maybe absent) and name group {@code first + 1}. */
  private static Name name(Matcher m, int first) {
    String schema = m.group(first);
    return new Name(schema == null ? "public" : unquote(schema), unquote(m.group(first + 1)));
  }

  private static List<String> list(String quotedList) {
    List<String> names = new ArrayList<>();
    Matcher m = QUOTED.matcher(quotedList);
    while (m.find()) {
      names.add(unquote(m.group(1)));
    }
    return names;
  }

  private static String unquote(String inner) {
    return inner.replace("\"\"", "\"");
  }

  private static String kind(String keyword) {
    String k = keyword.toUpperCase(java.util.Locale.ROOT);
    return k.startsWith("CHECK") ? "c" : k.startsWith("FOREIGN") ? "f" : "u";
  }
}
