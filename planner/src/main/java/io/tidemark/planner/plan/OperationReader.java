package io.tidemark.planner.plan;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.tidemark.planner.Phase;
import io.tidemark.planner.lint.LintContext;
import io.tidemark.planner.lint.LintMemory;
import io.tidemark.planner.lint.SqlLexException;
import io.tidemark.planner.plan.Operation.AddCheck;
import io.tidemark.planner.plan.Operation.AddColumn;
import io.tidemark.planner.plan.Operation.AddEnumValue;
import io.tidemark.planner.plan.Operation.AddForeignKey;
import io.tidemark.planner.plan.Operation.AddUnique;
import io.tidemark.planner.plan.Operation.Assignment;
import io.tidemark.planner.plan.Operation.Backfill;
import io.tidemark.planner.plan.Operation.ChangeType;
import io.tidemark.planner.plan.Operation.ColumnDef;
import io.tidemark.planner.plan.Operation.CreateIndex;
import io.tidemark.planner.plan.Operation.CreateTable;
import io.tidemark.planner.plan.Operation.DropColumn;
import io.tidemark.planner.plan.Operation.DropIndex;
import io.tidemark.planner.plan.Operation.DropTable;
import io.tidemark.planner.plan.Operation.OnDelete;
import io.tidemark.planner.plan.Operation.References;
import io.tidemark.planner.plan.Operation.RenameColumn;
import io.tidemark.planner.plan.Operation.SetNotNull;
import io.tidemark.planner.plan.Operation.Sql;
import io.tidemark.planner.sql.Identifiers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads one operation object into its {@link Operation} record, reporting every problem on the reader. */
final class OperationReader {
  /**
   * A type as PostgreSQL spells it, spliced as written: words separated by single spaces, each optionally with
   * a modifier, an optional schema on the first, array brackets at the end. The first word and its schema may
   * be quoted identifiers (no control characters; {@code ""} for a quote). {@code bigint},
   * {@code numeric(12, 2)}, {@code timestamp(3) with time zone}, {@code public.mood}, {@code "OrderState"},
   * {@code text[]}.
   */
  private static final String TYPE_NAME = "(?:[A-Za-z_][A-Za-z0-9_]*|\"(?:[^\"\\x00-\\x1f]|\"\")+\")";
  private static final Pattern TYPE = Pattern.compile(
      TYPE_NAME + "(\\." + TYPE_NAME + ")?(\\s*\\(\\s*\\d+\\s*(,\\s*\\d+\\s*)?\\))?"
          + "( [A-Za-z_][A-Za-z0-9_]*(\\s*\\(\\s*\\d+\\s*(,\\s*\\d+\\s*)?\\))?)*(\\[\\d*\\])*");
  private static final Set<String> INDEX_METHODS = Set.of("btree", "hash", "gist", "spgist", "gin", "brin");

  private final Phase phase;
  private final Set<String> tablesCreatedInPlan;
  private final LintPolicy lintPolicy;

  OperationReader(Phase phase, Set<String> tablesCreatedInPlan, LintPolicy lintPolicy) {
    this.phase = phase;
    this.tablesCreatedInPlan = tablesCreatedInPlan;
    this.lintPolicy = lintPolicy;
  }

  /** The operation, or empty when {@code op} is missing or unknown (then the other keys are not checked). */
  Optional<Operation> read(ObjectReader r) {
    String op = r.requiredString("op");
    Optional<Operation> operation = switch (op) {
      case "" -> Optional.empty();
      case "create_table" -> Optional.of(createTable(r));
      case "add_column" -> Optional.of(addColumn(r));
      case "create_index" -> Optional.of(createIndex(r));
      case "drop_index" -> Optional.of(new DropIndex(r.schema(), r.identifier("name")));
      case "add_check" -> Optional.of(new AddCheck(r.schema(), r.identifier("table"), r.identifier("name"),
          expression(r, "expression", true).orElse("")));
      case "add_foreign_key" -> Optional.of(addForeignKey(r));
      case "add_unique" -> Optional.of(addUnique(r));
      case "set_not_null" -> Optional.of(new SetNotNull(r.schema(), r.identifier("table"), r.identifier("column")));
      case "rename_column" -> Optional.of(renameColumn(r));
      case "change_type" -> Optional.of(changeType(r));
      case "add_enum_value" -> Optional.of(addEnumValue(r));
      case "backfill" -> Optional.of(backfill(r));
      case "drop_column" -> Optional.of(new DropColumn(r.schema(), r.identifier("table"), r.identifier("column")));
      case "drop_table" -> Optional.of(new DropTable(r.schema(), r.identifier("table")));
      case "sql" -> Optional.of(sql(r));
      default -> {
        r.problem("op", "unknown-op", "unknown operation '" + op + "'; one of " + String.join(", ", PlanRules.OPS));
        yield Optional.empty();
      }
    };
    if (operation.isPresent()) {
      r.finish();
    }
    return operation;
  }

