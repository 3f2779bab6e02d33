package io.tidemark.planner.imports;

import io.tidemark.planner.Phase;
import io.tidemark.planner.imports.Piece.OpStep;
import io.tidemark.planner.imports.Piece.SqlStep;
import io.tidemark.planner.lint.Expressions;
import io.tidemark.planner.lint.LintContext;
import io.tidemark.planner.lint.LintFinding;
import io.tidemark.planner.lint.LintRule;
import io.tidemark.planner.lint.SqlLinter;
import io.tidemark.planner.lint.SqlStatement;
import io.tidemark.planner.lint.SqlToken;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rewrite rules: one source statement in, the pieces it becomes out, with the reason. Parses a statement
 * only as deep as its rule needs; whatever it cannot read is kept as a {@code sql} step and left to the lint.
 *
 * <p>Remembers the column types of the tables and columns the imported SQL creates, because two rules need
 * them: a rename becomes {@code rename_column}, which needs the type, and a type change is safe as written
 * only when it is a widening that PostgreSQL does without a rewrite.
 */
final class Rewriter {
  /** What a statement became, and why. {@code refused}: it could not be made safe and is kept with its findings. */
  record Rewrite(List<Piece> pieces, String reason, boolean refused) {
    Rewrite {
      pieces = List.copyOf(pieces);
    }
  }

  private static final Set<String> COLUMN_CONSTRAINT_WORDS = Set.of("DEFAULT", "NOT", "NULL", "CONSTRAINT",
      "PRIMARY", "UNIQUE", "REFERENCES", "CHECK", "COLLATE", "GENERATED");
  private static final Set<String> TABLE_CONSTRAINT_STARTS = Set.of("CONSTRAINT", "PRIMARY", "UNIQUE",
      "FOREIGN", "CHECK", "EXCLUDE", "LIKE");
  private static final Set<String> SERIAL_TYPES = Set.of("serial", "serial2", "serial4", "serial8",
      "smallserial", "bigserial");

  private final Map<String, String> columnTypes = new HashMap<>();
  /** Tables (by {@link QName#key()}) a CREATE TABLE made in the sql step still open at the end of expand. */
  private Set<String> openTables = Set.of();
  /** The new table the last statement's piece joins (its CREATE TABLE's step), if it does. */
  private Optional<String> joined = Optional.empty();

  Rewrite rewrite(SqlStatement statement, String source) {
    joined = Optional.empty();
    Tokens t = new Tokens(source, statement.tokens());
    String raw = statement.text();
    if (t.at("BEGIN") || t.at("START", "TRANSACTION") || t.at("COMMIT") || t.at("END") || t.at("ROLLBACK")) {
      return dropped("the tool's transaction wrapper: Tidemark runs each step in its own transaction");
    }
    if (t.at("SET", "CONSTRAINTS")) {
      return dropped("checks deferred constraints inside the tool's transaction; each Tidemark step commits on its own");
    }
    if (t.at("SET") || t.at("RESET")) {
      return dropped("a session setting: Tidemark sets lock_timeout and statement_timeout on every step itself,"
          + " and a SET would leak into pooled connections");
    }
    if (t.at("VACUUM") || (t.at("REINDEX") && containsWord(t, "CONCURRENTLY"))) {
      return one(rawPiece(Phase.EXPAND, raw, false, Set.of(), Set.of()),
          "cannot run inside a transaction: a step of its own with transactional = false (the lint decides)");
    }
    if (t.accept("CREATE")) {
      return create(t, raw);
    }
    if (t.at("ALTER", "TABLE")) {
      t.accept("ALTER", "TABLE");
      return alterTable(t, raw);
    }
    if (t.at("ALTER", "TYPE")) {
      t.accept("ALTER", "TYPE");
      return alterType(t, raw);
    }
    if (t.at("DROP", "INDEX")) {
      t.accept("DROP", "INDEX");
      return dropIndex(t, raw);
    }
    if (t.at("DROP", "TABLE")) {
      t.accept("DROP", "TABLE");
      return dropTable(t, raw);
    }
    if (t.accept("DROP")) {
      return one(rawPiece(Phase.CONTRACT, raw, true, Set.of(), Set.of()),
          "destructive: runs in contract, once no release uses the object");
    }
    if (t.at("UPDATE")) {
      return update(t, raw);
    }
    if (t.at("INSERT")) {
      return one(rawPiece(Phase.MIGRATE, raw, true, Set.of(), Set.of()), "a data change: runs in migrate");
    }
    if (t.at("DELETE")) {
      return one(rawPiece(Phase.MIGRATE, raw, true, Set.of(), Set.of()), "a data change: runs in migrate");
    }
    if (t.at("ALTER") && containsWord(t, "RENAME")) {
      return one(rawPiece(Phase.CONTRACT, raw, true, Set.of(), Set.of()),
          "a rename: runs in contract, once no release uses the old name");
    }
    return one(rawPiece(Phase.EXPAND, raw, true, Set.of(), Set.of()),
        "no rule for it: kept as written in expand (the lint decides)");
  }

  // ---- CREATE

  private Rewrite create(Tokens t, String raw) {
    t.accept("OR", "REPLACE");
    if (t.at("UNIQUE", "INDEX") || t.at("INDEX")) {
      return createIndex(t, raw);
    }
    int start = t.pos();
    while (t.accept("GLOBAL") || t.accept("LOCAL") || t.accept("TEMP") || t.accept("TEMPORARY")
        || t.accept("UNLOGGED")) {
      // table prefixes
    }
    if (t.accept("TABLE")) {
      return createTable(t, raw);
    }
    t.seek(start);
    if (t.at("TYPE")) {
      t.accept("TYPE");
      Set<String> defines = t.name().map(n -> Set.of("type:" + n.key())).orElse(Set.of());
      return one(rawPiece(Phase.EXPAND, raw, true, defines, Set.of()), "a new type: safe, runs in expand");
    }
    return one(rawPiece(Phase.EXPAND, raw, true, Set.of(), Set.of()),
        "a new object: safe, runs in expand as written");
  }

  private Rewrite createTable(Tokens t, String raw) {
    if (!t.at("IF", "NOT", "EXISTS")) {
      raw = splice(raw, t, t.pos(), "IF NOT EXISTS "); // a step may run again after an interruption
    }
    t.accept("IF", "NOT", "EXISTS");
    Optional<QName> table = t.name();
    if (table.isEmpty()) {
      return one(rawPiece(Phase.EXPAND, raw, true, Set.of(), Set.of()), "kept as written");
    }
    Set<String> needs = new HashSet<>();
    if (t.at("(")) {
      int open = t.pos();
      int close = t.closing(open);
      if (close > open) {
        for (int[] part : t.splitCommas(open + 1, close)) {
          recordColumn(t, table.get(), part, needs);
        }
      }
    }
    String key = table.get().key();
    SqlStep step = sqlStep(Phase.EXPAND, raw, true, Set.of(key), true);
    return one(new Piece(Phase.EXPAND, step, "sql (expand)", Set.of("table:" + key), needs),
        "a new table: safe, nothing uses it yet; statements on it that follow join this step");
  }

