package io.tidemark.planner.lint;

import io.tidemark.planner.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lints one statement: recognises it by its leading keywords and checks the clauses that decide its locks.
 * Everything it looks at is a significant token, so text in strings, comments and dollar-quoted bodies is
 * never mistaken for a keyword. Records the tables a {@code CREATE TABLE} makes in {@code createdTables}, so
 * that later statements of the same text may treat them as new.
 */
final class StatementLinter {

  private static final Set<String> TABLE_PREFIXES = Set.of("GLOBAL", "LOCAL", "TEMP", "TEMPORARY", "UNLOGGED");
  /** A column of these types gets its default from a sequence: adding one fills every row, a rewrite. */
  private static final Set<String> SERIAL_TYPES =
      Set.of("SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2", "SERIAL4", "SERIAL8");
  /** Words that end a column's DEFAULT expression: the start of the column's next constraint. */
  private static final Set<String> CONSTRAINT_STARTS = Set.of(
      "CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY", "REFERENCES", "GENERATED", "DEFERRABLE", "INITIALLY");
  /** Words at depth 0 after WITH that start the main statement. */
  private static final Set<String> MAIN_VERBS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES",
      "TABLE");

  private final SqlStatement statement;
  private final Phase phase;
  private final Set<String> createdTables;
  private final List<LintFinding> findings = new ArrayList<>();

  private StatementLinter(SqlStatement statement, Phase phase, Set<String> createdTables) {
    this.statement = statement;
    this.phase = phase;
    this.createdTables = createdTables;
  }

  /** The findings for {@code statement}; adds the tables it creates to {@code createdTables}. */
  static List<LintFinding> lint(SqlStatement statement, Phase phase, Set<String> createdTables) {
    StatementLinter linter = new StatementLinter(statement, phase, createdTables);
    linter.check(statement.tokens());
    return linter.findings;
  }

  private void check(List<SqlToken> t) {
    switch (t.get(0).upper()) {
      case "CREATE" -> create(t);
      case "DROP" -> dropIndex(t);
      case "ALTER" -> alter(t);
      case "UPDATE", "DELETE" -> dataChange(t, 0);
      case "WITH" -> with(t);
      case "EXPLAIN" -> explain(t);
      case "LOCK" -> report(LintRule.LOCK_TABLE, "LOCK TABLE " + tableName(t, skip(t, skip(t, 1, "TABLE"), "ONLY"))
          .text() + " blocks applications until the transaction ends, with no lock_timeout to bound the wait");
      case "VACUUM" -> vacuum(t);
      case "CLUSTER" -> report(LintRule.CLUSTER, "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock,"
          + " blocking reads and writes until it is done");
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
    int i = 1;
    while (i < t.size() && TABLE_PREFIXES.contains(t.get(i).upper())) {
      i++;
    }
    if (word(t, i, "TABLE")) {
      tableName(t, skip(t, i + 1, "IF", "NOT", "EXISTS")).addTo(createdTables);
    }
  }

  private void createIndex(List<SqlToken> t, int afterIndex) {
    int on = indexOfTopLevel(t, afterIndex, "ON");
    TableName table = on < 0 ? TableName.UNKNOWN : tableName(t, skip(t, on + 1, "ONLY"));
    if (word(t, afterIndex, "CONCURRENTLY") || isNew(table)) {
      return;
    }
    report(LintRule.CREATE_INDEX_WITHOUT_CONCURRENTLY, "CREATE INDEX without CONCURRENTLY blocks every write to "
        + table.text() + " until the index is built");
  }

  private void dropIndex(List<SqlToken> t) {
    if (word(t, 1, "INDEX") && !word(t, 2, "CONCURRENTLY")) {
      report(LintRule.DROP_INDEX_WITHOUT_CONCURRENTLY, "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE"
          + " lock on the index's table: reads and writes queue behind it, and behind any query it waits for");
    }
  }

  // ---- ALTER TABLE / VIEW

  private void alter(List<SqlToken> t) {
    if (word(t, 1, "TABLE")) {
      int i = skip(t, skip(t, 2, "IF", "EXISTS"), "ONLY");
      TableName table = tableName(t, i);
      i = table.next();
      if (i < t.size() && t.get(i).text().equals("*")) {
        i++;
      }
      for (List<SqlToken> action : splitTopLevel(t, i)) {
        alterTableAction(table, action);
      }
    } else if (word(t, 1, "VIEW")) {
      alterView(t, 2, "view");
    } else if (word(t, 1, "MATERIALIZED") && word(t, 2, "VIEW")) {
      alterView(t, 3, "materialized view");
    }
  }

  private void alterView(List<SqlToken> t, int nameAt, String what) {
    TableName view = tableName(t, skip(t, nameAt, "IF", "EXISTS"));
    if (word(t, view.next(), "RENAME")) {
      rename(view, t.subList(view.next(), t.size()), what);
    }
  }

  private void alterTableAction(TableName table, List<SqlToken> action) {
    if (action.isEmpty()) {
      return;
    }
    switch (action.get(0).upper()) {
      case "ADD" -> add(table, action);
      case "ALTER" -> alterColumn(table, action);
      case "RENAME" -> rename(table, action, "table");
      default -> { }
    }
  }

  private void add(TableName table, List<SqlToken> a) {
    int i = word(a, 1, "CONSTRAINT") ? 3 : 1;
    String kind = i < a.size() ? a.get(i).upper() : "";
    if (isNew(table)) {
      return;
    }
    switch (kind) {
      case "CHECK" -> {
        if (!containsTopLevel(a, i, "NOT", "VALID")) {
          report(LintRule.ADD_CHECK_WITHOUT_NOT_VALID, "ADD CHECK without NOT VALID reads every row of "
              + table.text() + " under an ACCESS EXCLUSIVE lock, blocking reads and writes");
        }
      }
      case "FOREIGN" -> {
        if (!containsTopLevel(a, i, "NOT", "VALID")) {
          report(LintRule.ADD_FOREIGN_KEY_WITHOUT_NOT_VALID, "ADD FOREIGN KEY without NOT VALID checks every row"
              + " of " + table.text() + " while blocking writes to it and to the referenced table");
        }
      }
      case "UNIQUE", "PRIMARY" -> {
        if (!usingIndex(a, i)) {
          report(LintRule.ADD_UNIQUE_WITHOUT_USING_INDEX, "ADD " + (kind.equals("PRIMARY") ? "PRIMARY KEY" : kind)
              + " without USING INDEX builds its index on " + table.text() + " under an ACCESS EXCLUSIVE lock");
        }
      }
      default -> {
        if (i == 1) {
          addColumn(table, a);
        }
      }
    }
  }

  /** {@code UNIQUE USING INDEX idx}; not {@code UNIQUE (a) USING INDEX TABLESPACE ts}, which builds a new index. */
  private static boolean usingIndex(List<SqlToken> a, int from) {
    int using = indexOfTopLevel(a, from, "USING");
    return using >= 0 && word(a, using + 1, "INDEX") && !word(a, using + 2, "TABLESPACE");
  }

  private void addColumn(TableName table, List<SqlToken> a) {
    int i = skip(a, skip(a, 1, "COLUMN"), "IF", "NOT", "EXISTS");
    if (i + 1 >= a.size()) {
      return;
    }
    String column = a.get(i).text();
    String what = "ADD COLUMN " + column + " on " + table.text();
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
    if (word(a, 1, "CONSTRAINT") || isNew(table)) {
      return;
    }
    int i = skip(a, 1, "COLUMN");
    if (i + 1 >= a.size()) {
      return;
    }
    String column = a.get(i).text() + " of " + table.text();
    int j = i + 1;
    if (skip(a, j, "SET", "NOT", "NULL") != j) {
      report(LintRule.SET_NOT_NULL_ON_EXISTING_TABLE, "SET NOT NULL on " + column + " reads every row under an"
          + " ACCESS EXCLUSIVE lock, blocking reads and writes");
    } else if (word(a, j, "TYPE") || skip(a, j, "SET", "DATA", "TYPE") != j) {
      report(LintRule.ALTER_COLUMN_TYPE, "ALTER COLUMN " + column + " TYPE rewrites the table and its indexes"
          + " under an ACCESS EXCLUSIVE lock (unless the cast is binary-coercible), and breaks applications that"
          + " still expect the old type");
    }
  }

  private void rename(TableName relation, List<SqlToken> a, String what) {
    if (phase == Phase.CONTRACT || word(a, 1, "CONSTRAINT")) {
      return;
    }
    String renamed = word(a, 1, "TO")
        ? what + " " + relation.text()
        : "column " + (skip(a, 1, "COLUMN") < a.size() ? a.get(skip(a, 1, "COLUMN")).text() : "?") + " of "
            + relation.text();
    report(LintRule.RENAME_OUTSIDE_CONTRACT, "renaming " + renamed + " in " + phase.planKey() + " breaks"
        + " applications that still use the old name");
  }

  // ---- data changes

  /** {@code UPDATE [ONLY] t ...} or {@code DELETE FROM [ONLY] t ...} starting at {@code verb}. */
  private void dataChange(List<SqlToken> t, int verb) {
    boolean update = t.get(verb).isWord("UPDATE");
    TableName table = tableName(t, skip(t, skip(t, verb + 1, "FROM"), "ONLY"));
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
  }

  private void reindex(List<SqlToken> t) {
    boolean concurrently = containsTopLevel(t, 1, "CONCURRENTLY")
        || (t.size() > 1 && t.get(1).isPunctuation("(") && optionEnabled(t, 2, closing(t, 1), "CONCURRENTLY"));
    if (!concurrently) {
      report(LintRule.REINDEX_WITHOUT_CONCURRENTLY, "REINDEX without CONCURRENTLY blocks writes to the table, and"
          + " reads that would use the index, until it is done");
    }
  }

  // ---- helpers

  private void report(LintRule rule, String message) {
    findings.add(new LintFinding(rule.id(), statement.index(), statement.text(), message, rule.safeForm()));
  }

  private boolean isNew(TableName table) {
    return table.in(createdTables);
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

  private static boolean word(List<SqlToken> t, int i, String w) {
    return i >= 0 && i < t.size() && t.get(i).isWord(w);
  }

  /** The index after {@code words} when {@code t} has them, in order, at {@code i}; otherwise {@code i}. */
  private static int skip(List<SqlToken> t, int i, String... words) {
    for (int k = 0; k < words.length; k++) {
      if (!word(t, i + k, words[k])) {
        return i;
      }
    }
    return i + words.length;
  }

  private static int depthChange(SqlToken token) {
    if (token.isPunctuation("(") || token.isPunctuation("[")) {
      return 1;
    }
    return token.isPunctuation(")") || token.isPunctuation("]") ? -1 : 0;
  }

  /** The index of the bracket closing the one at {@code open}, or the last index if it is never closed. */
  private static int closing(List<SqlToken> t, int open) {
    int depth = 0;
    for (int k = open; k < t.size(); k++) {
      depth += depthChange(t.get(k));
      if (depth == 0) {
        return k;
      }
    }
    return t.size() - 1;
  }

  /** The index of {@code word} outside brackets at or after {@code from}, or -1. */
  private static int indexOfTopLevel(List<SqlToken> t, int from, String word) {
    int depth = 0;
    for (int k = from; k < t.size(); k++) {
      depth += depthChange(t.get(k));
      if (depth == 0 && t.get(k).isWord(word)) {
        return k;
      }
    }
    return -1;
  }

  /** Whether {@code words} appear in sequence outside brackets at or after {@code from}. */
  private static boolean containsTopLevel(List<SqlToken> t, int from, String... words) {
    int depth = 0;
    for (int k = from; k < t.size(); k++) {
      depth += depthChange(t.get(k));
      if (depth == 0 && skip(t, k, words) != k) {
        return true;
      }
    }
    return false;
  }

  /** {@code t[from..]} cut at commas outside brackets: the sub-commands of one ALTER TABLE. */
  private static List<List<SqlToken>> splitTopLevel(List<SqlToken> t, int from) {
    List<List<SqlToken>> parts = new ArrayList<>();
    int depth = 0;
    int partStart = from;
    for (int k = from; k < t.size(); k++) {
      depth += depthChange(t.get(k));
      if (depth == 0 && t.get(k).isPunctuation(",")) {
        parts.add(t.subList(partStart, k));
        partStart = k + 1;
      }
    }
    if (partStart <= t.size()) {
      parts.add(t.subList(Math.min(partStart, t.size()), t.size()));
    }
    return parts;
  }

  private static TableName tableName(List<SqlToken> t, int i) {
    if (i >= t.size() || !t.get(i).isName()) {
      return new TableName(null, "", "?", i);
    }
    List<SqlToken> parts = new ArrayList<>(List.of(t.get(i)));
    int next = i + 1;
    while (next + 1 < t.size() && t.get(next).isPunctuation(".") && t.get(next + 1).isName()) {
      parts.add(t.get(next + 1));
      next += 2;
    }
    String name = parts.get(parts.size() - 1).name();
    String schema = parts.size() > 1 ? parts.get(parts.size() - 2).name() : null;
    String text = String.join(".", parts.stream().map(SqlToken::text).toList());
    return new TableName(schema, name, text, next);
  }

  /**
   * A table (or view) name as resolved by PostgreSQL, its text as written, and the token index after it.
   * A qualified name matches only a qualified entry of the created tables, an unqualified one only an
   * unqualified entry.
   */
  private record TableName(String schema, String name, String text, int next) {
    static final TableName UNKNOWN = new TableName(null, "", "?", -1);

    boolean in(Set<String> tables) {
      return !name.isEmpty() && tables.contains(key());
    }

    void addTo(Set<String> tables) {
      if (!name.isEmpty()) {
        tables.add(name.toLowerCase(Locale.ROOT));
        tables.add(key());
      }
    }

    private String key() {
      return (schema == null ? name : schema + "." + name).toLowerCase(Locale.ROOT);
    }
  }
}