  private CreateTable createTable(ObjectReader r) {
    String schema = r.schema();
    String table = r.identifier("table");
    List<ColumnDef> columns = new ArrayList<>();
    List<String> keyFromColumns = new ArrayList<>();
    List<ObjectReader> items = r.objectList("columns", true);
    if (items.isEmpty() && r.has("columns")) {
      r.problem("columns", "must-not-be-empty", "a table needs at least one column");
    }
    for (ObjectReader c : items) {
      if (c == null) {
        continue;
      }
      String name = c.identifier("name");
      if (columns.stream().anyMatch(d -> d.name().equals(name))) {
        c.problem("name", "duplicate-name", "column '" + name + "' is defined twice");
      }
      String type = type(c, "type");
      boolean primaryKey = c.bool("primary-key", false);
      boolean nullable = c.bool("nullable", !primaryKey);
      if (primaryKey && nullable) {
        c.problem("nullable", "conflicting-keys", "a primary key column cannot be nullable");
      }
      Optional<String> defaultValue = defaultValue(c, false);
      c.finish();
      if (primaryKey) {
        keyFromColumns.add(name);
      }
      columns.add(new ColumnDef(name, type, nullable, defaultValue));
    }
    List<String> primaryKey = r.identifierList("primary-key", false);
    if (!primaryKey.isEmpty() && !keyFromColumns.isEmpty()) {
      r.problem("primary-key", "conflicting-keys", "give the primary key either on columns or as primary-key, not both");
    }
    for (int i = 0; i < primaryKey.size(); i++) {
      String key = primaryKey.get(i);
      if (columns.stream().noneMatch(d -> d.name().equals(key))) {
        r.problem("primary-key[" + i + "]", "unknown-column", "'" + key + "' is not a column of the table");
      }
    }
    return new CreateTable(schema, table, columns, primaryKey.isEmpty() ? keyFromColumns : primaryKey);
  }

  private AddColumn addColumn(ObjectReader r) {
    String schema = r.schema();
    String table = r.identifier("table");
    String column = r.identifier("column");
    String type = type(r, "type");
    Optional<String> defaultValue = defaultValue(r, true);
    boolean nullable = r.bool("nullable", true);
    if (!nullable && defaultValue.isEmpty()) {
      r.problem("nullable", "not-null-needs-default",
          "a NOT NULL column without a default fails on existing rows: add it nullable, backfill it, "
              + "then set_not_null in contract");
    }
    return new AddColumn(schema, table, column, type, defaultValue, nullable);
  }

  private CreateIndex createIndex(ObjectReader r) {
    String schema = r.schema();
    String table = r.identifier("table");
    String name = r.identifier("name");
    List<String> columns = r.identifierList("columns", false);
    List<String> expressions = expressionList(r, "expressions");
    if (!r.has("columns") && !r.has("expressions")) {
      r.problem("columns", "required", "give the indexed columns (or expressions)");
    } else if (r.has("columns") && r.has("expressions")) {
      r.problem("expressions", "conflicting-keys", "give either columns or expressions, not both");
    }
    boolean unique = r.bool("unique", false);
    Optional<String> where = expression(r, "where", false);
    String using = r.optionalString("using").map(u -> u.toLowerCase(Locale.ROOT)).orElse("btree");
    if (!INDEX_METHODS.contains(using)) {
      r.problem("using", "invalid-value", "'" + using + "' is not an index method; one of " + sorted(INDEX_METHODS));
    }
    return new CreateIndex(schema, table, name, columns, expressions, unique, where, using);
  }

