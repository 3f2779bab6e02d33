package io.tidemark.planner.lint;

import io.tidemark.planner.lint.SqlToken.Kind;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks on the SQL expressions a plan passes through into statements Tidemark builds ({@code set},
 * {@code where}, check expressions, {@code using}, column defaults). Tidemark pastes such an expression into
 * e.g. {@code UPDATE t SET <set> WHERE <where> AND <batch range>}, so it must be exactly one expression:
 * {@code 1; DROP TABLE x} or {@code true --} would change the statement around it. Built on
 * {@link SqlTokenizer}, so {@code 'a;b'}, {@code $$;$$} and {@code (SELECT 1)} are recognised as harmless.
 * Pure and thread-safe.
 */
public final class Expressions {

  /** Words that begin a statement; an expression starting with one is a statement, not an expression. */
  private static final Set<String> STATEMENT_KEYWORDS = Set.of(
      "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "DROP", "ALTER", "CREATE", "TRUNCATE", "GRANT",
      "REVOKE", "COPY", "WITH", "VALUES", "TABLE", "DO", "CALL", "EXECUTE", "VACUUM", "CLUSTER", "REINDEX",
      "LOCK", "EXPLAIN");

  /**
   * Keywords that may precede {@code (} without being a function call: {@code x IN (...)},
   * {@code EXISTS (...)}, {@code ARRAY(...)}, {@code OVER (...)}, and type names with a modifier
   * ({@code varchar(10)}, {@code timestamp(3)}).
   */
  private static final Set<String> NOT_CALLS = Set.of(
      "IN", "EXISTS", "ANY", "ALL", "SOME", "NOT", "AND", "OR", "CAST", "ARRAY", "ROW", "VALUES", "THEN",
      "ELSE", "WHEN", "CASE", "IS", "LIKE", "ILIKE", "SIMILAR", "BETWEEN", "AS", "ON", "USING", "SELECT",
      "FROM", "WHERE", "OVER", "FILTER", "WITHIN", "GROUP", "DISTINCT", "BY", "LATERAL", "JOIN", "ORDER",
      "HAVING", "LIMIT", "OFFSET", "RETURNING", "SET", "INTO", "TABLE", "UNION", "INTERSECT", "EXCEPT", "OF",
      "WITH", "DEFAULT", "CHECK", "REFERENCES", "KEY", "UNIQUE", "PRIMARY", "FOREIGN", "NULL", "ESCAPE",
      "OVERLAPS", "AT", "ZONE", "COLLATE", "IF", "RETURN",
      "VARCHAR", "CHAR", "CHARACTER", "VARYING", "NCHAR", "NUMERIC", "DECIMAL", "DEC", "FLOAT", "BIT",
      "TIMESTAMP", "TIMESTAMPTZ", "TIME", "TIMETZ", "INTERVAL", "SECOND");

  /**
   * Volatile functions: always reported, even if one were added to {@link #NON_VOLATILE} by mistake.
   */
  private static final Set<String> VOLATILE = Set.of(
      "random", "random_normal", "setseed", "gen_random_uuid", "gen_random_bytes", "uuid_generate_v1",
      "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7", "clock_timestamp", "timeofday",
      "nextval", "setval", "currval", "lastval", "pg_sleep");

  /**
   * Common IMMUTABLE and STABLE functions (and function-like keywords). A STABLE function such as
   * {@code now()} gives one value for the whole statement, so {@code ADD COLUMN ... DEFAULT now()} stores one
   * value and does not rewrite the table; a volatile default rewrites every row under an exclusive lock.
   */
  private static final Set<String> NON_VOLATILE = Set.of(
      // date and time (STABLE: fixed for the statement)
      "now", "transaction_timestamp", "statement_timestamp", "date_trunc", "date_part", "extract",
      "make_date", "make_time", "make_timestamp", "make_timestamptz", "make_interval", "to_timestamp",
      "to_date", "to_char", "to_number", "age", "justify_days", "justify_hours", "justify_interval",
      "timezone", "date_bin", "isfinite",
      // text
      "lower", "upper", "initcap", "length", "char_length", "character_length", "octet_length", "bit_length",
      "substring", "substr", "position", "strpos", "overlay", "trim", "btrim", "ltrim", "rtrim", "replace",
      "translate", "concat", "concat_ws", "format", "left", "right", "lpad", "rpad", "repeat", "reverse",
      "split_part", "starts_with", "regexp_replace", "regexp_match", "regexp_matches", "regexp_substr",
      "regexp_count", "regexp_like", "md5", "sha224", "sha256", "sha384", "sha512", "encode", "decode",
      "chr", "ascii", "quote_ident", "quote_literal", "quote_nullable", "string_to_array", "array_to_string",
      "unaccent", "normalize", "to_hex", "convert_from", "convert_to",
      // conditional
      "coalesce", "nullif", "greatest", "least",
      // numbers
      "abs", "round", "floor", "ceil", "ceiling", "trunc", "mod", "power", "sqrt", "cbrt", "exp", "ln",
      "log", "sign", "div", "width_bucket",
      // json and arrays
      "jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array", "to_jsonb",
      "to_json", "jsonb_set", "jsonb_strip_nulls", "jsonb_typeof", "json_typeof", "jsonb_extract_path",
      "jsonb_extract_path_text", "json_extract_path_text", "row_to_json", "array_length", "array_append",
      "array_prepend", "array_cat", "array_remove", "array_position", "cardinality", "unnest",
      // aggregates (in subqueries)
      "count", "sum", "min", "max", "avg", "bool_and", "bool_or", "array_agg", "string_agg", "jsonb_agg",
      "json_agg",
      // settings and session (STABLE)
      "current_setting", "current_database", "current_schema", "inet_client_addr", "pg_backend_pid");

