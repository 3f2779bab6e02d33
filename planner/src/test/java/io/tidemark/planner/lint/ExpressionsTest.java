package io.tidemark.planner.lint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpressionsTest {

  @Test
  void acceptsCaseExpression() {
    assertThat(Expressions.singleExpressionProblems(
        "status = CASE WHEN is_active THEN 'active' ELSE 'inactive' END")).isEmpty();
    assertThat(Expressions.singleExpressionProblems("CASE WHEN is_active THEN 'active' ELSE 'inactive' END"))
        .isEmpty();
  }

  @Test
  void refusesSmuggledSecondStatement() {
    assertThat(Expressions.singleExpressionProblems("a; DROP TABLE b"))
        .anySatisfy(p -> assertThat(p).contains("';' at offset 1"))
        .anySatisfy(p -> assertThat(p).contains("DROP at offset 3"));
  }

  @Test
  void acceptsSemicolonInsideLiterals() {
    assertThat(Expressions.singleExpressionProblems("'a;b'")).isEmpty();
    assertThat(Expressions.singleExpressionProblems("$$;$$")).isEmpty();
    assertThat(Expressions.singleExpressionProblems("E'\\';'")).isEmpty();
    assertThat(Expressions.singleExpressionProblems("a /* ; */ = 1")).isEmpty();
  }

  @Test
  void acceptsParenthesisedSubquery() {
    assertThat(Expressions.singleExpressionProblems("(SELECT 1)")).isEmpty();
    assertThat(Expressions.singleExpressionProblems("id IN (SELECT user_id FROM banned)")).isEmpty();
  }

  @Test
  void refusesLeadingStatementKeyword() {
    assertThat(Expressions.singleExpressionProblems("SELECT 1")).singleElement()
        .satisfies(p -> assertThat(p).contains("statement keyword SELECT"));
    assertThat(Expressions.singleExpressionProblems("delete from t"))
        .anySatisfy(p -> assertThat(p).contains("statement keyword DELETE"));
    assertThat(Expressions.singleExpressionProblems("\"delete\" = 1")).isEmpty();
  }

  @Test
  void refusesEmptyText() {
    assertThat(Expressions.singleExpressionProblems("")).hasSize(1);
    assertThat(Expressions.singleExpressionProblems("  \n")).hasSize(1);
    assertThat(Expressions.singleExpressionProblems(null)).hasSize(1);
  }

  @Test
  void refusesUnbalancedParentheses() {
    assertThat(Expressions.singleExpressionProblems("(a = 1")).singleElement()
        .satisfies(p -> assertThat(p).contains("'(' at offset 0 is never closed"));
    assertThat(Expressions.singleExpressionProblems("a = 1) OR (true")).singleElement()
        .satisfies(p -> assertThat(p).contains("')' at offset 5"));
    assertThat(Expressions.singleExpressionProblems("a[1)")).hasSize(1);
  }

  @Test
  void refusesUnterminatedLiteralOrComment() {
    assertThat(Expressions.singleExpressionProblems("a = 'x")).singleElement()
        .satisfies(p -> assertThat(p).contains("unterminated quoted string at offset 4"));
    assertThat(Expressions.singleExpressionProblems("a = 1 /* rest")).singleElement()
        .satisfies(p -> assertThat(p).contains("unterminated /* comment"));
    assertThat(Expressions.singleExpressionProblems("f($$x)")).hasSize(1);
  }

  @Test
  void refusesLineCommentThatWouldHideTheRest() {
    assertThat(Expressions.singleExpressionProblems("status IS NULL -- all of them")).singleElement()
        .satisfies(p -> assertThat(p).contains("'--' comment at offset 15"));
  }

  @Test
  void refusesBindParameters() {
    assertThat(Expressions.singleExpressionProblems("id > $1")).singleElement()
        .satisfies(p -> assertThat(p).contains("$1"));
  }

  @Test
  void randomIsVolatileNowIsNot() {
    assertThat(Expressions.possiblyVolatileCalls("random()")).containsExactly("random");
    assertThat(Expressions.possiblyVolatileCalls("now()")).isEmpty();
    assertThat(Expressions.possiblyVolatileCalls("CURRENT_TIMESTAMP")).isEmpty();
  }

  @Test
  void reportsKnownVolatileAndUnknownFunctionsOnce() {
    assertThat(Expressions.possiblyVolatileCalls(
        "GEN_RANDOM_UUID()::text || nextval('s') || app.make_code(x) || gen_random_uuid()"))
        .containsExactly("gen_random_uuid", "nextval", "app.make_code");
  }

  @Test
  void keywordsAndTypeModifiersAreNotCalls() {
    assertThat(Expressions.possiblyVolatileCalls(
        "CASE WHEN x IN (1, 2) AND EXISTS (SELECT max(a) FROM t) THEN 'a'::varchar(10)"
            + " ELSE CAST(lower(b) AS numeric(10, 2)) END")).isEmpty();
    assertThat(Expressions.possiblyVolatileCalls("pg_catalog.lower(x) || coalesce(y, 'z')")).isEmpty();
  }

  @Test
  void callsInsideLiteralsAreNotCalls() {
    assertThat(Expressions.possiblyVolatileCalls("'random()' || $$nextval('s')$$")).isEmpty();
  }

  @Test
  void clauseKeywordsOutsideParenthesesAreRefusedInsideTheyAreNot() {
    assertThat(Expressions.singleExpressionProblems("'x' FROM other")).singleElement()
        .satisfies(p -> assertThat(p).contains("clause keyword FROM at offset 4"));
    assertThat(Expressions.singleExpressionProblems("true ORDER BY a")).hasSize(1);
    assertThat(Expressions.singleExpressionProblems("a IS NOT DISTINCT FROM b")).isEmpty();
    assertThat(Expressions.singleExpressionProblems("extract(year FROM d) + length(substring(s FROM 1 FOR 2))"))
        .isEmpty();
    assertThat(Expressions.singleExpressionProblems("'from where' || \"from\"")).isEmpty();
  }

  @Test
  void calledFunctionsListsEveryCallOnceWithItsSchema() {
    assertThat(Expressions.calledFunctions("lower(a) || pg_catalog.upper(b) || app.f(lower(c)) || 'g(x)'"))
        .containsExactly("lower", "upper", "app.f");
  }

  @Test
  void denyListMatchesNamesAndFamiliesInAnySchema() {
    assertThat(Expressions.isForbidden("pg_read_binary_file")).isTrue();
    assertThat(Expressions.isForbidden("ext.dblink_exec")).isTrue();
    assertThat(Expressions.isForbidden("LO_IMPORT")).isTrue();
    assertThat(Expressions.isForbidden("lower")).isFalse();
    assertThat(Expressions.isForbidden("current_setting")).isFalse();
  }

  @Test
  void subQueryKeywordsAreFoundOutsideLiteralsOnly() {
    assertThat(Expressions.subqueryProblems("a IN (SELECT 1) OR b IN (VALUES (2))")).hasSize(2);
    assertThat(Expressions.subqueryProblems("'select' || \"table\"")).isEmpty();
  }
}