  private AddForeignKey addForeignKey(ObjectReader r) {
    String schema = r.schema();
    String table = r.identifier("table");
    String name = r.identifier("name");
    List<String> columns = r.identifierList("columns", true);
    References references = new References(schema, "", List.of());
    Optional<ObjectReader> ref = r.object("references");
    if (ref.isEmpty() && !r.has("references")) {
      r.problem("references", "required", "is required: { table = ..., columns = [...] }");
    }
    if (ref.isPresent()) {
      ObjectReader f = ref.get();
      references = new References(f.optionalIdentifier("schema").orElse(schema), f.identifier("table"),
          f.identifierList("columns", true));
      f.finish();
      if (!columns.isEmpty() && !references.columns().isEmpty()
          && columns.size() != references.columns().size()) {
        f.problem("columns", "column-count-mismatch",
            "references " + references.columns().size() + " columns but the key has " + columns.size());
      }
    }
    OnDelete onDelete = OnDelete.NO_ACTION;
    Optional<String> onDeleteText = r.optionalString("on-delete");
    if (onDeleteText.isPresent()) {
      onDelete = java.util.Arrays.stream(OnDelete.values())
          .filter(o -> o.planValue().equals(onDeleteText.get())).findFirst().orElse(null);
      if (onDelete == null) {
        r.problem("on-delete", "invalid-value", "'" + onDeleteText.get()
            + "' is not one of no-action, restrict, cascade, set-null, set-default");
        onDelete = OnDelete.NO_ACTION;
      }
    }
    return new AddForeignKey(schema, table, name, columns, references, onDelete);
  }

  private AddUnique addUnique(ObjectReader r) {
    String schema = r.schema();
    String table = r.identifier("table");
    String name = r.identifier("name");
    List<String> columns = r.identifierList("columns", true);
    String index = r.optionalIdentifier("index").orElse(name);
    return new AddUnique(schema, table, name, columns, index);
  }

  private RenameColumn renameColumn(ObjectReader r) {
    String schema = r.schema();
    String table = r.identifier("table");
    String from = r.identifier("from");
    String to = r.identifier("to");
    if (!from.isEmpty() && from.equals(to)) {
      r.problem("to", "same-name", "'to' must differ from 'from'");
    }
    return new RenameColumn(schema, table, from, to, type(r, "type"));
  }

  private ChangeType changeType(ObjectReader r) {
    String schema = r.schema();
    String table = r.identifier("table");
    String column = r.identifier("column");
    String to = r.identifier("to");
    if (!column.isEmpty() && column.equals(to)) {
      r.problem("to", "same-name", "'to' names the new column and must differ from 'column'");
    }
    String type = type(r, "type");
    Optional<String> using = expression(r, "using", false);
    Optional<String> reverseUsing = expression(r, "reverse-using", false);
    return new ChangeType(schema, table, column, to, type, using, reverseUsing);
  }

  private AddEnumValue addEnumValue(ObjectReader r) {
    String schema = r.schema();
    String type = r.identifier("type");
    String value = label(r, "value", true).orElse("");
    Optional<String> before = label(r, "before", false);
    Optional<String> after = label(r, "after", false);
    if (before.isPresent() && after.isPresent()) {
      r.problem("after", "conflicting-keys", "give either before or after, not both");
    }
    return new AddEnumValue(schema, type, value, before, after);
  }

  private Backfill backfill(ObjectReader r) {
    String schema = r.schema();
    String table = r.identifier("table");
    List<Assignment> set = assignments(r);
    Optional<String> where = expression(r, "where", false);
    var maxRowsPerSecond = r.nonNegativeLong("max-rows-per-second");
    var targetBatchDuration = r.positiveDuration("target-batch-duration");
    var minBatchRows = r.positiveInt("min-batch-rows");
    var maxBatchRows = r.positiveInt("max-batch-rows");
    if (minBatchRows.isPresent() && maxBatchRows.isPresent()
        && minBatchRows.getAsInt() > maxBatchRows.getAsInt()) {
      r.problem("min-batch-rows", "out-of-range", "must not exceed max-batch-rows");
    }
    return new Backfill(schema, table, set, where, maxRowsPerSecond, targetBatchDuration, minBatchRows,
        maxBatchRows);
  }

  private Sql sql(ObjectReader r) {
    List<String> statements = statements(r, "statements", true);
    boolean transactional = r.bool("transactional", true);
    Optional<String> unsafe = r.optionalString("unsafe");
    if (unsafe.isPresent() && unsafe.get().isBlank()) {
      r.problem("unsafe", "must-not-be-empty", "give the reason the statements are safe anyway");
    }
    List<String> down = r.has("down") ? statements(r, "down", false) : List.of();
    if (!r.hasProblemsAt("statements") && !r.hasProblemsAt("down")) {
      lint(r, "statements", statements, new LintContext(phase, tablesCreatedInPlan, transactional, false),
          lintPolicy.memory(), unsafe.isPresent());
      lint(r, "down", down, new LintContext(phase, tablesCreatedInPlan, transactional, true), new LintMemory(),
          unsafe.isPresent());
    }
    return new Sql(statements, transactional, unsafe.filter(u -> !u.isBlank()), down);
  }

