package io.tidemark.planner.lint;

import static io.tidemark.planner.lint.Tokens.closing;
import static io.tidemark.planner.lint.Tokens.depthChange;
import static io.tidemark.planner.lint.Tokens.indexOfTopLevel;
import static io.tidemark.planner.lint.Tokens.nameList;
import static io.tidemark.planner.lint.Tokens.qualifiedName;
import static io.tidemark.planner.lint.Tokens.skip;
import static io.tidemark.planner.lint.Tokens.splitTopLevel;
import static io.tidemark.planner.lint.Tokens.word;

import io.tidemark.planner.StepTargets;
import io.tidemark.planner.StepTargets.Name;
import io.tidemark.planner.lint.Tokens.QualifiedName;
import java.util.List;
import java.util.Set;

/**
 * The catalog objects raw SQL statements touch, read from the tokenizer's parse: {@code CREATE SCHEMA},
 * {@code CREATE TABLE} (with its columns' declared types), {@code CREATE INDEX}, {@code ALTER TABLE} (added
 * columns with their types, altered columns, added constraints and foreign keys), {@code ALTER TYPE} and
 * triggers. Any other statement ({@code UPDATE}, {@code CREATE FUNCTION}, ...) makes the result
 * {@linkplain StepTargets#complete() incomplete}: preflight then checks what was read and nothing more.
 * Unqualified names are taken to be in {@code public}, the schema Tidemark operations default to.
 *
 * <p>Example: {@code ALTER TABLE orders ADD COLUMN price numeric(12, 2) NOT NULL DEFAULT 0} gives altered
 * table {@code public.orders} and new column {@code price} of type {@code numeric(12, 2)}. Pure.
 */
public final class SqlTargets {
  private static final String DEFAULT_SCHEMA = "public";
  private static final Set<String> TABLE_PREFIXES = Set.of("GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED");
  /** Words that end a column's type in a column definition. */
  private static final Set<String> TYPE_ENDS = Set.of("DEFAULT", "NOT", "NULL", "CONSTRAINT", "CHECK", "UNIQUE",
      "PRIMARY", "REFERENCES", "GENERATED", "COLLATE", "DEFERRABLE", "INITIALLY", "COMPRESSION", "STORAGE", "USING");
  /** Table elements of a CREATE TABLE that are not columns. */
  private static final Set<String> TABLE_CONSTRAINTS = Set.of("CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY",
      "FOREIGN", "EXCLUDE", "LIKE");

  private SqlTargets() {}

  /** The targets of {@code statements} (each one statement, as the plan parser split them). */
  public static StepTargets of(List<String> statements) {
    StepTargets.Builder targets = StepTargets.builder();
    for (String sql : statements) {
      try {
        for (SqlStatement statement : SqlStatements.split(sql)) {
          read(statement, targets);
        }
      } catch (SqlLexException e) {
        targets.incomplete();
      }
    }
    return targets.build();
  }

  private static void read(SqlStatement statement, StepTargets.Builder targets) {
    List<SqlToken> t = statement.tokens();
    boolean understood = switch (t.get(0).upper()) {
      case "CREATE" -> create(statement, t, targets);
      case "ALTER" -> alter(statement, t, targets);
      case "DROP" -> word(t, 1, "TRIGGER") && trigger(t, indexOfTopLevel(t, 2, "ON"), targets);
      default -> false;
    };
    if (!understood) {
      targets.incomplete();
    }
  }

  private static boolean create(SqlStatement s, List<SqlToken> t, StepTargets.Builder targets) {
    if (word(t, 1, "SCHEMA")) {
      QualifiedName schema = qualifiedName(t, skip(t, 2, "IF", "NOT", "EXISTS"));
      if (schema.isKnown()) {
        targets.createdSchema(schema.name());
      }
      return schema.isKnown();
    }
    int i = skip(t, 1, "OR", "REPLACE");
    if (word(t, skip(t, i, "CONSTRAINT"), "TRIGGER")) {
      return trigger(t, indexOfTopLevel(t, i, "ON"), targets);
    }
    int index = skip(t, i, "UNIQUE");
    if (word(t, index, "INDEX")) {
      return index(t, word(t, i, "UNIQUE"), skip(t, index + 1, "CONCURRENTLY"), targets);
    }
    while (i < t.size() && TABLE_PREFIXES.contains(t.get(i).upper())) {
      i++;
    }
    return word(t, i, "TABLE") && table(s, t, skip(t, i + 1, "IF", "NOT", "EXISTS"), targets);
  }

  private static boolean table(SqlStatement s, List<SqlToken> t, int at, StepTargets.Builder targets) {
    QualifiedName name = qualifiedName(t, at);
    if (!name.isKnown()) {
      return false;
    }
    Name table = name(name);
    targets.createdTable(table);
    int open = name.next();
    if (open >= t.size() || !t.get(open).isPunctuation("(")) {
      return true; // AS SELECT, PARTITION OF, OF type: no column list to read
    }
    for (List<SqlToken> element : splitTopLevel(t.subList(open + 1, closing(t, open)), 0)) {
      if (!element.isEmpty() && !TABLE_CONSTRAINTS.contains(element.get(0).upper())) {
        column(s, table, element, 0, targets);
      }
    }
    return true;
  }

