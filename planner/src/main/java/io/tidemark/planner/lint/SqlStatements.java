package io.tidemark.planner.lint;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements where PostgreSQL (and psql) would: at a {@code ;} that is outside every
 * string, quoted identifier, comment, dollar-quoted body and parenthesis. So
 * {@code CREATE FUNCTION f() ... AS $$ UPDATE t SET a = 1; $$; SELECT 1} is two statements, the first with
 * one dollar-quoted token for its whole body.
 *
 * <p>Like psql, a {@code ;} inside the {@code BEGIN ATOMIC ... END} body of a {@code CREATE [OR REPLACE]
 * FUNCTION|PROCEDURE} does not split either: there {@code BEGIN} and {@code CASE} open a block and
 * {@code END} closes one. Pure and thread-safe.
 */
public final class SqlStatements {
  private SqlStatements() {}

  /**
   * The non-empty statements of {@code sql}, in order; {@code ;;} and a text of only comments give none.
   *
   * @throws SqlLexException when the text does not lex (unterminated string, comment, dollar quote, ...)
   */
  public static List<SqlStatement> split(String sql) {
    return split(sql, SqlTokenizer.tokenize(sql));
  }

  /** Splits already-lexed tokens of {@code sql}; a statement still open at the end of the tokens is kept. */
  static List<SqlStatement> split(String sql, List<SqlToken> allTokens) {
    List<SqlStatement> statements = new ArrayList<>();
    Splitter splitter = new Splitter();
    for (SqlToken token : allTokens) {
      if (token.isTrivia()) {
        continue;
      }
      if (splitter.endsStatement(token)) {
        addStatement(sql, splitter.flush(), statements);
      } else {
        splitter.add(token);
      }
    }
    addStatement(sql, splitter.flush(), statements);
    return List.copyOf(statements);
  }

  private static void addStatement(String sql, List<SqlToken> tokens, List<SqlStatement> statements) {
    if (tokens.isEmpty()) {
      return;
    }
    int start = tokens.get(0).start();
    int end = tokens.get(tokens.size() - 1).end();
    statements.add(new SqlStatement(statements.size(), start, end, sql.substring(start, end), tokens));
  }

  /** The significant tokens of the statement being read, with the nesting that decides whether ; ends it. */
  private static final class Splitter {
    private List<SqlToken> tokens = new ArrayList<>();
    private int parenDepth;
    private int blockDepth;

    boolean endsStatement(SqlToken token) {
      return token.isPunctuation(";") && parenDepth == 0 && blockDepth == 0;
    }

    void add(SqlToken token) {
      if (token.isPunctuation("(") || token.isPunctuation("[")) {
        parenDepth++;
      } else if ((token.isPunctuation(")") || token.isPunctuation("]")) && parenDepth > 0) {
        parenDepth--;
      } else if ((token.isWord("BEGIN") || token.isWord("CASE")) && !tokens.isEmpty() && createsRoutine()) {
        blockDepth++;
      } else if (token.isWord("END") && blockDepth > 0) {
        blockDepth--;
      }
      tokens.add(token);
    }

    List<SqlToken> flush() {
      List<SqlToken> done = tokens;
      tokens = new ArrayList<>();
      parenDepth = 0;
      blockDepth = 0;
      return done;
    }

    /** CREATE [OR REPLACE] FUNCTION|PROCEDURE: the only statements whose body may hold bare ; (SQL-standard body). */
    private boolean createsRoutine() {
      int routineAt = tokens.size() > 2 && tokens.get(1).isWord("OR") && tokens.get(2).isWord("REPLACE") ? 3 : 1;
      return tokens.get(0).isWord("CREATE") && tokens.size() > routineAt
          && (tokens.get(routineAt).isWord("FUNCTION") || tokens.get(routineAt).isWord("PROCEDURE"));
    }
  }
}