  /**
   * Functions an expression may never call, by name in any schema ({@code ext.dblink} too), because they act
   * outside the row being changed: they signal or reconfigure the server, read or write its files and large
   * objects, reach the network, sleep or take advisory locks, change settings or sequences, or run query
   * text of their own (which would get around every check here). docs/plan-reference.md lists them.
   */
  private static final Set<String> FORBIDDEN = Set.of(
      "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_promote",
      "pg_switch_wal", "pg_create_restore_point", "pg_log_backend_memory_contexts", "pg_export_snapshot",
      "pg_import_system_collations", "pg_notify", "pg_stat_file", "pg_current_logfile", "pg_logdir_ls",
      "set_config", "setval", "loread", "lowrite", "ts_stat", "ts_rewrite", "http");

  /** Name prefixes of {@link #FORBIDDEN} families: {@code lo_import}, {@code pg_read_binary_file}, ... */
  private static final List<String> FORBIDDEN_PREFIXES = List.of(
      "pg_terminate_", "pg_cancel_", "pg_reload_", "pg_rotate_", "pg_read_", "pg_ls_", "pg_file_", "lo_",
      "dblink", "pg_sleep", "pg_advisory_", "pg_try_advisory_", "pg_stat_reset", "pg_stat_statements_reset",
      "pg_replication_", "pg_logical_", "pg_create_", "pg_drop_replication_slot", "pg_copy_",
      "pg_wal_replay_", "pg_backup_", "pg_start_backup", "pg_stop_backup", "query_to_xml", "table_to_xml",
      "cursor_to_xml", "schema_to_xml", "database_to_xml", "http_");

  /**
   * Words that end an expression in the statement around it when they stand outside parentheses:
   * {@code x = 'x' FROM other} turns {@code UPDATE t SET ...} into a join, {@code true RETURNING ...} or
   * {@code true ORDER BY ...} add clauses. Inside parentheses they are part of the expression
   * ({@code extract(year FROM d)}, {@code string_agg(x ORDER BY y)}). {@code ORDER} and {@code GROUP} count
   * only before {@code BY} ({@code WITHIN GROUP (...)} is fine), {@code FROM} not after {@code DISTINCT}
   * ({@code a IS DISTINCT FROM b}).
   */
  private static final Set<String> CLAUSE_KEYWORDS = Set.of(
      "FROM", "WHERE", "RETURNING", "HAVING", "LIMIT", "OFFSET", "FETCH", "WINDOW", "UNION", "INTERSECT",
      "EXCEPT", "INTO", "JOIN", "FOR", "ON", "USING");

  /** Words that start a sub-query wherever they stand: {@code (SELECT ...)}, {@code (VALUES ...)}, {@code (TABLE t)}. */
  private static final Set<String> SUBQUERY_KEYWORDS = Set.of("SELECT", "VALUES", "TABLE");

  private Expressions() {}

  /**
   * Every function {@code expr} calls, in order of first call, without repeats, named as in
   * {@link #possiblyVolatileCalls(String)} ({@code lower}, {@code app.make_code}); on text that does not lex,
   * the calls before the error.
   */
  public static List<String> calledFunctions(String expr) {
    if (expr == null) {
      return List.of();
    }
    List<SqlToken> tokens = significant(expr);
    Set<String> calls = new LinkedHashSet<>();
    for (int i = 0; i + 1 < tokens.size(); i++) {
      if (tokens.get(i + 1).isPunctuation("(")) {
        calledName(tokens, i).ifPresent(calls::add);
      }
    }
    return List.copyOf(calls);
  }

