package io.tidemark.planner.lint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlStatementsTest {

  private static List<String> texts(String sql) {
    return SqlStatements.split(sql).stream().map(SqlStatement::text).toList();
  }

  @Test
  void splitsOnTopLevelSemicolonsOnly() {
    assertThat(texts("SELECT 'a;b'; SELECT \"c;d\"; SELECT 1 /* ; */ -- ;\n; SELECT (1; 2)"))
        .containsExactly("SELECT 'a;b'", "SELECT \"c;d\"", "SELECT 1", "SELECT (1; 2)");
  }

  @Test
  void dollarQuotedFunctionBodyStaysInOneStatement() {
    String sql = "CREATE FUNCTION f() RETURNS void AS $body$ UPDATE t SET a = 1; DELETE FROM t; $body$"
        + " LANGUAGE sql; SELECT f()";
    List<SqlStatement> statements = SqlStatements.split(sql);
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).text()).endsWith("LANGUAGE sql");
    assertThat(statements.get(1).text()).isEqualTo("SELECT f()");
  }

  @Test
  void sqlStandardFunctionBodyStaysInOneStatement() {
    String sql = "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC UPDATE t SET a = CASE WHEN b THEN 1"
        + " END; DELETE FROM t; END; SELECT 1";
    assertThat(texts(sql)).hasSize(2).last().isEqualTo("SELECT 1");
  }

  @Test
  void plainBeginAndEndAreStatementsOfTheirOwn() {
    assertThat(texts("BEGIN; UPDATE t SET a = 1; END;")).containsExactly("BEGIN", "UPDATE t SET a = 1", "END");
  }

  @Test
  void statementsKnowIndexPositionAndSignificantTokens() {
    String sql = "-- lead\n;; SELECT /* x */ 1 /* y */;\n  DROP TABLE t";
    List<SqlStatement> statements = SqlStatements.split(sql);
    assertThat(statements).extracting(SqlStatement::index).containsExactly(0, 1);
    SqlStatement first = statements.get(0);
    assertThat(first.text()).isEqualTo("SELECT /* x */ 1");
    assertThat(sql.substring(first.start(), first.end())).isEqualTo(first.text());
    assertThat(first.tokens()).extracting(SqlToken::text).containsExactly("SELECT", "1");
    assertThat(statements.get(1).start()).isEqualTo(sql.indexOf("DROP"));
  }

  @Test
  void onlyCommentsGiveNoStatements() {
    assertThat(SqlStatements.split("/* a */ -- b\n ; ")).isEmpty();
  }

  @Test
  void unterminatedInputIsALexError() {
    assertThatThrownBy(() -> SqlStatements.split("SELECT 1; SELECT $$x"))
        .isInstanceOfSatisfying(SqlLexException.class, e -> assertThat(e.offset()).isEqualTo(17));
  }
}
