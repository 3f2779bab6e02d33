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

  private Expressions() {}

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
    List<SqlToken> significant = SqlTokenizer.lex(expr).tokens().stream().filter(t -> !t.isTrivia()).toList();
    return possiblyVolatileCalls(significant);
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