  /**
   * Whether {@code function} ({@code pg_sleep}, {@code ext.dblink_exec}) is on the deny list; the schema does
   * not matter, so an extension installed in any schema is covered.
   */
  public static boolean isForbidden(String function) {
    String name = function.substring(function.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    return FORBIDDEN.contains(name) || FORBIDDEN_PREFIXES.stream().anyMatch(name::startsWith);
  }

  /** The deny-listed functions {@code expr} calls: {@code pg_read_file}, {@code public.dblink}. */
  public static List<String> forbiddenCalls(String expr) {
    return calledFunctions(expr).stream().filter(Expressions::isForbidden).toList();
  }

  /**
   * Where {@code expr} holds a sub-query ({@code SELECT}, {@code VALUES} or {@code TABLE} anywhere): one
   * entry per keyword, for people. A sub-query reads rows other than the one being changed, and can carry
   * them into an error message ({@code (SELECT string_agg(email, ','))::int}).
   */
  public static List<String> subqueryProblems(String expr) {
    if (expr == null) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    for (SqlToken token : significant(expr)) {
      if (token.kind() == Kind.WORD && SUBQUERY_KEYWORDS.contains(token.upper())) {
        problems.add("has a sub-query (" + token.upper() + " at offset " + token.start() + "): an expression may "
            + "only use the row it is evaluated on; use a raw sql step, which an operator approves");
      }
    }
    return problems;
  }

  /**
   * {@code status = 'x'} → {@code [status, " 'x'"]}: a column name (plain, folded to lower case, or quoted),
   * then the operator {@code =} (not {@code =>} or {@code ==}), then the rest as written, which must not be
   * blank. Empty when {@code text} is not of that form. The rest is checked as an expression by the caller.
   */
  public static Optional<List<String>> assignment(String text) {
    List<SqlToken> tokens = significant(text);
    if (tokens.size() < 3 || !tokens.get(0).isName() || tokens.get(1).kind() != Kind.OPERATOR
        || !tokens.get(1).text().equals("=")) {
      return Optional.empty();
    }
    return Optional.of(List.of(tokens.get(0).name(), text.substring(tokens.get(1).end())));
  }

  private static List<SqlToken> significant(String expr) {
    return SqlTokenizer.lex(expr).tokens().stream().filter(t -> !t.isTrivia()).toList();
  }

  /**
   * Everything that keeps {@code expr} from being exactly one SQL expression, or an empty list when it is
   * one. Each entry is a sentence fragment for people, to follow the plan path: {@code "contains ';' at
   * offset 1: ..."}. Refused: empty text; text that does not lex (unterminated string, quoted identifier,
   * comment or dollar quote); any {@code ;} outside literals and comments; unbalanced parentheses or
   * brackets; a {@code --} comment (it would hide what Tidemark appends after the expression); a bind
   * parameter {@code $1} (Tidemark binds its own); a statement keyword ({@code SELECT}, {@code DROP}, ...) at
   * the start or after a {@code ;}. A subquery in parentheses is fine.
   */
  public static List<String> singleExpressionProblems(String expr) {
    if (expr == null || expr.isBlank()) {
      return List.of("is empty: give one SQL expression");
    }
    List<String> problems = new ArrayList<>();
    SqlTokenizer.Lexed lexed = SqlTokenizer.lex(expr);
    lexed.error().ifPresent(e -> problems.add("is not complete SQL: " + e.getMessage()));
    List<SqlToken> significant = new ArrayList<>();
    for (SqlToken token : lexed.tokens()) {
      if (token.kind() == Kind.LINE_COMMENT) {
        problems.add("has a '--' comment at offset " + token.start() + ": it would hide whatever Tidemark puts"
            + " after the expression; remove it or use /* ... */");
      } else if (!token.isTrivia()) {
        significant.add(token);
      }
    }
    problems.addAll(statementProblems(significant));
    problems.addAll(bracketProblems(significant, lexed.error().isEmpty()));
    problems.addAll(clauseProblems(significant));
    return List.copyOf(problems);
  }

  /**
   * Names of the functions {@code expr} calls that are not known to be IMMUTABLE or STABLE, in order of first
   * call, without repeats: {@code random}, {@code gen_random_uuid}, {@code nextval}, and any function not on
   * the built-in list (a user's {@code app.make_code} is reported as {@code app.make_code}). Unquoted names are
   * lower-cased; {@code pg_catalog.} is dropped. Keyword forms without parentheses such as
   * {@code CURRENT_TIMESTAMP} are not calls. On text that does not lex, the calls before the error.
   */
  public static List<String> possiblyVolatileCalls(String expr) {
    if (expr == null) {
      return List.of();
    }
    return possiblyVolatileCalls(significant(expr));
  }

  /** {@link #possiblyVolatileCalls(String)} over the significant tokens of an expression. */
  static List<String> possiblyVolatileCalls(List<SqlToken> tokens) {
    Set<String> calls = new LinkedHashSet<>();
    for (int i = 0; i + 1 < tokens.size(); i++) {
      if (tokens.get(i + 1).isPunctuation("(")) {
        calledName(tokens, i).filter(Expressions::possiblyVolatile).ifPresent(calls::add);
      }
    }
    return List.copyOf(calls);
  }

  /** The function name when the name token at {@code i} (followed by {@code (}) is a call. */
  private static Optional<String> calledName(List<SqlToken> tokens, int i) {
    SqlToken name = tokens.get(i);
    if (!name.isName() || (name.kind() == Kind.WORD && NOT_CALLS.contains(name.upper()))) {
      return Optional.empty();
    }
    SqlToken before = i > 0 ? tokens.get(i - 1) : null;
    if (before != null && (before.isPunctuation("::") || before.isWord("AS"))) {
      return Optional.empty();
    }
    if (before != null && before.isPunctuation(".") && i > 1 && tokens.get(i - 2).isName()) {
      String schema = tokens.get(i - 2).name();
      return Optional.of(schema.equals("pg_catalog") ? name.name() : schema + "." + name.name());
    }
    return Optional.of(name.name());
  }

  private static boolean possiblyVolatile(String function) {
    return VOLATILE.contains(function) || !NON_VOLATILE.contains(function);
  }

  private static List<String> statementProblems(List<SqlToken> tokens) {
    List<String> problems = new ArrayList<>();
    boolean statementStart = true;
    for (SqlToken token : tokens) {
      if (token.isPunctuation(";")) {
        problems.add("contains ';' at offset " + token.start() + ": an expression may not end the statement"
            + " Tidemark builds around it");
      } else if (token.kind() == Kind.PARAMETER) {
        problems.add("uses the bind parameter " + token.text() + " at offset " + token.start()
            + ": plan expressions take no parameters (Tidemark binds its own); write the value as a literal");
      } else if (statementStart && token.kind() == Kind.WORD && STATEMENT_KEYWORDS.contains(token.upper())) {
        problems.add("has the statement keyword " + token.upper() + " at offset " + token.start()
            + " where the expression starts: put a subquery in parentheses, and quote a column named like a"
            + " keyword (\"" + token.name() + "\")");
      }
      statementStart = token.isPunctuation(";");
    }
    return problems;
  }

  /** {@link #CLAUSE_KEYWORDS} outside parentheses and brackets. */
  private static List<String> clauseProblems(List<SqlToken> tokens) {
    List<String> problems = new ArrayList<>();
    int depth = 0;
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken token = tokens.get(i);
      if (token.isPunctuation("(") || token.isPunctuation("[")) {
        depth++;
      } else if (token.isPunctuation(")") || token.isPunctuation("]")) {
        depth--;
      } else if (depth == 0 && token.kind() == Kind.WORD && endsExpression(tokens, i)) {
        problems.add("has the clause keyword " + token.upper() + " at offset " + token.start() + " outside"
            + " parentheses: it would add a clause to the statement Tidemark builds around the expression");
      }
    }
    return problems;
  }