  /** Remembers one column's type of a CREATE TABLE, and what its references need. */
  private void recordColumn(Tokens all, QName table, int[] part, Set<String> needs) {
    Tokens t = all.slice(part[0], part[1]);
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).isWord("REFERENCES")) {
        t.seek(i + 1);
        t.name().ifPresent(r -> needs.add("table:" + r.key()));
      }
    }
    if (t.size() < 2 || TABLE_CONSTRAINT_STARTS.contains(t.get(0).upper())) {
      return;
    }
    int typeEnd = t.findTopLevel(1, t.size(), COLUMN_CONSTRAINT_WORDS);
    columnTypes.put(table.key() + "." + t.get(0).name(), t.text(1, typeEnd));
  }

  private Rewrite createIndex(Tokens t, String raw) {
    boolean unique = t.accept("UNIQUE");
    t.accept("INDEX");
    int afterIndex = t.pos();
    boolean concurrently = t.accept("CONCURRENTLY");
    boolean ifNotExists = t.accept("IF", "NOT", "EXISTS");
    Optional<QName> name = t.at("ON") ? Optional.empty() : t.name();
    if (!t.accept("ON")) {
      return one(rawPiece(Phase.EXPAND, raw, true, Set.of(), Set.of()), "kept as written");
    }
    t.accept("ONLY");
    Optional<QName> table = t.name();
    if (table.isEmpty()) {
      return one(rawPiece(Phase.EXPAND, raw, true, Set.of(), Set.of()), "kept as written");
    }
    String using = "btree";
    if (t.accept("USING") && t.peek().filter(SqlToken::isName).isPresent()) {
      using = t.peek().get().name();
      t.seek(t.pos() + 1);
    }
    int open = t.pos();
    int close = t.at("(") ? t.closing(open) : -1;
    Set<String> needs = new HashSet<>(Set.of("table:" + table.get().key()));
    Set<String> defines = new HashSet<>();
    String indexSchema = name.flatMap(QName::schema).orElse(table.get().schemaOrDefault());
    name.ifPresent(n -> defines.add("index:" + indexSchema + "." + n.name()));
    if (openTables.contains(table.get().key()) && !concurrently) {
      joined = Optional.of(table.get().key());
      String rerunnable = !ifNotExists && name.isPresent() ? splice(raw, t, afterIndex + (concurrently ? 1 : 0),
          "IF NOT EXISTS ") : raw;
      return one(new Piece(Phase.EXPAND, sqlStep(Phase.EXPAND, rerunnable, true, Set.of(), true), "sql (expand)",
              defines, needs),
          "an index on a table this import creates: built in the step that creates the table, which nothing uses yet");
    }
    List<String> columns = new ArrayList<>();
    List<String> expressions = new ArrayList<>();
    boolean plain = close > open && name.isPresent() && name.get().schema().isEmpty();
    if (plain) {
      for (int[] part : t.splitCommas(open + 1, close)) {
        if (t.isSingleName(part[0], part[1])) {
          columns.add(t.get(part[0]).name());
          expressions.add(t.text(part[0], part[1]));
        } else if (isExpressionElement(t, part)) {
          expressions.add(stripParens(t, part));
        } else {
          plain = false;
        }
      }
    }
    Optional<String> where = Optional.empty();
    if (plain) {
      t.seek(close + 1);
      if (t.accept("WHERE")) {
        where = Optional.of(t.rest(t.pos()));
      } else if (!t.atEnd()) {
        plain = false; // INCLUDE, WITH (...), TABLESPACE, NULLS NOT DISTINCT: the operation has no key for them
      }
    }
    columns.forEach(c -> needs.add("column:" + table.get().key() + "." + c));
    if (unique) {
      defines.add("unique:" + table.get().key() + "(" + String.join(",", columns) + ")");
    }
    if (plain) {
      Map<String, Object> f = new LinkedHashMap<>();
      schema(f, table.get());
      f.put("table", table.get().name());
      f.put("name", name.get().name());
      if (expressions.size() == columns.size()) {
        f.put("columns", columns);
      } else {
        f.put("expressions", expressions);
      }
      if (unique) {
        f.put("unique", true);
      }
      where.ifPresent(w -> f.put("where", w));
      if (!using.equals("btree")) {
        f.put("using", using);
      }
      return one(new Piece(Phase.EXPAND, new OpStep("create_index", f), "create_index (expand)", defines, needs),
          "CREATE INDEX blocks every write to the table while it builds: create_index builds it CONCURRENTLY,"
              + " outside a transaction");
    }
    String concurrent = raw;
    if (!concurrently) {
      int at = t.offset(afterIndex) - t.offset(0);
      String ine = !ifNotExists && name.isPresent() ? "IF NOT EXISTS " : "";
      concurrent = raw.substring(0, at) + "CONCURRENTLY " + ine + raw.substring(at);
    }
    return one(new Piece(Phase.EXPAND, sqlStep(Phase.EXPAND, concurrent, false, Set.of()),
            "sql CREATE INDEX CONCURRENTLY (expand, non-transactional)", defines, needs),
        "CREATE INDEX blocks writes while it builds; this one has parts create_index has no key for (operator"
            + " class, sort order, INCLUDE, storage options or a schema on the index), so it is kept as written"
            + " with CONCURRENTLY, in a step of its own outside a transaction");
  }

  /** {@code (expr)} or {@code f(args)}: an element the create_index operation takes in {@code expressions}. */
  private static boolean isExpressionElement(Tokens t, int[] part) {
    int from = part[0];
    int to = part[1];
    if (t.get(from).isPunctuation("(")) {
      return t.closing(from) == to - 1;
    }
    return to - from >= 3 && t.get(from).kind() == SqlToken.Kind.WORD && t.get(from + 1).isPunctuation("(")
        && t.closing(from + 1) == to - 1;
  }

  private static String stripParens(Tokens t, int[] part) {
    return t.get(part[0]).isPunctuation("(") ? t.text(part[0] + 1, part[1] - 1) : t.text(part[0], part[1]);
  }

  // ---- ALTER TABLE

  private Rewrite alterTable(Tokens t, String raw) {
    t.accept("IF", "EXISTS");
    t.accept("ONLY");
    Optional<QName> table = t.name();
    if (table.isEmpty()) {
      return one(rawPiece(Phase.EXPAND, raw, true, Set.of(), Set.of()), "kept as written");
    }
    t.accept("*");
    String prefix = t.text(0, t.pos());
    List<int[]> actions = t.splitCommas(t.pos(), t.size());
    if (openTables.contains(table.get().key()) && !(actions.size() == 1 && t.get(actions.get(0)[0]).isWord("RENAME"))) {
      joined = Optional.of(table.get().key());
      Set<String> needs = new HashSet<>(Set.of("table:" + table.get().key()));
      for (int[] a : actions) {
        Tokens action = t.slice(a[0], a[1]);
        referencedTable(action).ifPresent(r -> {
          needs.add("table:" + r.key());
          List<String> refColumns = parenNames(action); // the cursor is just past the referenced table's name
          if (!refColumns.isEmpty()) {
            needs.add("unique:" + r.key() + "(" + String.join(",", refColumns) + ")");
          }
        });
        addedColumn(action).ifPresent(c -> rememberType(table.get(), action, c));
      }
      return one(new Piece(Phase.EXPAND, sqlStep(Phase.EXPAND, raw, true, Set.of(), true), "sql (expand)", Set.of(),
              needs),
          "on a table this import creates: nothing uses it yet, so it joins the step that creates it");
    }
    List<Piece> pieces = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    boolean refused = false;
    for (int[] a : actions) {
      Rewrite r = alterAction(table.get(), prefix, t.slice(a[0], a[1]));
      pieces.addAll(r.pieces());
      reasons.add(r.reason());
      refused |= r.refused();
    }
    return new Rewrite(pieces, String.join("; ", reasons), refused);
  }

  private Optional<QName> referencedTable(Tokens action) {
    for (int i = 0; i < action.size(); i++) {
      if (action.get(i).isWord("REFERENCES")) {
        action.seek(i + 1);
        return action.name();
      }
    }
    return Optional.empty();
  }

  private static Optional<String> addedColumn(Tokens a) {
    a.seek(0);
    if (!a.accept("ADD")) {
      return Optional.empty();
    }
    if (a.peek().map(tok -> TABLE_CONSTRAINT_STARTS.contains(tok.upper())).orElse(true)) {
      return Optional.empty();
    }
    a.accept("COLUMN");
    a.accept("IF", "NOT", "EXISTS");
    return a.peek().filter(SqlToken::isName).map(SqlToken::name);
  }

  private void rememberType(QName table, Tokens a, String column) {
    int nameAt = a.pos();
    int typeEnd = a.findTopLevel(nameAt + 1, a.size(), COLUMN_CONSTRAINT_WORDS);
    columnTypes.put(table.key() + "." + column, a.text(nameAt + 1, typeEnd));
  }

  private Rewrite alterAction(QName table, String prefix, Tokens a) {
    String actionSql = prefix + " " + a.rest(0);
    String tableKey = "table:" + table.key();
    if (a.at("ADD")) {
      Optional<String> column = addedColumn(a);
      if (column.isPresent()) {
        return addColumn(table, prefix, a, column.get());
      }
      a.seek(1);
      return addConstraint(table, prefix, a);
    }
    if (a.accept("DROP")) {
      if (a.accept("CONSTRAINT")) {
        if (!a.at("IF", "EXISTS")) {
          actionSql = spliceAction(prefix, a, a.pos(), "IF EXISTS ");
        }
        a.accept("IF", "EXISTS");
        Set<String> defines = a.peek().filter(SqlToken::isName)
            .map(n -> Set.of("constraint:" + table.key() + "." + n.name())).orElse(Set.of());
        return one(rawPiece(Phase.CONTRACT, actionSql, true, defines, Set.of(tableKey)),
            "a drop: runs in contract with the other destructive changes, before a replacement constraint of the"
                + " same migration is added (move it to expand if the new release must already write rows it refuses)");
      }
      a.accept("COLUMN");
      boolean ifExists = a.accept("IF", "EXISTS");
      Optional<String> column = a.peek().filter(SqlToken::isName).map(SqlToken::name);
      if (column.isPresent()) {
        a.seek(a.pos() + 1);
        Set<String> defines = Set.of("column:" + table.key() + "." + column.get());
        if (a.atEnd() || a.at("RESTRICT")) {
          Map<String, Object> f = tableFields(table);
          f.put("column", column.get());
          return one(new Piece(Phase.CONTRACT, new OpStep("drop_column", f), "drop_column (contract)", defines,
              Set.of(tableKey)), "destructive: drop_column runs in contract, once no release reads the column");
        }
        String rerunnable = ifExists ? actionSql : spliceAction(prefix, a, a.pos() - 1, "IF EXISTS ");
        return one(rawPiece(Phase.CONTRACT, rerunnable, true, defines, Set.of(tableKey)),
            "destructive (CASCADE): runs in contract as written");
      }
      return one(rawPiece(Phase.CONTRACT, actionSql, true, Set.of(), Set.of(tableKey)), "destructive: runs in contract");
    }
    if (a.accept("ALTER")) {
      a.accept("COLUMN");
      Optional<String> column = a.peek().filter(SqlToken::isName).map(SqlToken::name);
      if (column.isEmpty()) {
        return one(rawPiece(Phase.EXPAND, actionSql, true, Set.of(), Set.of(tableKey)), "kept as written");
      }
      a.seek(a.pos() + 1);
      return alterColumn(table, column.get(), a, actionSql);
    }
    if (a.at("RENAME", "COLUMN") || (a.at("RENAME") && !a.at("RENAME", "TO") && !a.at("RENAME", "CONSTRAINT"))) {
      a.accept("RENAME");
      a.accept("COLUMN");
      return renameColumn(table, a, actionSql);
    }
    if (a.accept("RENAME", "TO")) {
      Optional<QName> to = a.name();
      if (to.isEmpty() || !a.atEnd()) {
        return one(rawPiece(Phase.CONTRACT, actionSql, true, Set.of(tableKey), Set.of()), "a table rename: kept as"
            + " written");
      }
      return renameTable(table, to.get(), actionSql);
    }
    if (a.at("VALIDATE", "CONSTRAINT")) {
      return one(rawPiece(Phase.CONTRACT, actionSql, true, Set.of(), Set.of(tableKey)),
          "validation enforces the constraint on old rows: runs in contract (it takes only SHARE UPDATE EXCLUSIVE)");
    }
    if (a.at("RENAME")) {
      return one(rawPiece(Phase.CONTRACT, actionSql, true, Set.of(), Set.of(tableKey)), "a rename: runs in contract");
    }
    return one(rawPiece(Phase.EXPAND, actionSql, true, Set.of(), Set.of(tableKey)), "kept as written in expand");
  }

  /**
   * The safe path docs/plan-reference.md gives for a table rename: in expand, one transaction renames the table
   * and creates a view under the old name (a simple view is updatable, so the old release keeps reading and
   * writing through it while the new one uses the new name); contract drops the view, once no release uses the
   * old name. Example: {@code ALTER TABLE orders RENAME TO purchases} becomes
   * {@code ALTER TABLE orders RENAME TO purchases; CREATE VIEW orders AS SELECT * FROM purchases} in expand and
   * {@code DROP VIEW IF EXISTS orders} in contract.
   */
  private Rewrite renameTable(QName table, QName to, String actionSql) {
    String newKey = table.schemaOrDefault() + "." + to.name();
    String newName = table.schema().map(sch -> io.tidemark.planner.sql.Identifiers.quote(sch) + ".").orElse("")
        + to.sql();
    String view = "CREATE VIEW " + table.sql() + " AS SELECT * FROM " + newName;
    SqlStep rename = sqlStep(Phase.EXPAND, List.of(actionSql, view), true, Set.of(), false);
    String oldColumns = table.key() + ".";
    columnTypes.keySet().stream().filter(k -> k.startsWith(oldColumns)).toList()
        .forEach(k -> columnTypes.put(newKey + "." + k.substring(oldColumns.length()), columnTypes.get(k)));
    Piece expand = new Piece(Phase.EXPAND, rename, "sql RENAME + view under the old name (expand)",
        Set.of("table:" + table.key(), "table:" + newKey), Set.of());
    Piece contract = new Piece(Phase.CONTRACT, sqlStep(Phase.CONTRACT, "DROP VIEW IF EXISTS " + table.sql(), true,
        Set.of()), "sql DROP VIEW (contract)", Set.of("table:" + table.key()), Set.of());
    boolean refused = !rename.findings().isEmpty() || !((SqlStep) contract.step()).findings().isEmpty();
    return new Rewrite(List.of(expand, contract), (refused ? "DECIDE: " : "") + "a table rename breaks every"
        + " release that uses the old name: renamed in expand together with a view under the old name, which the"
        + " old release keeps using (a simple view is updatable); the view is dropped in contract"
        + (refused ? "; the lint still refuses it" : ""), refused);
  }

  private Rewrite addColumn(QName table, String prefix, Tokens a, String column) {
    rememberType(table, a, column);
    int nameAt = a.pos();
    String tableKey = "table:" + table.key();
    Set<String> defines = Set.of("column:" + table.key() + "." + column);
    int typeEnd = a.findTopLevel(nameAt + 1, a.size(), COLUMN_CONSTRAINT_WORDS);
    String type = a.text(nameAt + 1, typeEnd);
    Optional<String> defaultValue = Optional.empty();
    boolean notNull = false;
    boolean other = false;
    int i = typeEnd;
    while (i < a.size()) {
      SqlToken tok = a.get(i);
      if (tok.isWord("DEFAULT")) {
        int end = a.findTopLevel(i + 1, a.size(), COLUMN_CONSTRAINT_WORDS);
        defaultValue = Optional.of(a.text(i + 1, end));
        i = end;
      } else if (tok.isWord("NOT") && i + 1 < a.size() && a.get(i + 1).isWord("NULL")) {
        notNull = true;
        i += 2;
      } else if (tok.isWord("NULL")) {
        i++;
      } else {
        other = true;
        break;
      }
    }
    String addSql = prefix + " " + a.rest(0);
    if (other && !SERIAL_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      Optional<Rewrite> withReference = inlineReference(table, prefix, a, column, nameAt, i, type, notNull,
          defaultValue, defines);
      if (withReference.isPresent()) {
        return withReference.get();
      }
    }
    if (other || SERIAL_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      return one(rawPiece(Phase.EXPAND, withIfNotExists(addSql, prefix, a), true, defines, Set.of(tableKey)),
          "a column with an inline constraint, identity or serial type: kept as written in expand (the lint decides)");
    }
    Map<String, Object> f = tableFields(table);
    f.put("column", column);
    f.put("type", type);
    List<String> volatileCalls = defaultValue.map(Expressions::possiblyVolatileCalls).orElse(List.of());
    if (!volatileCalls.isEmpty()) {
      List<Piece> pieces = new ArrayList<>();
      pieces.add(new Piece(Phase.EXPAND, new OpStep("add_column", f), "add_column (expand)", defines, Set.of(tableKey)));
      String setDefault = prefix + " ALTER COLUMN " + a.text(nameAt, nameAt + 1) + " SET DEFAULT " + defaultValue.get();
      pieces.add(new Piece(Phase.EXPAND, sqlStep(Phase.EXPAND, setDefault, true, Set.of()),
          "sql SET DEFAULT (expand)", Set.of(), Set.of(tableKey)));
      Map<String, Object> b = tableFields(table);
      b.put("set", a.text(nameAt, nameAt + 1) + " = " + defaultValue.get());
      b.put("where", a.text(nameAt, nameAt + 1) + " IS NULL");
      pieces.add(new Piece(Phase.MIGRATE, new OpStep("backfill", b), "backfill (migrate)", Set.of(), Set.of(tableKey)));
      if (notNull) {
        pieces.add(setNotNullPiece(table, column));
      }
      return new Rewrite(pieces, "a volatile default (" + String.join(", ", volatileCalls) + ") would rewrite the"
          + " table under an exclusive lock: the column is added without it, new rows get it from SET DEFAULT,"
          + " old rows from a batched backfill" + (notNull ? ", then set_not_null in contract" : ""), false);
    }
    if (defaultValue.isPresent()) {
      f.put("default", defaultValue.get());
      if (notNull) {
        f.put("nullable", false);
      }
      return one(new Piece(Phase.EXPAND, new OpStep("add_column", f), "add_column (expand)", defines, Set.of(tableKey)),
          "a constant default is stored in the catalog (PostgreSQL 11+): no rewrite, safe as is");
    }
    if (notNull) {
      return new Rewrite(List.of(
          new Piece(Phase.EXPAND, new OpStep("add_column", f), "add_column (expand)", defines, Set.of(tableKey)),
          setNotNullPiece(table, column)),
          "NOT NULL without a default fails on existing rows and blocks writers while it checks: the column is"
              + " added nullable, then set_not_null in contract. The tool's SQL gives old rows no value either;"
              + " if the table has rows, add a backfill to migrate or set_not_null will report them", false);
    }
    return one(new Piece(Phase.EXPAND, new OpStep("add_column", f), "add_column (expand)", defines, Set.of(tableKey)),
        "a nullable column without a default: catalog only, safe as is");
  }

  /**
   * {@code ADD COLUMN c t [NULL] [CONSTRAINT n] REFERENCES r (k) ...} (Django writes every new foreign key so):
   * the column is added alone in expand, the foreign key added NOT VALID and validated in contract.
   */
  private Optional<Rewrite> inlineReference(QName table, String prefix, Tokens a, String column, int nameAt,
      int constraintAt, String type, boolean notNull, Optional<String> defaultValue, Set<String> defines) {
    a.seek(constraintAt);
    Optional<String> name = Optional.empty();
    if (a.accept("CONSTRAINT")) {
      name = a.peek().filter(SqlToken::isName).map(SqlToken::name);
      a.seek(a.pos() + 1);
    }
    int referencesAt = a.pos();
    if (!a.accept("REFERENCES") || notNull || defaultValue.isPresent()) {
      return Optional.empty();
    }
    String fkName = name.orElse(table.name() + "_" + column + "_fkey");
    String fkSql = prefix + " ADD CONSTRAINT " + io.tidemark.planner.sql.Identifiers.quote(fkName) + " FOREIGN KEY ("
        + a.text(nameAt, nameAt + 1) + ") " + a.rest(referencesAt);
    Rewrite fk = references(table, prefix, List.of(column), a, Optional.of(fkName), fkSql);
    Map<String, Object> f = tableFields(table);
    f.put("column", column);
    f.put("type", type);
    List<Piece> pieces = new ArrayList<>();
    pieces.add(new Piece(Phase.EXPAND, new OpStep("add_column", f), "add_column (expand)", defines,
        Set.of("table:" + table.key())));
    pieces.addAll(fk.pieces());
    return Optional.of(new Rewrite(pieces, "a column with REFERENCES checks the table while blocking writes to both"
        + " tables: the column is added alone in expand; " + fk.reason(), fk.refused()));
  }

  private static String withIfNotExists(String addSql, String prefix, Tokens a) {
    a.seek(1);
    boolean hasColumn = a.accept("COLUMN");
    if (a.at("IF", "NOT", "EXISTS")) {
      return addSql;
    }
    return prefix + " ADD " + (hasColumn ? "COLUMN " : "") + "IF NOT EXISTS " + a.rest(a.pos());
  }

  private Piece setNotNullPiece(QName table, String column) {
    Map<String, Object> f = tableFields(table);
    f.put("column", column);
    return new Piece(Phase.CONTRACT, new OpStep("set_not_null", f), "set_not_null (contract)", Set.of(),
        Set.of("table:" + table.key(), "column:" + table.key() + "." + column));
  }

  private Rewrite alterColumn(QName table, String column, Tokens a, String actionSql) {
    Set<String> needs = Set.of("table:" + table.key(), "column:" + table.key() + "." + column);
    if (a.at("SET", "NOT", "NULL")) {
      return one(setNotNullPiece(table, column), "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock:"
          + " set_not_null validates a NOT VALID check first (no lock on writers), in contract since it enforces");
    }
    if (a.at("DROP", "NOT", "NULL")) {
      return one(rawPiece(Phase.CONTRACT, actionSql, true, Set.of(), needs), "catalog only, but the old release may"
          + " rely on the column never being NULL: runs in contract, once no release does");
    }
    if (a.at("SET", "DEFAULT")) {
      return one(rawPiece(Phase.EXPAND, actionSql, true, Set.of(), needs),
          "a default for new rows: catalog only, runs in expand");
    }
    if (a.at("DROP", "DEFAULT")) {
      return one(rawPiece(Phase.CONTRACT, actionSql, true, Set.of(), needs),
          "the old release may still insert rows relying on this default: dropped in contract");
    }
    if (a.accept("SET", "DATA", "TYPE") || a.accept("TYPE")) {
      return changeType(table, column, a, actionSql, needs);
    }
    return one(rawPiece(Phase.EXPAND, actionSql, true, Set.of(), needs), "kept as written in expand");
  }

  private Rewrite changeType(QName table, String column, Tokens a, String actionSql, Set<String> needs) {
    int typeStart = a.pos();
    int typeEnd = a.findTopLevel(typeStart, a.size(), Set.of("USING", "COLLATE"));
    String newType = a.text(typeStart, typeEnd);
    Optional<String> using = Optional.empty();
    if (typeEnd < a.size() && a.get(typeEnd).isWord("USING")) {
      using = Optional.of(a.rest(typeEnd + 1));
    }
    String columnKey = table.key() + "." + column;
    String oldType = columnTypes.get(columnKey);
    boolean trivialUsing = using.isEmpty() || TypeChanges.isPlainCast(using.get(), column, newType);
    boolean collate = typeEnd < a.size() && a.get(typeEnd).isWord("COLLATE");
    if (oldType != null && trivialUsing && !collate && TypeChanges.needsNoRewrite(oldType, newType)) {
      columnTypes.put(columnKey, newType);
      String reason = "no rewrite: " + oldType + " -> " + newType + " changes only the catalog";
      SqlStep step = new SqlStep(List.of(actionSql), true, false, Optional.of(reason), Set.of(), List.of());
      return one(new Piece(Phase.EXPAND, step, "sql (expand, unsafe = \"" + reason + "\")", Set.of(), needs),
          "the type change needs no table rewrite (" + oldType + " -> " + newType + "): kept as written, the"
              + " step marked unsafe with that reason for the lint");
    }
    Map<String, Object> f = tableFields(table);
    f.put("column", column);
    f.put("to", column + "_new");
    f.put("type", newType);
    using.ifPresent(u -> f.put("using", u));
    String why = oldType == null ? "the column's current type is not in the imported SQL, so a rewrite cannot be"
        + " ruled out" : oldType + " -> " + newType + " rewrites the table";
    return one(new Piece(Phase.EXPAND, new OpStep("change_type", f), "change_type (expand + contract)",
            Set.of("column:" + table.key() + "." + column + "_new"), needs),
        "ALTER COLUMN TYPE rewrites the table under an ACCESS EXCLUSIVE lock (" + why + "): change_type adds "
            + column + "_new, keeps it in sync and drops " + column + " in contract. DECIDE: the new release must"
            + " use " + column + "_new; indexes and constraints on " + column + " must be recreated on it");
  }

  private Rewrite renameColumn(QName table, Tokens a, String actionSql) {
    Optional<String> from = a.peek().filter(SqlToken::isName).map(SqlToken::name);
    a.seek(a.pos() + 1);
    Optional<String> to = a.accept("TO") ? a.peek().filter(SqlToken::isName).map(SqlToken::name) : Optional.empty();
    if (from.isEmpty() || to.isEmpty()) {
      return one(rawPiece(Phase.CONTRACT, actionSql, true, Set.of(), Set.of()), "kept as written in contract");
    }
    Set<String> defines = Set.of("column:" + table.key() + "." + from.get(), "column:" + table.key() + "." + to.get());
    String type = columnTypes.get(table.key() + "." + from.get());
    if (type == null) {
      Piece kept = rawPiece(Phase.EXPAND, actionSql, true, defines, Set.of("table:" + table.key()));
      return new Rewrite(List.of(kept), "DECIDE: rename_column needs the column's type, which the imported SQL does"
          + " not say: write { op = rename_column, table = " + table.name() + ", from = " + from.get() + ", to = "
          + to.get() + ", type = ... } in expand instead", true);
    }
    Map<String, Object> f = tableFields(table);
    f.put("from", from.get());
    f.put("to", to.get());
    f.put("type", type);
    columnTypes.put(table.key() + "." + to.get(), type);
    return one(new Piece(Phase.EXPAND, new OpStep("rename_column", f), "rename_column (expand + contract)", defines,
            Set.of("table:" + table.key())),
        "RENAME COLUMN breaks the release still running: rename_column adds " + to.get() + ", keeps both in sync"
            + " with a trigger while both releases run, and drops " + from.get() + " in contract");
  }

  private Rewrite addConstraint(QName table, String prefix, Tokens a) {
    String actionSql = prefix + " " + a.rest(0);
    Optional<String> name = Optional.empty();
    if (a.accept("CONSTRAINT")) {
      name = a.peek().filter(SqlToken::isName).map(SqlToken::name);
      a.seek(a.pos() + 1);
    }
    String tableKey = "table:" + table.key();
    if (a.accept("FOREIGN", "KEY")) {
      return foreignKey(table, prefix, a, name, actionSql);
    }
    if (a.accept("CHECK") && a.at("(")) {
      int close = a.closing(a.pos());
      String expr = a.text(a.pos() + 1, close);
      a.seek(close + 1);
      a.accept("NOT", "VALID");
      if (name.isEmpty() || !a.atEnd()) {
        return notValidThenValidate(table, prefix, actionSql, name, Set.of(tableKey));
      }
      Map<String, Object> f = tableFields(table);
      f.put("name", name.get());
      f.put("expression", expr);
      return one(new Piece(Phase.CONTRACT, new OpStep("add_check", f), "add_check (contract)",
              Set.of("constraint:" + table.key() + "." + name.get()), Set.of(tableKey)),
          "ADD CHECK scans the table under an ACCESS EXCLUSIVE lock: add_check adds it NOT VALID, then validates"
              + " without blocking writers; in contract, since it enforces");
    }
    boolean primary = a.at("PRIMARY", "KEY");
    if ((a.accept("UNIQUE") || a.accept("PRIMARY", "KEY")) && a.at("(") && name.isPresent()) {
      int close = a.closing(a.pos());
      List<String> columns = new ArrayList<>();
      for (int[] p : a.splitCommas(a.pos() + 1, close)) {
        if (!a.isSingleName(p[0], p[1])) {
          return refusedRaw(actionSql, Phase.CONTRACT);
        }
        columns.add(a.get(p[0]).name());
      }
      a.seek(close + 1);
      if (!a.atEnd()) {
        return refusedRaw(actionSql, Phase.CONTRACT);
      }
      Set<String> defines = Set.of("constraint:" + table.key() + "." + name.get(),
          "unique:" + table.key() + "(" + String.join(",", columns) + ")");
      if (primary) {
        Map<String, Object> f = tableFields(table);
        f.put("table", table.name());
        f.put("name", name.get());
        f.put("columns", columns);
        f.put("unique", true);
        String quoted = io.tidemark.planner.sql.Identifiers.quote(name.get());
        String attach = prefix + " ADD CONSTRAINT " + quoted + " PRIMARY KEY USING INDEX " + quoted;
        return new Rewrite(List.of(
            new Piece(Phase.EXPAND, new OpStep("create_index", f), "create_index unique (expand)", Set.of(), Set.of(tableKey)),
            new Piece(Phase.CONTRACT, sqlStep(Phase.CONTRACT, attach, true, Set.of()), "sql PRIMARY KEY USING INDEX (contract)",
                defines, Set.of(tableKey))),
            "ADD PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock: the unique index is built concurrently"
                + " in expand and attached in contract (a short lock; it still sets NOT NULL on the key columns)", false);
      }
      Map<String, Object> f = tableFields(table);
      f.put("name", name.get());
      f.put("columns", columns);
      return one(new Piece(Phase.CONTRACT, new OpStep("add_unique", f), "add_unique (contract)", defines, Set.of(tableKey)),
          "ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock: add_unique builds it concurrently, then"
              + " attaches it; in contract, since it enforces");
    }
    if (containsWord(a, "USING") || containsWord(a, "VALID")) {
      return one(rawPiece(Phase.CONTRACT, actionSql, true, Set.of(), Set.of(tableKey)),
          "enforcing, in a form that takes only a short lock: runs in contract as written");
    }
    return refusedRaw(actionSql, Phase.CONTRACT);
  }

  private Rewrite foreignKey(QName table, String prefix, Tokens a, Optional<String> name, String actionSql) {
    List<String> columns = parenNames(a);
    if (columns.isEmpty() || !a.accept("REFERENCES")) {
      return refusedRaw(actionSql, Phase.CONTRACT);
    }
    return references(table, prefix, columns, a, name, actionSql);
  }

  /** The rest of a foreign key, from after {@code REFERENCES}. */
  private Rewrite references(QName table, String prefix, List<String> columns, Tokens a, Optional<String> name,
      String actionSql) {
    String tableKey = "table:" + table.key();
    Optional<QName> ref = a.name();
    if (ref.isEmpty()) {
      return refusedRaw(actionSql, Phase.CONTRACT);
    }
    List<String> refColumns = a.at("(") ? parenNames(a) : List.of();
    Set<String> needs = new HashSet<>(Set.of(tableKey, "table:" + ref.get().key()));
    if (!refColumns.isEmpty()) {
      needs.add("unique:" + ref.get().key() + "(" + String.join(",", refColumns) + ")");
    }
    String onDelete = "no-action";
    boolean simple = name.isPresent() && !refColumns.isEmpty();
    while (simple && !a.atEnd()) {
      if (a.accept("ON", "DELETE")) {
        if (a.accept("NO", "ACTION")) {
          onDelete = "no-action";
        } else if (a.accept("RESTRICT")) {
          onDelete = "restrict";
        } else if (a.accept("CASCADE")) {
          onDelete = "cascade";
        } else if (a.accept("SET", "NULL")) {
          onDelete = "set-null";
        } else if (a.accept("SET", "DEFAULT")) {
          onDelete = "set-default";
        } else {
          simple = false;
        }
      } else if (a.accept("ON", "UPDATE", "NO", "ACTION") || a.accept("NOT", "DEFERRABLE")
          || a.accept("NOT", "VALID")) {
        // the defaults: nothing to carry
      } else {
        simple = false; // ON UPDATE, DEFERRABLE, MATCH FULL: add_foreign_key has no key for them
      }
    }
    if (!simple) {
      return notValidThenValidate(table, prefix, actionSql, name, needs);
    }
    Map<String, Object> f = tableFields(table);
    f.put("name", name.get());
    f.put("columns", columns);
    Map<String, Object> refs = new LinkedHashMap<>();
    ref.get().schema().ifPresent(s -> refs.put("schema", s));
    refs.put("table", ref.get().name());
    refs.put("columns", refColumns);
    f.put("references", refs);
    if (!onDelete.equals("no-action")) {
      f.put("on-delete", onDelete);
    }
    return one(new Piece(Phase.CONTRACT, new OpStep("add_foreign_key", f), "add_foreign_key (contract)",
            Set.of("constraint:" + table.key() + "." + name.get()), needs),
        "ADD FOREIGN KEY checks every row while it blocks writes to both tables: add_foreign_key adds it NOT VALID,"
            + " then validates without blocking; in contract, since it enforces, and after the referenced table");
  }

  /** A constraint with options no operation has: kept as written plus NOT VALID, then a VALIDATE step. */
  private Rewrite notValidThenValidate(QName table, String prefix, String actionSql, Optional<String> name,
      Set<String> needs) {
    if (name.isEmpty()) {
      return refusedRaw(actionSql, Phase.CONTRACT);
    }
    List<SqlToken> tokens = io.tidemark.planner.lint.SqlTokenizer.tokenize(actionSql).stream()
        .filter(tok -> !tok.isTrivia()).toList();
    boolean alreadyNotValid = false;
    for (int i = 0; i + 1 < tokens.size(); i++) {
      alreadyNotValid |= tokens.get(i).isWord("NOT") && tokens.get(i + 1).isWord("VALID");
    }
    String add = alreadyNotValid ? actionSql : actionSql + " NOT VALID";
    String quoted = io.tidemark.planner.sql.Identifiers.quote(name.get());
    String validate = prefix + " VALIDATE CONSTRAINT " + quoted;
    Set<String> defines = Set.of("constraint:" + table.key() + "." + name.get());
    // Dropped first if it is there, by the same ALTER TABLE (one lock): a step run again after an interruption
    // then adds it again instead of failing with "already exists".
    String dropThenAdd = prefix + " DROP CONSTRAINT IF EXISTS " + quoted + "," + add.substring(prefix.length());
    SqlStep addStep = withFindings(new SqlStep(List.of(dropThenAdd), true, false, Optional.empty(), Set.of(),
        List.of()), Phase.CONTRACT);
    return new Rewrite(List.of(
        new Piece(Phase.CONTRACT, addStep, "sql ADD CONSTRAINT ... NOT VALID (contract)", defines, needs),
        new Piece(Phase.CONTRACT, sqlStep(Phase.CONTRACT, validate, true, Set.of()), "sql VALIDATE CONSTRAINT (contract)",
            Set.of(), needs)),
        "the constraint has options the operations have no key for (DEFERRABLE, ON UPDATE, MATCH): kept as written"
            + " with NOT VALID (a short lock), then validated in a step of its own without blocking writers", false);
  }

  private static List<String> parenNames(Tokens a) {
    if (!a.at("(")) {
      return List.of();
    }
    int close = a.closing(a.pos());
    List<String> names = new ArrayList<>();
    for (int[] p : a.splitCommas(a.pos() + 1, close)) {
      if (!a.isSingleName(p[0], p[1])) {
        return List.of();
      }
      names.add(a.get(p[0]).name());
    }
    a.seek(close + 1);
    return names;
  }

  // ---- ALTER TYPE, DROP, UPDATE

  private Rewrite alterType(Tokens t, String raw) {
    Optional<QName> type = t.name();
    if (type.isEmpty() || !t.accept("ADD", "VALUE")) {
      Phase phase = containsWord(t, "RENAME") || containsWord(t, "DROP") ? Phase.CONTRACT : Phase.EXPAND;
      return one(rawPiece(phase, "ALTER TYPE " + t.rest(0).substring("ALTER TYPE".length()).strip(), true,
          Set.of(), Set.of()), phase == Phase.EXPAND ? "kept as written" : containsWord(t, "RENAME")
          ? "renaming a type or an enum label breaks the release still using the old name, and no operation keeps"
              + " both names: runs in contract only if the lint accepts it" : "destructive: runs in contract");
    }
    t.accept("IF", "NOT", "EXISTS");
    Optional<SqlToken> value = t.peek().filter(tok -> tok.kind() == SqlToken.Kind.STRING);
    if (value.isEmpty()) {
      return one(rawPiece(Phase.EXPAND, raw, false, Set.of(), Set.of()), "kept as written");
    }
    t.seek(t.pos() + 1);
    Map<String, Object> f = new LinkedHashMap<>();
    schema(f, type.get());
    f.put("type", type.get().name());
    f.put("value", unquote(value.get().text()));
    if (t.accept("BEFORE") || t.accept("AFTER")) {
      String where = t.get(t.pos() - 1).upper().toLowerCase(Locale.ROOT);
      Optional<SqlToken> other = t.peek().filter(tok -> tok.kind() == SqlToken.Kind.STRING);
      other.ifPresent(o -> f.put(where, unquote(o.text())));
    }
    return one(new Piece(Phase.EXPAND, new OpStep("add_enum_value", f), "add_enum_value (expand)", Set.of(),
            Set.of("type:" + type.get().key())),
        "a new enum label is additive: add_enum_value, IF NOT EXISTS, in expand (irreversible, as in PostgreSQL)");
  }

  private static String unquote(String literal) {
    return literal.substring(1, literal.length() - 1).replace("''", "'");
  }

  private Rewrite dropIndex(Tokens t, String raw) {
    t.accept("CONCURRENTLY");
    t.accept("IF", "EXISTS");
    Optional<QName> name = t.name();
    if (name.isEmpty() || !t.atEnd()) {
      return one(rawPiece(Phase.CONTRACT, raw, false, Set.of(), Set.of()), "kept as written in contract");
    }
    Map<String, Object> f = new LinkedHashMap<>();
    schema(f, name.get());
    f.put("name", name.get().name());
    return one(new Piece(Phase.CONTRACT, new OpStep("drop_index", f), "drop_index (contract)",
            Set.of("index:" + name.get().key()), Set.of()),
        "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: drop_index drops it CONCURRENTLY, in contract");
  }

  private Rewrite dropTable(Tokens t, String raw) {
    t.accept("IF", "EXISTS");
    List<Piece> pieces = new ArrayList<>();
    while (!t.atEnd()) {
      Optional<QName> name = t.name();
      if (name.isEmpty() || !(t.atEnd() || t.accept(","))) {
        return one(rawPiece(Phase.CONTRACT, raw, true, Set.of(), Set.of()),
            "destructive (CASCADE or options): runs in contract as written");
      }
      Map<String, Object> f = tableFields(name.get());
      pieces.add(new Piece(Phase.CONTRACT, new OpStep("drop_table", f), "drop_table (contract)",
          Set.of("table:" + name.get().key()), Set.of()));
    }
    return new Rewrite(pieces, "destructive: drop_table runs in contract, once no release uses the table", false);
  }

  private Rewrite update(Tokens t, String raw) {
    t.accept("UPDATE");
    t.accept("ONLY");
    Optional<QName> table = t.name();
    if (table.isEmpty() || !t.accept("SET")) {
      return refusedRaw(raw, Phase.MIGRATE);
    }
    int setStart = t.pos();
    int setEnd = t.findTopLevel(setStart, t.size(), Set.of("WHERE", "FROM", "RETURNING"));
    if (setEnd < t.size() && !t.get(setEnd).isWord("WHERE")) {
      return refusedRaw(raw, Phase.MIGRATE);
    }
    Map<String, Object> f = tableFields(table.get());
    f.put("set", t.text(setStart, setEnd));
    if (setEnd < t.size()) {
      f.put("where", t.rest(setEnd + 1));
    }
    List<String> problems = new ArrayList<>();
    for (String expr : List.of(t.text(setStart, setEnd), setEnd < t.size() ? t.rest(setEnd + 1) : "")) {
      problems.addAll(Expressions.subqueryProblems(expr));
      Expressions.forbiddenCalls(expr).forEach(fn -> problems.add("calls " + fn + ", which no plan expression may"));
    }
    if (!problems.isEmpty()) {
      Rewrite kept = refusedRaw(raw, Phase.MIGRATE);
      return new Rewrite(kept.pieces(), "DECIDE: backfill evaluates its set and where on the row it changes only,"
          + " and this UPDATE " + problems.get(0) + ": kept as written with its lint findings", true);
    }
    return one(new Piece(Phase.MIGRATE, new OpStep("backfill", f), "backfill (migrate)", Set.of(),
            Set.of("table:" + table.get().key())),
        "a whole-table UPDATE holds row locks on every row until it commits: backfill runs it in key-ordered"
            + " batches, each its own short transaction" + (setEnd < t.size() ? "" : "; no WHERE: a rerun"
            + " updates every row again"));
  }

  // ---- helpers

  /** {@code raw} with {@code insert} put before token {@code at} of {@code t} (whose first token starts raw). */
  private static String splice(String raw, Tokens t, int at, String insert) {
    int cut = t.offset(at) - t.offset(0);
    return raw.substring(0, cut) + insert + raw.substring(cut);
  }

  /** {@code prefix + " " + a.rest(0)} with {@code insert} put before token {@code at} of the action {@code a}. */
  private static String spliceAction(String prefix, Tokens a, int at, String insert) {
    return prefix + " " + splice(a.rest(0), a, at, insert);
  }

  /**
   * The findings that refuse a plan (errors and forbidden statements). Warnings are style preferences that
   * {@code plan check} accepts unless the plan makes them errors, so they do not make a statement unsafe here.
   */
  private static List<LintFinding> refusing(List<LintFinding> findings) {
    return findings.stream().filter(fd -> fd.severity() != LintRule.Severity.WARNING).toList();
  }

  private SqlStep withFindings(SqlStep step, Phase phase) {
    List<LintFinding> findings = refusing(SqlLinter.lint(String.join(";\n", step.statements()),
        LintContext.of(phase, step.transactional())));
    return new SqlStep(step.statements(), step.transactional(), step.mergeable(), step.unsafe(), step.createsTables(),
        findings.stream().map(fd -> fd.ruleId() + ": " + fd.message()).toList());
  }

  private Rewrite refusedRaw(String sql, Phase phase) {
    Piece piece = rawPiece(phase, sql, true, Set.of(), Set.of());
    SqlStep step = (SqlStep) piece.step();
    return new Rewrite(List.of(piece), step.findings().isEmpty() ? "kept as written in " + phase.name().toLowerCase(Locale.ROOT)
        : "DECIDE: no rewrite makes this safe; kept as written with its lint findings", !step.findings().isEmpty());
  }

  private Rewrite dropped(String reason) {
    return new Rewrite(List.of(), reason, false);
  }

  private static Rewrite one(Piece piece, String reason) {
    boolean refused = piece.step() instanceof SqlStep s && !s.findings().isEmpty();
    return new Rewrite(List.of(piece), refused ? "DECIDE: " + reason + "; the lint still refuses it" : reason, refused);
  }

  private Piece rawPiece(Phase phase, String sql, boolean transactional, Set<String> defines, Set<String> needs) {
    SqlStep step = sqlStep(phase, sql, transactional, Set.of());
    String became = "sql (" + phase.name().toLowerCase(Locale.ROOT) + (transactional ? "" : ", non-transactional")
        + (step.findings().isEmpty() ? "" : ", UNSAFE") + ")";
    return new Piece(phase, step, became, defines, needs);
  }

  /** A sql step for one statement, linted where it will run; {@code creates}: the tables it creates. */
  private SqlStep sqlStep(Phase phase, String sql, boolean transactional, Set<String> creates) {
    return sqlStep(phase, sql, transactional, creates, false);
  }

  /**
   * {@code joins}: whether further statements on new tables may join this step. Only a CREATE TABLE and the
   * statements on the tables it creates join: anything else gets a transaction of its own, so no step holds the
   * locks of several statements at once.
   */
  private SqlStep sqlStep(Phase phase, String sql, boolean transactional, Set<String> creates, boolean joins) {
    return sqlStep(phase, List.of(sql), transactional, creates, joins);
  }

  /** A sql step of several statements, linted in sequence as {@code plan check} lints them. */
  private SqlStep sqlStep(Phase phase, List<String> statements, boolean transactional, Set<String> creates,
      boolean joins) {
    String sql = String.join(";\n", statements);
    Set<String> context = new HashSet<>();
    for (String key : openTables) {
      context.add(key);
      context.add(key.substring(key.indexOf('.') + 1));
    }
    List<LintFinding> findings = refusing(SqlLinter.lint(sql, new LintContext(phase, context, transactional, false)));
    List<String> lines = findings.stream().map(fd -> fd.ruleId() + ": " + fd.message() + "; safe form: " + fd.safeForm())
        .toList();
    return new SqlStep(statements, transactional, joins && transactional && findings.isEmpty(), Optional.empty(),
        creates, lines);
  }

  /** The new table (by {@link QName#key()}) whose CREATE TABLE step the last statement's single piece joins. */
  Optional<String> joinedTable() {
    return joined;
  }

  /** The tables created in the sql step still open at the end of expand (set by the assembler before each statement). */
  void openTables(Set<String> tables) {
    openTables = Set.copyOf(tables);
  }

  private static boolean containsWord(Tokens t, String word) {
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).isWord(word)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Object> tableFields(QName table) {
    Map<String, Object> f = new LinkedHashMap<>();
    schema(f, table);
    f.put("table", table.name());
    return f;
  }

  private static void schema(Map<String, Object> f, QName name) {
    name.schema().filter(s -> !s.equals(QName.DEFAULT_SCHEMA)).ifPresent(s -> f.put("schema", s));
  }
}
