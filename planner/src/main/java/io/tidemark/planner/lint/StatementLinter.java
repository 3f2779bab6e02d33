package io.tidemark.planner.lint;

import static io.tidemark.planner.lint.Tokens.closing;
import static io.tidemark.planner.lint.Tokens.containsTopLevel;
import static io.tidemark.planner.lint.Tokens.depthChange;
import static io.tidemark.planner.lint.Tokens.indexOfTopLevel;
import static io.tidemark.planner.lint.Tokens.qualifiedName;
import static io.tidemark.planner.lint.Tokens.skip;
import static io.tidemark.planner.lint.Tokens.splitTopLevel;
import static io.tidemark.planner.lint.Tokens.word;

import io.tidemark.planner.Phase;
import io.tidemark.planner.lint.Tokens.QualifiedName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lints one statement: recognises it by its leading keywords and checks the clauses that decide its locks,
 * its phase and whether it can run in the step's transaction. Everything it looks at is a significant token,
 * so text in strings, comments and dollar-quoted bodies is never mistaken for a keyword. Reads and updates the
 * step's {@link LintSequence}, so that a statement is judged after those before it.
 */
final class StatementLinter {

  private static final Set<String> TABLE_PREFIXES = Set.of("GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED");
  /** A column of these types gets its default from a sequence: adding one fills every row, a rewrite. */
  private static final Set<String> SERIAL_TYPES =
      Set.of("SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2", "SERIAL4", "SERIAL8");
  /** Words that end a column's DEFAULT expression: the start of the column's next constraint. */
  private static final Set<String> CONSTRAINT_STARTS = Set.of(
      "CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY", "REFERENCES", "GENERATED", "DEFERRABLE", "INITIALLY", "NOT",
      "NULL", "COLLATE");
  /** Words at depth 0 after WITH that start the main statement. */
  private static final Set<String> MAIN_VERBS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES",
      "TABLE");
  /** Statements that open, end or mark a transaction. */
  private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK",
      "ABORT", "SAVEPOINT", "RELEASE");
  /** Objects whose DROP is refused outside contract (what op = drop_column / drop_table may not do there). */
  private static final Set<String> DROPPED_OBJECTS = Set.of("TABLE", "SCHEMA", "VIEW", "MATERIALIZED", "SEQUENCE",
      "TYPE", "DOMAIN", "FUNCTION", "PROCEDURE", "ROUTINE", "TRIGGER", "EXTENSION", "AGGREGATE", "RULE", "POLICY");
  /** Table elements of a CREATE TABLE that are not columns. */
  private static final Set<String> TABLE_CONSTRAINTS = Set.of("CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY",
      "FOREIGN", "EXCLUDE", "LIKE");
  private static final Set<String> TIMEOUTS = Set.of("LOCK_TIMEOUT", "STATEMENT_TIMEOUT");

  private final SqlStatement statement;
  private final LintContext context;
  private final LintSequence sequence;
  private final List<LintFinding> findings = new ArrayList<>();
  /** Findings of earlier statements that this one makes unnecessary (a table rename followed by its view). */
  private final List<LintFinding> cleared = new ArrayList<>();

  private StatementLinter(SqlStatement statement, LintContext context, LintSequence sequence) {
    this.statement = statement;
    this.context = context;
    this.sequence = sequence;
  }

  /** The outcome of one statement: its findings, and earlier findings it clears. */
  record Result(List<LintFinding> findings, List<LintFinding> cleared) {}

  static Result lint(SqlStatement statement, LintContext context, LintSequence sequence) {
    StatementLinter linter = new StatementLinter(statement, context, sequence);
    linter.check(statement.tokens());
    return new Result(linter.findings, linter.cleared);
  }

  private void check(List<SqlToken> t) {
    String verb = t.get(0).upper();
    if (TRANSACTION_CONTROL.contains(verb) || (verb.equals("PREPARE") && word(t, 1, "TRANSACTION"))) {
      report(LintRule.TRANSACTION_CONTROL, verb + (word(t, 1, "TRANSACTION") || word(t, 1, "PREPARED")
          ? " " + t.get(1).upper() : "") + " inside a step: Tidemark runs a transactional step in one transaction it"
          + " opens and commits itself, so this would end or nest it and leave the step's outcome unknown");
      return;
    }
    switch (verb) {
      case "CREATE" -> create(t);
      case "DROP" -> drop(t);
      case "ALTER" -> alter(t);
      case "TRUNCATE" -> truncate(t);
      case "COPY" -> copy(t);
      case "SET" -> set(t);
      case "UPDATE", "DELETE" -> dataChange(t, 0);
      case "WITH" -> with(t);
      case "EXPLAIN" -> explain(t);
      case "LOCK" -> report(LintRule.LOCK_TABLE, "LOCK TABLE " + qualifiedName(t, skip(t, skip(t, 1, "TABLE"),
          "ONLY")).text() + " blocks applications until the transaction ends, with no lock_timeout to bound the wait");
      case "VACUUM" -> vacuum(t);
      case "CLUSTER" -> cluster(t);
      case "REINDEX" -> reindex(t);
      default -> { }
    }
  }

  // ---- CREATE

  private void create(List<SqlToken> t) {
    int index = skip(t, 1, "UNIQUE");
    if (word(t, index, "INDEX")) {
      createIndex(t, index + 1);
      return;
    }
    int i = skip(t, 1, "OR", "REPLACE");
    if (word(t, i, "VIEW") || word(t, skip(t, i, "TEMP"), "VIEW") || word(t, skip(t, i, "RECURSIVE"), "VIEW")) {
      QualifiedName view = qualifiedName(t, indexAfterWord(t, i, "VIEW"));
      cleared.addAll(sequence.viewCreated(view.name()));
      return;
    }
    if (word(t, 1, "DATABASE") || word(t, 1, "TABLESPACE")) {
      notInTransaction("CREATE " + t.get(1).upper());
      return;
    }
    if (word(t, 1, "TYPE") && containsTopLevel(t, 2, "AS", "ENUM")) {
      report(LintRule.CREATE_ENUM, "CREATE TYPE " + qualifiedName(t, 2).text() + " AS ENUM: labels can be added"
          + " but never removed, and renaming one breaks applications that use it");
      return;
    }
    if (word(t, 1, "DOMAIN") && (containsTopLevel(t, 2, "CHECK") || containsTopLevel(t, 2, "CONSTRAINT"))) {
      report(LintRule.CREATE_DOMAIN_WITH_CONSTRAINT, "CREATE DOMAIN " + qualifiedName(t, 2).text() + " with a"
          + " constraint: changing it later checks every column of the domain in every table");
      return;
    }
    i = 1;
    while (i < t.size() && TABLE_PREFIXES.contains(t.get(i).upper())) {
      i++;
    }
    if (word(t, i, "TABLE")) {
      createTable(t, i + 1);
    }
  }

  private void createTable(List<SqlToken> t, int afterTable) {
    int nameAt = skip(t, afterTable, "IF", "NOT", "EXISTS");
    QualifiedName table = qualifiedName(t, nameAt);
    new TableName(table).addTo(sequence.createdTables);
    phase("CREATE TABLE " + table.text(), "create_table", Phase.EXPAND);
    if (nameAt == afterTable) {
      report(LintRule.PREFER_ROBUST_STMTS, "CREATE TABLE " + table.text() + " without IF NOT EXISTS fails when"
          + " a retried step finds the table already made");
    }
    int open = table.next();
    if (open < t.size() && t.get(open).isPunctuation("(")) {
      for (List<SqlToken> element : splitTopLevel(t.subList(open + 1, closing(t, open)), 0)) {
        if (element.size() > 1 && !TABLE_CONSTRAINTS.contains(element.get(0).upper())) {
          columnType(table.text(), element.get(0).text(), element.subList(1, element.size()));
        }
      }
    }
  }

  private void createIndex(List<SqlToken> t, int afterIndex) {
    boolean concurrently = word(t, afterIndex, "CONCURRENTLY");
    int on = indexOfTopLevel(t, afterIndex, "ON");
    QualifiedName table = on < 0 ? QualifiedName.UNKNOWN : qualifiedName(t, skip(t, on + 1, "ONLY"));
    phase("CREATE INDEX on " + table.text(), "create_index", Phase.EXPAND, Phase.CONTRACT);
    if (concurrently) {
      notInTransaction("CREATE INDEX CONCURRENTLY");
    } else if (!isNew(table)) {
      report(LintRule.CREATE_INDEX_WITHOUT_CONCURRENTLY, "CREATE INDEX without CONCURRENTLY blocks every write to "
          + table.text() + " until the index is built");
    }
    if (skip(t, concurrently ? afterIndex + 1 : afterIndex, "IF", "NOT", "EXISTS")
        == (concurrently ? afterIndex + 1 : afterIndex)) {
      report(LintRule.PREFER_ROBUST_STMTS, "CREATE INDEX without IF NOT EXISTS fails when a retried step finds the"
          + " index already built");
    }
    int columns = table.next();
    if (word(t, columns, "USING")) {
      columns += 2;
    }
    boolean unique = word(t, 1, "UNIQUE");
    if (!unique && columns < t.size() && t.get(columns).isPunctuation("(")
        && splitTopLevel(t.subList(columns + 1, closing(t, columns)), 0).size() > 3) {
      report(LintRule.INDEX_MORE_THAN_THREE_COLUMNS, "a non-unique index on more than three columns of "
          + table.text());
    }
  }

  // ---- DROP

  private void drop(List<SqlToken> t) {
    if (word(t, 1, "INDEX")) {
      dropIndex(t);
      return;
    }
    if (word(t, 1, "DATABASE")) {
      report(LintRule.DROP_DATABASE, "DROP DATABASE " + qualifiedName(t, skip(t, 2, "IF", "EXISTS")).text()
          + " destroys a whole database, and cannot run inside a transaction");
      return;
    }
    if (word(t, 1, "TABLESPACE")) {
      notInTransaction("DROP TABLESPACE");
      return;
    }
    if (t.size() < 2 || !DROPPED_OBJECTS.contains(t.get(1).upper())) {
      return;
    }
    String what = word(t, 1, "MATERIALIZED") ? "MATERIALIZED VIEW" : t.get(1).upper();
    int nameAt = skip(t, word(t, 1, "MATERIALIZED") ? 3 : 2, "IF", "EXISTS");
    QualifiedName name = qualifiedName(t, nameAt);
    if (what.equals("TABLE")) {
      dropTables(t, nameAt);
    } else {
      dropOutsideContract("DROP " + what + " " + name.text(), "applications may still use it");
    }
    if (nameAt == skip(t, word(t, 1, "MATERIALIZED") ? 3 : 2)) {
      robustDrop("DROP " + what);
    }
  }

  /** {@code DROP TABLE a, b}: refused outside contract unless every table is one the plan created. */
  private void dropTables(List<SqlToken> t, int from) {
    for (List<SqlToken> part : splitTopLevel(t, from)) {
      QualifiedName table = qualifiedName(part, 0);
      if (table.isKnown() && !isNew(table)) {
        dropOutsideContract("DROP TABLE " + table.text(), "applications may still read or write it, and its rows"
            + " are gone for good");
      }
    }
  }

  private void dropIndex(List<SqlToken> t) {
    boolean concurrently = word(t, 2, "CONCURRENTLY");
    int nameAt = skip(t, concurrently ? 3 : 2, "IF", "EXISTS");
    String index = qualifiedName(t, nameAt).text();
    phase("DROP INDEX " + index, "drop_index", Phase.CONTRACT);
    if (concurrently) {
      notInTransaction("DROP INDEX CONCURRENTLY");
    } else {
      report(LintRule.DROP_INDEX_WITHOUT_CONCURRENTLY, "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE"
          + " lock on the index's table: reads and writes queue behind it, and behind any query it waits for");
    }
    if (nameAt == (concurrently ? 3 : 2)) {
      robustDrop("DROP INDEX");
    }
  }

  private void robustDrop(String what) {
    report(LintRule.PREFER_ROBUST_STMTS, what + " without IF EXISTS fails when a retried step finds it already"
        + " dropped");
  }

  // ---- ALTER

  private void alter(List<SqlToken> t) {
    if (word(t, 1, "TABLE")) {
      alterTable(t);
    } else if (word(t, 1, "VIEW")) {
      alterView(t, 2, "view");
    } else if (word(t, 1, "MATERIALIZED") && word(t, 2, "VIEW")) {
      alterView(t, 3, "materialized view");
    } else if (word(t, 1, "SCHEMA") && word(t, 3, "RENAME")) {
      report(LintRule.RENAME_SCHEMA, "renaming schema " + t.get(2).text() + " breaks every application that names"
          + " it, and every object in it under its old qualified name");
    } else if (word(t, 1, "TYPE")) {
      alterType(t);
    } else if (word(t, 1, "DOMAIN")) {
      alterDomain(t);
    } else if (word(t, 1, "SYSTEM")) {
      notInTransaction("ALTER SYSTEM");
    } else if (word(t, 1, "DATABASE") && containsTopLevel(t, 2, "SET", "TABLESPACE")) {
      notInTransaction("ALTER DATABASE ... SET TABLESPACE");
    }
  }

  private void alterTable(List<SqlToken> t) {
    int i = skip(t, skip(t, 2, "IF", "EXISTS"), "ONLY");
    TableName table = new TableName(qualifiedName(t, i));
    i = table.name().next();
    if (i < t.size() && t.get(i).text().equals("*")) {
      i++;
    }
    List<List<SqlToken>> actions = splitTopLevel(t, i);
    boolean onlyValidates = actions.stream().allMatch(a -> word(a, 0, "VALIDATE"));
    if (!table.isNew() && !onlyValidates && sequence.alteredBefore(table.key())) {
      report(LintRule.COMBINE_ALTER_TABLE, "a second ALTER TABLE of " + table.text() + " in the same step");
    }
    for (List<SqlToken> action : actions) {
      alterTableAction(table, action);
    }
    if (!onlyValidates) {
      sequence.locked(table.key());
    }
  }

  private void alterView(List<SqlToken> t, int nameAt, String what) {
    QualifiedName view = qualifiedName(t, skip(t, nameAt, "IF", "EXISTS"));
    List<SqlToken> rest = t.subList(Math.min(view.next(), t.size()), t.size());
    if (word(rest, 0, "RENAME")) {
      rename(new TableName(view), rest, what);
    }
  }

  private void alterTableAction(TableName table, List<SqlToken> action) {
    if (action.isEmpty()) {
      return;
    }
    switch (action.get(0).upper()) {
      case "ADD" -> add(table, action);
      case "ALTER" -> alterColumn(table, action);
      case "DROP" -> dropFromTable(table, action);
      case "RENAME" -> rename(table, action, "table");
      case "VALIDATE" -> validate(table, action);
      case "DETACH" -> detach(table, action);
      case "SET" -> setOnTable(table, action);
      default -> { }
    }
  }

  private void add(TableName table, List<SqlToken> a) {
    int i = word(a, 1, "CONSTRAINT") ? 3 : 1;
    String kind = i < a.size() ? a.get(i).upper() : "";
    String constraint = i == 3 ? a.get(2).name() : null;
    switch (kind) {
      case "CHECK" -> addCheck(table, a, i, constraint);
      case "FOREIGN" -> {
        phase("ADD FOREIGN KEY on " + table.text(), "add_foreign_key", Phase.EXPAND, Phase.CONTRACT);
        if (!table.isNew() && !containsTopLevel(a, i, "NOT", "VALID")) {
          report(LintRule.ADD_FOREIGN_KEY_WITHOUT_NOT_VALID, "ADD FOREIGN KEY without NOT VALID checks every row"
              + " of " + table.text() + " while blocking writes to it and to the referenced table");
        }
      }
      case "UNIQUE", "PRIMARY" -> addUnique(table, a, i, kind);
      case "EXCLUDE" -> {
        if (!table.isNew()) {
          report(LintRule.ADD_EXCLUSION_CONSTRAINT, "ADD EXCLUDE on " + table.text() + " builds its index and checks"
              + " every row under an ACCESS EXCLUSIVE lock, blocking reads and writes");
        }
      }
      default -> {
        if (i == 1) {
          addColumn(table, a);
        }
      }
    }
  }

  private void addCheck(TableName table, List<SqlToken> a, int checkAt, String constraint) {
    phase("ADD CHECK on " + table.text(), "add_check", Phase.EXPAND, Phase.CONTRACT);
    boolean notValid = containsTopLevel(a, checkAt, "NOT", "VALID");
    String column = notNullCheckColumn(a, checkAt + 1);
    if (constraint != null && column != null) {
      sequence.notNullCheck(table.key(), constraint, column);
      if (!notValid) {
        sequence.validated(table.key(), constraint);
      }
    }
    if (!table.isNew() && !notValid) {
      report(LintRule.ADD_CHECK_WITHOUT_NOT_VALID, "ADD CHECK without NOT VALID reads every row of "
          + table.text() + " under an ACCESS EXCLUSIVE lock, blocking reads and writes");
    }
  }

  /** {@code (col IS NOT NULL)} at {@code open}: the column's name, or null for any other expression. */
  private static String notNullCheckColumn(List<SqlToken> a, int open) {
    if (open + 5 < a.size() && a.get(open).isPunctuation("(") && a.get(open + 1).isName()
        && word(a, open + 2, "IS") && word(a, open + 3, "NOT") && word(a, open + 4, "NULL")
        && a.get(open + 5).isPunctuation(")")) {
      return a.get(open + 1).name();
    }
    return null;
  }

  private void addUnique(TableName table, List<SqlToken> a, int at, String kind) {
    String what = kind.equals("PRIMARY") ? "PRIMARY KEY" : kind;
    phase("ADD " + what + " on " + table.text(), "add_unique", Phase.EXPAND, Phase.CONTRACT);
    if (table.isNew()) {
      return;
    }
    if (!usingIndex(a, at)) {
      report(LintRule.ADD_UNIQUE_WITHOUT_USING_INDEX, "ADD " + what + " without USING INDEX builds its index on "
          + table.text() + " under an ACCESS EXCLUSIVE lock");
    } else if (kind.equals("PRIMARY")) {
      report(LintRule.PRIMARY_KEY_USING_INDEX_SETS_NOT_NULL, "ADD PRIMARY KEY USING INDEX on " + table.text()
          + " sets its columns NOT NULL, which reads every row under an ACCESS EXCLUSIVE lock unless they already"
          + " are");
    }
  }

  /** {@code UNIQUE USING INDEX idx}; not {@code UNIQUE (a) USING INDEX TABLESPACE ts}, which builds a new index. */
  private static boolean usingIndex(List<SqlToken> a, int from) {
    int using = indexOfTopLevel(a, from, "USING");
    return using >= 0 && word(a, using + 1, "INDEX") && !word(a, using + 2, "TABLESPACE");
  }

  private void addColumn(TableName table, List<SqlToken> a) {
    int afterColumn = skip(a, 1, "COLUMN");
    int i = skip(a, afterColumn, "IF", "NOT", "EXISTS");
    if (i + 1 >= a.size()) {
      return;
    }
    String column = a.get(i).text();
    String what = "ADD COLUMN " + column + " on " + table.text();
    phase(what, "add_column", Phase.EXPAND);
    if (i == afterColumn) {
      report(LintRule.PREFER_ROBUST_STMTS, what + " without IF NOT EXISTS fails when a retried step finds the"
          + " column already added");
    }
    columnType(table.text(), column, a.subList(i + 1, a.size()));
    if (table.isNew()) {
      return;
    }
    if (a.get(i + 1).isWord("JSON")) {
      report(LintRule.ADD_JSON_COLUMN, what + ": a json column has no equality operator, so existing SELECT"
          + " DISTINCT, UNION and GROUP BY queries over " + table.text() + " fail");
    }
    boolean serial = SERIAL_TYPES.contains(a.get(i + 1).upper());
    if (serial) {
      report(LintRule.ADD_COLUMN_VOLATILE_DEFAULT, what + ": a " + a.get(i + 1).text() + " column takes nextval()"
          + " for every existing row, which rewrites the table under an ACCESS EXCLUSIVE lock");
    }
    boolean hasDefault = false;
    boolean generated = false;
    boolean notNull = false;
    int depth = 0;
    for (int k = i + 2; k < a.size(); k++) {
      SqlToken token = a.get(k);
      depth += depthChange(token);
      if (depth > 0 || token.kind() != SqlToken.Kind.WORD) {
        continue;
      }
      switch (token.upper()) {
        case "DEFAULT" -> {
          hasDefault = true;
          volatileDefault(what, a.subList(k + 1, defaultEnd(a, k + 1)));
        }
        case "GENERATED" -> {
          generated = true;
          k = skip(a, k + 1, "BY", "DEFAULT") - 1;
          report(LintRule.ADD_COLUMN_VOLATILE_DEFAULT, what + ": a generated column computes a value for every"
              + " existing row, which rewrites the table under an ACCESS EXCLUSIVE lock");
        }
        case "REFERENCES" -> report(LintRule.ADD_FOREIGN_KEY_WITHOUT_NOT_VALID, what + ": a column REFERENCES"
            + " checks every row while blocking writes to both tables, and cannot be NOT VALID");
        case "CHECK" -> report(LintRule.ADD_CHECK_WITHOUT_NOT_VALID, what + ": a column CHECK reads every row"
            + " under an ACCESS EXCLUSIVE lock, and cannot be NOT VALID");
        case "UNIQUE", "PRIMARY" -> report(LintRule.ADD_UNIQUE_WITHOUT_USING_INDEX, what + ": a column "
            + (token.upper().equals("UNIQUE") ? "UNIQUE" : "PRIMARY KEY") + " builds its index under an ACCESS"
            + " EXCLUSIVE lock");
        case "NOT" -> notNull |= word(a, k + 1, "NULL");
        default -> { }
      }
    }
    if (notNull && !hasDefault && !generated && !serial) {
      report(LintRule.ADD_COLUMN_NOT_NULL_WITHOUT_DEFAULT, what + ": NOT NULL without a DEFAULT fails as soon as"
          + " the table has a row, since every existing row would hold NULL");
    }
  }

  /** Style warnings on a declared column type: the tokens after the column's name. */
  private void columnType(String table, String column, List<SqlToken> type) {
    if (type.isEmpty()) {
      return;
    }
    String first = type.get(0).upper();
    String where = "column " + column + " of " + table;
    boolean modifier = type.size() > 1 && type.get(1).isPunctuation("(");
    switch (first) {
      case "VARCHAR" -> {
        if (modifier) {
          report(LintRule.PREFER_TEXT_FIELD, where + " is varchar(n)");
        }
      }
      case "CHARACTER" -> {
        if (word(type, 1, "VARYING")) {
          if (type.size() > 2 && type.get(2).isPunctuation("(")) {
            report(LintRule.PREFER_TEXT_FIELD, where + " is character varying(n)");
          }
        } else {
          report(LintRule.BAN_CHAR_FIELD, where + " is character(n)");
        }
      }
      case "CHAR", "BPCHAR" -> report(LintRule.BAN_CHAR_FIELD, where + " is " + type.get(0).text());
      case "INT", "INTEGER", "INT4" -> report(LintRule.PREFER_BIGINT_OVER_INT, where + " is " + type.get(0).text());
      case "SMALLINT", "INT2" -> report(LintRule.PREFER_BIGINT_OVER_SMALLINT, where + " is " + type.get(0).text());
      case "SERIAL", "SERIAL4", "SMALLSERIAL", "SERIAL2", "BIGSERIAL", "SERIAL8" -> {
        report(LintRule.PREFER_IDENTITY, where + " is " + type.get(0).text());
        if (!first.equals("BIGSERIAL") && !first.equals("SERIAL8")) {
          report(first.contains("SMALL") || first.equals("SERIAL2") ? LintRule.PREFER_BIGINT_OVER_SMALLINT
              : LintRule.PREFER_BIGINT_OVER_INT, where + " is " + type.get(0).text());
        }
      }
      case "TIMESTAMP" -> {
        int zone = modifier ? closing(type, 1) + 1 : 1;
        if (!word(type, zone, "WITH")) {
          report(LintRule.PREFER_TIMESTAMPTZ, where + " is timestamp without time zone");
        }
      }
      default -> { }
    }
  }

  private void volatileDefault(String what, List<SqlToken> expression) {
    List<String> calls = Expressions.possiblyVolatileCalls(expression);
    if (!calls.isEmpty()) {
      report(LintRule.ADD_COLUMN_VOLATILE_DEFAULT, what + ": the DEFAULT calls " + String.join(", ", calls)
          + ", which may be volatile; a volatile default is computed for every existing row, which rewrites the"
          + " table under an ACCESS EXCLUSIVE lock");
    }
  }

  /** Where a DEFAULT expression starting at {@code from} ends: at the next column constraint, or the end. */
  private static int defaultEnd(List<SqlToken> a, int from) {
    int depth = 0;
    for (int k = from; k < a.size(); k++) {
      depth += depthChange(a.get(k));
      if (depth == 0 && a.get(k).kind() == SqlToken.Kind.WORD && CONSTRAINT_STARTS.contains(a.get(k).upper())) {
        return k;
      }
    }
    return a.size();
  }

  private void alterColumn(TableName table, List<SqlToken> a) {
    if (word(a, 1, "CONSTRAINT")) {
      return;
    }
    int i = skip(a, 1, "COLUMN");
    if (i + 1 >= a.size()) {
      return;
    }
    String columnName = a.get(i).name();
    String column = a.get(i).text() + " of " + table.text();
    int j = i + 1;
    if (skip(a, j, "SET", "NOT", "NULL") != j) {
      setNotNull(table, columnName, column);
    } else if (skip(a, j, "DROP", "NOT", "NULL") != j) {
      dropOutsideContract("ALTER COLUMN " + column + " DROP NOT NULL", "applications may still rely on the column"
          + " never being NULL");
    } else if ((word(a, j, "TYPE") || skip(a, j, "SET", "DATA", "TYPE") != j) && !table.isNew()) {
      report(LintRule.ALTER_COLUMN_TYPE, "ALTER COLUMN " + column + " TYPE rewrites the table and its indexes"
          + " under an ACCESS EXCLUSIVE lock (unless the cast is binary-coercible), and breaks applications that"
          + " still expect the old type");
    }
  }

  private void setNotNull(TableName table, String columnName, String column) {
    phase("SET NOT NULL on " + column, "set_not_null", Phase.CONTRACT);
    if (table.isNew() || sequence.provenNotNull(table.key(), columnName)) {
      return; // PostgreSQL 12+ takes a valid CHECK (col IS NOT NULL) as proof and skips the scan
    }
    report(LintRule.SET_NOT_NULL_ON_EXISTING_TABLE, "SET NOT NULL on " + column + " reads every row under an"
        + " ACCESS EXCLUSIVE lock, blocking reads and writes: no CHECK (" + columnName + " IS NOT NULL) validated"
        + " earlier in this step or plan proves it");
  }

  private void dropFromTable(TableName table, List<SqlToken> a) {
    if (word(a, 1, "CONSTRAINT")) {
      if (skip(a, 2, "IF", "EXISTS") == 2) {
        robustDrop("DROP CONSTRAINT");
      }
      return;
    }
    int i = skip(a, 1, "COLUMN");
    int nameAt = skip(a, i, "IF", "EXISTS");
    if (nameAt < a.size() && !table.isNew()) {
      dropOutsideContract("DROP COLUMN " + a.get(nameAt).text() + " of " + table.text(), "applications may"
          + " still read or write it, and its values are gone for good");
    }
  }

  private void validate(TableName table, List<SqlToken> a) {
    if (!word(a, 1, "CONSTRAINT") || a.size() < 3) {
      return;
    }
    String constraint = a.get(2).name();
    sequence.validated(table.key(), constraint);
    if (!table.isNew() && sequence.lockedEarlier(table.key())) {
      report(LintRule.VALIDATE_IN_LOCKING_TRANSACTION, "VALIDATE CONSTRAINT " + a.get(2).text() + " reads every"
          + " row of " + table.text() + " while this transaction still holds the lock an earlier statement of the"
          + " step took on it, so reads and writes wait for the whole scan");
    }
  }

  private void detach(TableName table, List<SqlToken> a) {
    if (!word(a, 1, "PARTITION")) {
      return;
    }
    QualifiedName partition = qualifiedName(a, 2);
    if (word(a, partition.next(), "CONCURRENTLY")) {
      notInTransaction("DETACH PARTITION ... CONCURRENTLY");
    } else if (!word(a, partition.next(), "FINALIZE")) {
      report(LintRule.DETACH_PARTITION_WITHOUT_CONCURRENTLY, "DETACH PARTITION " + partition.text() + " without"
          + " CONCURRENTLY takes an ACCESS EXCLUSIVE lock on " + table.text() + ", blocking every query on it");
    }
  }

  private void setOnTable(TableName table, List<SqlToken> a) {
    boolean rewrite = word(a, 1, "LOGGED") || word(a, 1, "UNLOGGED") || word(a, 1, "TABLESPACE")
        || skip(a, 1, "ACCESS", "METHOD") != 1;
    if (rewrite && !table.isNew()) {
      report(LintRule.TABLE_REWRITE, "SET " + a.get(1).upper() + " rewrites all of " + table.text() + " under an"
          + " ACCESS EXCLUSIVE lock, blocking reads and writes until it is done");
    }
    if (word(a, 1, "SCHEMA") && !table.isNew()) {
      report(LintRule.RENAME_TABLE, "SET SCHEMA moves " + table.text() + ", which breaks applications that still"
          + " name it in its old schema", LintRule.RENAME_TABLE.safeForm());
    }
  }

  private void rename(TableName relation, List<SqlToken> a, String what) {
    if (word(a, 1, "CONSTRAINT") || relation.isNew()) {
      return;
    }
    if (word(a, 1, "TO")) {
      LintFinding finding = report(LintRule.RENAME_TABLE, "renaming " + what + " " + relation.text() + " breaks"
          + " applications that still use the old name, in every phase (" + context.phase().planKey()
          + " included): they run against the schema while it changes");
      sequence.renamed(relation.name().name(), finding);
      return;
    }
    int columnAt = skip(a, 1, "COLUMN");
    String column = columnAt < a.size() ? a.get(columnAt).text() : "?";
    report(LintRule.RENAME_COLUMN, "renaming column " + column + " of " + relation.text() + " breaks applications"
        + " that still use the old name, in every phase (" + context.phase().planKey() + " included)");
  }

  private void alterType(List<SqlToken> t) {
    QualifiedName type = qualifiedName(t, 2);
    int i = type.next();
    if (word(t, i, "RENAME")) {
      String what = word(t, i + 1, "VALUE") ? "value " + (i + 2 < t.size() ? t.get(i + 2).text() : "?") + " of type "
          + type.text() : word(t, i + 1, "ATTRIBUTE") ? "an attribute of type " + type.text() : "type " + type.text();
      report(LintRule.RENAME_TYPE, "renaming " + what + " breaks applications and stored queries that still use"
          + " the old name");
    } else if (skip(t, i, "ADD", "VALUE") != i) {
      phase("ALTER TYPE " + type.text() + " ADD VALUE", "add_enum_value", Phase.EXPAND);
    } else if (word(t, i, "SET") && word(t, i + 1, "SCHEMA")) {
      report(LintRule.RENAME_TYPE, "moving type " + type.text() + " to another schema breaks applications that name"
          + " it");
    }
  }

  private void alterDomain(List<SqlToken> t) {
    QualifiedName domain = qualifiedName(t, 2);
    int i = domain.next();
    if (word(t, i, "ADD") && !containsTopLevel(t, i, "NOT", "VALID")) {
      report(LintRule.ALTER_DOMAIN_ADD_CONSTRAINT_WITHOUT_NOT_VALID, "ALTER DOMAIN " + domain.text() + " ADD"
          + " CONSTRAINT without NOT VALID checks every column of the domain in every table, under locks that block"
          + " writes to them");
    } else if (word(t, i, "RENAME") && !word(t, i + 1, "CONSTRAINT")) {
      report(LintRule.RENAME_TYPE, "renaming domain " + domain.text() + " breaks applications that name it");
    } else if (word(t, i, "DROP") && !word(t, i + 1, "DEFAULT")) {
      dropOutsideContract("ALTER DOMAIN " + domain.text() + " DROP " + (i + 1 < t.size() ? t.get(i + 1).upper()
          : ""), "applications may still rely on what it guaranteed");
    }
  }

  // ---- TRUNCATE, COPY, SET

  private void truncate(List<SqlToken> t) {
    int from = skip(t, skip(t, 1, "TABLE"), "ONLY");
    List<QualifiedName> existing = new ArrayList<>();
    for (List<SqlToken> part : splitTopLevel(t, from)) {
      QualifiedName table = qualifiedName(part, skip(part, 0, "ONLY"));
      if (table.isKnown() && !isNew(table)) {
        existing.add(table);
      }
    }
    if (containsTopLevel(t, 1, "CASCADE")) {
      report(LintRule.TRUNCATE_CASCADE, "TRUNCATE ... CASCADE also empties every table with a foreign key to the"
          + " ones named, which the statement does not list");
    }
    if (!existing.isEmpty() && context.phase() != Phase.CONTRACT && !context.undo()) {
      report(LintRule.TRUNCATE_OUTSIDE_CONTRACT, "TRUNCATE " + String.join(", ", existing.stream()
          .map(QualifiedName::text).toList()) + " in " + context.phase().planKey() + " removes every row that"
          + " running applications still read, under an ACCESS EXCLUSIVE lock");
    }
  }

  private void copy(List<SqlToken> t) {
    int direction = Math.max(indexOfTopLevel(t, 1, "FROM"), indexOfTopLevel(t, 1, "TO"));
    if (direction < 0) {
      return;
    }
    if (word(t, direction + 1, "STDIN") || word(t, direction + 1, "STDOUT")) {
      report(LintRule.COPY_STDIN_STDOUT, "COPY ... " + t.get(direction).upper() + " " + t.get(direction + 1).upper()
          + " needs a client stream, which a step does not have");
    } else {
      report(LintRule.COPY_FILE_OR_PROGRAM, "COPY ... " + t.get(direction).upper() + (word(t, direction + 1,
          "PROGRAM") ? " PROGRAM runs a program" : " a file reads or writes a file") + " on the database server");
    }
  }

  private void set(List<SqlToken> t) {
    int name = skip(t, skip(t, 1, "SESSION"), "LOCAL");
    if (name < t.size() && TIMEOUTS.contains(t.get(name).upper())) {
      report(LintRule.TIMEOUT_OVERRIDE, "SET " + t.get(name).text() + " replaces the timeout Tidemark runs the step"
          + " under, so a blocked statement may queue applications behind it for longer");
    }
  }

  // ---- data changes

  /** {@code UPDATE [ONLY] t ...} or {@code DELETE FROM [ONLY] t ...} starting at {@code verb}. */
  private void dataChange(List<SqlToken> t, int verb) {
    boolean update = t.get(verb).isWord("UPDATE");
    QualifiedName table = qualifiedName(t, skip(t, skip(t, verb + 1, "FROM"), "ONLY"));
    if (update) {
      report(LintRule.UNBATCHED_UPDATE, "UPDATE of " + table.text() + " changes every matching row in one"
          + " transaction: row locks held until it commits, and one burst of WAL and replica lag");
    } else {
      report(LintRule.UNBATCHED_DELETE, "DELETE from " + table.text() + " removes every matching row in one"
          + " transaction: row locks held until it commits, and one burst of WAL and replica lag");
    }
  }

  /**
   * {@code WITH ... UPDATE/DELETE} and data-modifying CTEs ({@code WITH d AS (DELETE ...) SELECT ...}): a
   * CTE body is a parenthesis opened at depth 0 and the main statement is the first verb at depth 0.
   */
  private void with(List<SqlToken> t) {
    int depth = 0;
    for (int k = 1; k < t.size(); k++) {
      SqlToken token = t.get(k);
      if (depth == 0 && token.isPunctuation("(") && (word(t, k + 1, "UPDATE") || word(t, k + 1, "DELETE"))) {
        dataChange(t, k + 1);
      }
      depth += depthChange(token);
      if (depth == 0 && token.kind() == SqlToken.Kind.WORD && MAIN_VERBS.contains(token.upper())) {
        if (token.isWord("UPDATE") || token.isWord("DELETE")) {
          dataChange(t, k);
        }
        return;
      }
    }
  }

  /** {@code EXPLAIN ANALYZE} runs the statement it explains, so that statement is linted; plain EXPLAIN is not. */
  private void explain(List<SqlToken> t) {
    int i = 1;
    boolean analyze = false;
    if (i < t.size() && t.get(i).isPunctuation("(")) {
      int close = closing(t, i);
      analyze = optionEnabled(t, i + 1, close, "ANALYZE") || optionEnabled(t, i + 1, close, "ANALYSE");
      i = close + 1;
    } else {
      while (word(t, i, "ANALYZE") || word(t, i, "ANALYSE") || word(t, i, "VERBOSE")) {
        analyze |= !word(t, i, "VERBOSE");
        i++;
      }
    }
    if (analyze && i < t.size()) {
      check(t.subList(i, t.size()));
    }
  }

  private void vacuum(List<SqlToken> t) {
    boolean full = word(t, 1, "FULL")
        || (t.size() > 1 && t.get(1).isPunctuation("(") && optionEnabled(t, 2, closing(t, 1), "FULL"));
    if (full) {
      report(LintRule.VACUUM_FULL, "VACUUM FULL rewrites each table under an ACCESS EXCLUSIVE lock, blocking reads"
          + " and writes until it is done");
    }
    notInTransaction("VACUUM");
  }

  private void cluster(List<SqlToken> t) {
    report(LintRule.CLUSTER, "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock, blocking reads and writes"
        + " until it is done");
    if (t.size() == 1 || (t.size() == 2 && word(t, 1, "VERBOSE"))) {
      notInTransaction("CLUSTER of every table");
    }
  }

  private void reindex(List<SqlToken> t) {
    boolean concurrently = containsTopLevel(t, 1, "CONCURRENTLY")
        || (t.size() > 1 && t.get(1).isPunctuation("(") && optionEnabled(t, 2, closing(t, 1), "CONCURRENTLY"));
    if (concurrently) {
      notInTransaction("REINDEX ... CONCURRENTLY");
    } else {
      report(LintRule.REINDEX_WITHOUT_CONCURRENTLY, "REINDEX without CONCURRENTLY blocks writes to the table, and"
          + " reads that would use the index, until it is done");
    }
    if (containsTopLevel(t, 1, "SYSTEM") || containsTopLevel(t, 1, "DATABASE")) {
      notInTransaction("REINDEX SYSTEM|DATABASE");
    }
  }

  // ---- phase and transaction rules

  /** Refused when {@code op} (the operation doing what the statement does) is not allowed in this phase. */
  private void phase(String what, String op, Phase... allowed) {
    if (context.undo() || List.of(allowed).contains(context.phase())) {
      return;
    }
    report(LintRule.NOT_ALLOWED_IN_PHASE, what + " does what op = " + op + " does, which is allowed only in "
        + String.join(" and ", List.of(allowed).stream().map(Phase::planKey).toList()) + ", not in "
        + context.phase().planKey(), "move it to " + String.join(" or ", List.of(allowed).stream()
        .map(Phase::planKey).toList()) + ", or write op = " + op + " there");
  }

  private void dropOutsideContract(String what, String why) {
    if (context.phase() == Phase.CONTRACT || context.undo()) {
      return;
    }
    report(LintRule.DROP_OUTSIDE_CONTRACT, what + " in " + context.phase().planKey() + ": " + why);
  }

  private void notInTransaction(String what) {
    if (sequence.transactional()) {
      report(LintRule.CANNOT_RUN_IN_TRANSACTION, what + " cannot run inside a transaction block, and this step is"
          + " transactional (the default): PostgreSQL would refuse it when the step runs (SQLSTATE 25001)");
    }
  }

  // ---- helpers

  private LintFinding report(LintRule rule, String message) {
    return report(rule, message, rule.safeForm());
  }

  private LintFinding report(LintRule rule, String message, String safeForm) {
    LintFinding finding = new LintFinding(rule.id(), statement.index(), statement.text(), message, safeForm);
    findings.add(finding);
    return finding;
  }

  private boolean isNew(QualifiedName table) {
    return new TableName(table).isNew();
  }

  /** The index after the first {@code w} at or after {@code from}. */
  private static int indexAfterWord(List<SqlToken> t, int from, String w) {
    for (int k = from; k < t.size(); k++) {
      if (t.get(k).isWord(w)) {
        return k + 1;
      }
    }
    return t.size();
  }

  /** Whether {@code option} appears in {@code t[from, to)} and is not switched off ({@code FULL false}). */
  private static boolean optionEnabled(List<SqlToken> t, int from, int to, String option) {
    for (int k = from; k < to; k++) {
      if (t.get(k).isWord(option)) {
        SqlToken value = k + 1 < to ? t.get(k + 1) : null;
        boolean off = value != null
            && (value.isWord("FALSE") || value.isWord("OFF") || value.text().equals("0"));
        if (!off) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A table (or view) name in the step's sequence. A qualified name matches only a qualified entry of the
   * created tables, an unqualified one only an unqualified entry; {@link #key()} (the bare name, lower case)
   * keys the sequence's per-table state.
   */
  private final class TableName {
    private final QualifiedName name;

    TableName(QualifiedName name) {
      this.name = name;
    }

    QualifiedName name() {
      return name;
    }

    String text() {
      return name.text();
    }

    String key() {
      return name.name().toLowerCase(Locale.ROOT);
    }

    boolean isNew() {
      return name.isKnown() && sequence.createdTables.contains(createdKey());
    }

    void addTo(Set<String> tables) {
      if (name.isKnown()) {
        tables.add(name.name().toLowerCase(Locale.ROOT));
        tables.add(createdKey());
      }
    }

    private String createdKey() {
      return (name.schema() == null ? name.name() : name.schema() + "." + name.name()).toLowerCase(Locale.ROOT);
    }
  }
}