  private static boolean endsExpression(List<SqlToken> tokens, int i) {
    String word = tokens.get(i).upper();
    SqlToken next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
    if (word.equals("ORDER") || word.equals("GROUP")) {
      return next != null && next.isWord("BY");
    }
    if (word.equals("FROM") && i > 0 && tokens.get(i - 1).isWord("DISTINCT")) {
      return false;
    }
    return CLAUSE_KEYWORDS.contains(word);
  }

  /**
   * Unmatched {@code ( )} and {@code [ ]}. When the text did not lex, brackets still open at the end are not
   * reported: the lexing error already says why the text stops early.
   */
  private static List<String> bracketProblems(List<SqlToken> tokens, boolean complete) {
    List<String> problems = new ArrayList<>();
    Deque<SqlToken> open = new ArrayDeque<>();
    for (SqlToken token : tokens) {
      if (token.isPunctuation("(") || token.isPunctuation("[")) {
        open.push(token);
      } else if (token.isPunctuation(")") || token.isPunctuation("]")) {
        String expected = token.text().equals(")") ? "(" : "[";
        if (open.isEmpty() || !open.peek().text().equals(expected)) {
          problems.add("has unbalanced parentheses: '" + token.text() + "' at offset " + token.start()
              + " closes no '" + expected + "'");
          return problems;
        }
        open.pop();
      }
    }
    if (complete && !open.isEmpty()) {
      SqlToken unclosed = open.peekLast();
      problems.add("has unbalanced parentheses: '" + unclosed.text() + "' at offset " + unclosed.start()
          + " is never closed");
    }
    return problems;
  }
}