  private static boolean index(List<SqlToken> t, boolean unique, int at, StepTargets.Builder targets) {
    int nameAt = skip(t, at, "IF", "NOT", "EXISTS");
    int on = indexOfTopLevel(t, nameAt, "ON");
    if (on != nameAt + 1 || !t.get(nameAt).isName()) {
      return false; // an unnamed index: PostgreSQL picks the name
    }
    QualifiedName table = qualifiedName(t, skip(t, on + 1, "ONLY"));
    if (!table.isKnown()) {
      return false;
    }
    int columns = table.next();
    if (word(t, columns, "USING")) {
      columns += 2;
    }
    Name tableName = name(table);
    targets.createdIndex(new StepTargets.NewIndex(new Name(tableName.schema(), t.get(nameAt).name()), tableName,
        unique, nameList(t, columns)));
    return true;
  }

  private static boolean trigger(List<SqlToken> t, int on, StepTargets.Builder targets) {
    QualifiedName table = on < 0 ? QualifiedName.UNKNOWN : qualifiedName(t, on + 1);
    if (table.isKnown()) {
      targets.alteredTable(name(table));
    }
    return table.isKnown();
  }

  private static boolean alter(SqlStatement s, List<SqlToken> t, StepTargets.Builder targets) {
    if (word(t, 1, "TYPE")) {
      QualifiedName type = qualifiedName(t, 2);
      if (type.isKnown()) {
        targets.alteredType(name(type));
      }
      return type.isKnown();
    }
    if (!word(t, 1, "TABLE")) {
      return false;
    }
    QualifiedName name = qualifiedName(t, skip(t, skip(t, 2, "IF", "EXISTS"), "ONLY"));
    if (!name.isKnown()) {
      return false;
    }
    Name table = name(name);
    targets.alteredTable(table);
    boolean understood = true;
    for (List<SqlToken> action : splitTopLevel(t, name.next())) {
      understood &= alterAction(s, table, action, targets);
    }
    return understood;
  }

  private static boolean alterAction(SqlStatement s, Name table, List<SqlToken> a, StepTargets.Builder targets) {
    if (word(a, 0, "ADD")) {
      if (word(a, 1, "CONSTRAINT") && a.size() > 3) {
        constraint(table, a.get(2).name(), a, 3, targets);
      } else if (!word(a, 1, "CHECK") && !word(a, 1, "FOREIGN") && !word(a, 1, "UNIQUE")
          && !word(a, 1, "PRIMARY") && !word(a, 1, "EXCLUDE")) {
        column(s, table, a, skip(a, skip(a, 1, "COLUMN"), "IF", "NOT", "EXISTS"), targets);
      } else {
        constraint(table, null, a, 1, targets);
      }
      return true;
    }
    if (word(a, 0, "ALTER") && !word(a, 1, "CONSTRAINT")) {
      int column = skip(a, 1, "COLUMN");
      if (column < a.size() && a.get(column).isName()) {
        targets.alteredColumn(table, a.get(column).name());
      }
      return true;
    }
    return word(a, 0, "DROP") || word(a, 0, "VALIDATE") || word(a, 0, "RENAME") || word(a, 0, "SET")
        || word(a, 0, "ENABLE") || word(a, 0, "DISABLE");
  }

  private static void constraint(Name table, String name, List<SqlToken> a, int kindAt, StepTargets.Builder targets) {
    String kind = switch (kindAt < a.size() ? a.get(kindAt).upper() : "") {
      case "CHECK" -> "c";
      case "FOREIGN" -> "f";
      case "UNIQUE" -> "u";
      case "PRIMARY" -> "p";
      case "EXCLUDE" -> "x";
      default -> "";
    };
    if (name != null && !kind.isEmpty()) {
      targets.addedConstraint(table, name, kind);
    }
    if (kind.equals("f")) {
      int open = skip(a, kindAt + 1, "KEY");
      int references = indexOfTopLevel(a, open, "REFERENCES");
      QualifiedName referenced = references < 0 ? QualifiedName.UNKNOWN : qualifiedName(a, references + 1);
      List<String> columns = nameList(a, open);
      List<String> referencedColumns = referenced.isKnown() ? nameList(a, referenced.next()) : List.of();
      if (!columns.isEmpty() && !referencedColumns.isEmpty()) {
        targets.foreignKey(new StepTargets.ForeignKey(table, columns, name(referenced), referencedColumns));
      }
    }
  }

  /** A column definition starting at {@code at}: its name, then its type up to the first constraint word. */
  private static void column(SqlStatement s, Name table, List<SqlToken> a, int at, StepTargets.Builder targets) {
    if (at + 1 >= a.size() || !a.get(at).isName()) {
      return;
    }
    int depth = 0;
    int end = at + 1;
    while (end < a.size()) {
      depth += depthChange(a.get(end));
      if (depth == 0 && a.get(end).kind() == SqlToken.Kind.WORD && TYPE_ENDS.contains(a.get(end).upper())) {
        break;
      }
      end++;
    }
    if (end == at + 1) {
      return;
    }
    int from = a.get(at + 1).start() - s.start();
    int to = a.get(end - 1).end() - s.start();
    targets.addedColumn(table, a.get(at).name(), s.text().substring(from, to));
  }

  private static Name name(QualifiedName name) {
    return new Name(name.schemaOr(DEFAULT_SCHEMA), name.name());
  }
}