  /**
   * {@code statements} (or {@code down}): one string of {@code ;}-separated statements, or a list of strings
   * with one statement each, as docs/plan-reference.md promises; both give the same statements.
   */
  private static List<String> statements(ObjectReader r, String key, boolean required) {
    Optional<ConfigValue> value = r.peek(key);
    if (value.isPresent() && value.get().valueType() == ConfigValueType.LIST) {
      List<String> items = r.stringList(key);
      if (items.isEmpty()) {
        r.problem(key, "must-not-be-empty", "holds no statement");
      }
      int length = items.stream().filter(Objects::nonNull).mapToInt(String::length).sum();
      if (length > PlanLimits.MAX_SQL_CHARS) {
        r.problem(key, "too-long", "is " + length + " characters; at most " + PlanLimits.MAX_SQL_CHARS
            + " are accepted");
        return List.of();
      }
      List<String> statements = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i) != null) {
          statements.addAll(oneStatement(r, key + "[" + i + "]", items.get(i)));
        }
      }
      return statements;
    }
    String text = required ? r.requiredString(key, PlanLimits.MAX_SQL_CHARS)
        : r.optionalString(key, PlanLimits.MAX_SQL_CHARS).orElse("");
    return text.isBlank() ? List.of() : split(r, key, text);
  }

  /** A list element: exactly one statement (a trailing {@code ;} allowed). */
  private static List<String> oneStatement(ObjectReader r, String path, String text) {
    List<String> statements = split(r, path, text);
    if (statements.size() > 1) {
      r.problem(path, "one-statement-per-item", "holds " + statements.size() + " statements: give each its own list"
          + " item");
    }
    return statements;
  }

  private static List<String> split(ObjectReader r, String key, String text) {
    try {
      List<String> statements = SqlChecks.split(text);
      if (statements.isEmpty()) {
        r.problem(key, "must-not-be-empty", "holds no statement");
      }
      return statements;
    } catch (SqlLexException e) {
      r.problem(key, "invalid-sql", e.getMessage());
      return List.of();
    }
  }

  /** Lints the statements in sequence, as one text: finding {@code statement N} is the Nth statement. */
  private void lint(ObjectReader r, String key, List<String> statements, LintContext context, LintMemory memory,
      boolean unsafe) {
    if (!statements.isEmpty()) {
      lintPolicy.report(r, key, SqlChecks.lint(String.join(";\n", statements), context, memory), unsafe);
    }
  }

  /**
   * {@code set}: {@code "col = expr, col2 = expr2"} (kept in the order written) or an object
   * {@code { col = "expr", ... }} (sorted by column: HOCON objects keep no order, and the order of assignments
   * in one UPDATE does not matter).
   */
  private List<Assignment> assignments(ObjectReader r) {
    Optional<ConfigValue> value = r.value("set");
    if (value.isEmpty()) {
      r.problem("set", "required", "is required: \"column = expression\" or { column = \"expression\" }");
      return List.of();
    }
    if (value.get().valueType() == ConfigValueType.OBJECT) {
      Map<String, ConfigValue> byColumn = new TreeMap<>((ConfigObject) value.get());
      if (byColumn.isEmpty()) {
        r.problem("set", "must-not-be-empty", "must set at least one column");
      }
      List<Assignment> assignments = new ArrayList<>();
      byColumn.forEach((column, expr) -> {
        String path = "set." + column;
        if (!Identifiers.isValid(column)) {
          r.problem(path, "invalid-identifier", "'" + column + "' is not a valid identifier");
        }
        String text = String.valueOf(expr.unwrapped());
        checkExpression(r, path, text);
        assignments.add(new Assignment(column, text.strip()));
      });
      return assignments;
    }
    Optional<String> text = r.optionalString("set", PlanLimits.MAX_EXPRESSION_CHARS);
    if (text.isEmpty()) {
      return List.of();
    }
    List<Assignment> assignments = new ArrayList<>();
    for (String part : SqlChecks.splitTopLevelCommas(text.get())) {
      Optional<Assignment> parsed = SqlChecks.assignment(part);
      if (parsed.isEmpty()) {
        r.problem("set", "invalid-assignment", "must read 'column = expression[, column = expression ...]'");
        return List.of();
      }
      String column = parsed.get().column();
      if (!Identifiers.isValid(column)) {
        r.problem("set", "invalid-identifier", "'" + column + "' is not a valid identifier");
      } else if (assignments.stream().anyMatch(a -> a.column().equals(column))) {
        r.problem("set", "duplicate-name", "sets '" + column + "' twice");
      }
      checkExpression(r, "set", parsed.get().expression());
      assignments.add(new Assignment(column, parsed.get().expression().strip()));
    }
    return assignments;
  }

  private Optional<String> expression(ObjectReader r, String key, boolean required) {
    Optional<String> text = required ? Optional.of(r.requiredString(key, PlanLimits.MAX_EXPRESSION_CHARS))
        : r.optionalString(key, PlanLimits.MAX_EXPRESSION_CHARS);
    if (text.isPresent() && text.get().isBlank()) {
      if (!required && !r.hasProblemsAt(key)) {
        r.problem(key, "must-not-be-empty", "must not be empty");
      }
      return Optional.empty();
    }
    text.ifPresent(t -> checkExpression(r, key, t));
    return text.map(String::strip);
  }

  private void checkExpression(ObjectReader r, String key, String text) {
    if (text.length() > PlanLimits.MAX_EXPRESSION_CHARS) {
      r.problem(key, "too-long", "is " + text.length() + " characters; at most " + PlanLimits.MAX_EXPRESSION_CHARS
          + " are accepted");
      return;
    }
    if (text.isBlank()) {
      r.problem(key, "must-not-be-empty", "must not be empty");
    }
    for (SqlChecks.Finding f : SqlChecks.expressionFindings(text)) {
      r.problem(key, f.code(), f.message());
    }
  }

  private List<String> expressionList(ObjectReader r, String key) {
    Optional<ConfigValue> value = r.value(key);
    if (value.isEmpty()) {
      return List.of();
    }
    if (value.get().valueType() != ConfigValueType.LIST) {
      r.problem(key, "wrong-type", "must be a list of expressions");
      return List.of();
    }
    List<? extends ConfigValue> items = (List<? extends ConfigValue>) value.get();
    if (items.isEmpty()) {
      r.problem(key, "must-not-be-empty", "must not be empty");
    }
    List<String> expressions = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String text = String.valueOf(items.get(i).unwrapped());
      checkExpression(r, key + "[" + i + "]", text);
      expressions.add(text.strip());
    }
    return expressions;
  }

  /** {@code default}: a number or boolean as written, or an SQL expression string ({@code "'active'"}). */
  private Optional<String> defaultValue(ObjectReader r, boolean mustBeConstant) {
    Optional<ConfigValue> value = r.value("default");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    ConfigValueType type = value.get().valueType();
    if (type == ConfigValueType.NUMBER || type == ConfigValueType.BOOLEAN) {
      return Optional.of(String.valueOf(value.get().unwrapped()));
    }
    Optional<String> text = expression(r, "default", false);
    if (mustBeConstant && text.isPresent()) {
      List<String> calls = SqlChecks.volatileCalls(text.get());
      if (!calls.isEmpty()) {
        r.problem("default", "volatile-default", "calls " + String.join(", ", calls)
            + ", which may be volatile and would rewrite the table: add the column without a default and backfill it");
      }
    }
    return text;
  }

  private String type(ObjectReader r, String key) {
    String type = r.requiredString(key).strip();
    if (!type.isEmpty() && !TYPE.matcher(type).matches()) {
      r.problem(key, "invalid-type", "'" + type + "' is not a type name (e.g. bigint, numeric(12, 2), text[])");
    }
    return type;
  }

  /** An enum label: spliced as a string literal, so it is kept to printable text without backslashes. */
  private Optional<String> label(ObjectReader r, String key, boolean required) {
    Optional<String> text = required ? Optional.of(r.requiredString(key)) : r.optionalString(key);
    if (text.isEmpty() || text.get().isEmpty()) {
      return text;
    }
    String label = text.get();
    boolean plain = label.codePoints().noneMatch(c -> Character.isISOControl(c) || c == '\\');
    if (!plain || label.getBytes(StandardCharsets.UTF_8).length > 63) {
      r.problem(key, "invalid-enum-label", "an enum label must be 1 to 63 bytes of printable text without backslashes");
    }
    return text;
  }

  private static String sorted(Set<String> values) {
    return String.join(", ", new java.util.TreeSet<>(values));
  }
}
