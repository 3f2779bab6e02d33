package io.tidemark.planner.plan;

import static io.tidemark.planner.Fixtures.parse;
import static io.tidemark.planner.Fixtures.plan;
import static io.tidemark.planner.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.groups.Tuple.tuple;

import io.tidemark.planner.Problem;
import io.tidemark.planner.plan.Operation.Backfill;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plan expressions may use the row they run on, and nothing else. */
class ExpressionRulesTest {

  private static String backfillSet(String set) {
    return plan("", "{ op = backfill, table = t, set = \"" + set + "\" }", "");
  }

  private static String backfillWhere(String where) {
    return plan("", "{ op = backfill, table = t, set = \"a = 1\", where = \"" + where + "\" }", "");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg_terminate_backend(42)::text", "pg_cancel_backend(1)::text", "pg_reload_conf()::text",
      "pg_rotate_logfile()::text", "pg_read_file('/etc/passwd')", "pg_read_binary_file('x')::text",
      "pg_ls_dir('.')::text", "(pg_stat_file('x')).size::text", "lo_import('/etc/passwd')::text",
      "lo_export(1, '/tmp/x')::text", "loread(1, 1)::text", "dblink('host=x', 'select 1')::text",
      "public.dblink_exec('x')", "set_config('a.b', 'c', false)", "pg_sleep(10)::text", "PG_SLEEP_FOR('1s')::text",
      "pg_advisory_lock(1)::text", "pg_try_advisory_xact_lock(1)::text", "pg_catalog.set_config('x', 'y', true)",
      "\\\"pg_read_file\\\"('x')", "query_to_xml('select 1', true, true, '')::text", "setval('s', 1)::text",
      "pg_notify('c', 'x')::text", "ts_stat('select 1')::text", "ext.http_get('http://x')::text"})
  void deniedFunctionsAreRefusedInSet(String call) {
    assertThat(problems(backfillSet("a = " + call))).extracting(Problem::path, Problem::code)
        .contains(tuple("migrate[0].set", "forbidden-function"));
  }

  @Test
  void deniedFunctionsAreRefusedInEveryExpressionKey() {
    String text = plan("{ op = add_check, table = t, name = c, expression = \"pg_sleep(1) IS NULL\" }\n"
            + "{ op = create_index, table = t, name = i, columns = [a], where = \"pg_cancel_backend(1)\" }\n"
            + "{ op = create_index, table = t, name = j, expressions = [\"lo_get(a)\"] }\n"
            + "{ op = change_type, table = t, column = a, to = b, type = int, using = \"pg_read_file(a)::int\" }\n"
            + "{ op = create_table, table = n, columns = [{ name = x, type = text, default = \"pg_ls_dir('.')\" }]}",
        "{ op = backfill, table = t, set = { a = \"set_config('a', 'b', false)\" }, "
            + "where = \"pg_terminate_backend(pid) IS NOT NULL\" }", "");

    assertThat(problems(text)).extracting(Problem::path, Problem::code).contains(
        tuple("expand[0].expression", "forbidden-function"), tuple("expand[1].where", "forbidden-function"),
        tuple("expand[2].expressions[0]", "forbidden-function"), tuple("expand[3].using", "forbidden-function"),
        tuple("expand[4].columns[0].default", "forbidden-function"), tuple("migrate[0].set.a", "forbidden-function"),
        tuple("migrate[0].where", "forbidden-function"));
  }

  @Test
  void sameNamesAsTextOrColumnsAreFine() {
    assertThatCode(() -> parse(backfillSet("note = 'pg_sleep(1)' || pg_sleep_column"))).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"(SELECT string_agg(email, ','))::int", "id IN (SELECT id FROM banned)",
      "EXISTS (SELECT 1)", "a = ANY (ARRAY(SELECT 1))", "a IN (VALUES (1))", "a IN (TABLE banned)"})
  void subQueriesAreRefused(String where) {
    assertThat(problems(backfillWhere(where))).extracting(Problem::path, Problem::code)
        .contains(tuple("migrate[0].where", "subquery-not-allowed"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x = 'x' FROM (SELECT 1) AS s", "x = 'x' FROM other", "x = 1 WHERE true",
      "x = 1 RETURNING pg_backend_pid()", "x = 1, y = 2 FROM other o"})
  void setIsOnlyAssignments(String set) {
    assertThat(problems(backfillSet(set))).extracting(Problem::path).contains("migrate[0].set");
    assertThat(problems(backfillSet(set))).extracting(Problem::code).contains("not-a-single-expression");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true ORDER BY a", "a > 0 LIMIT 1", "a > 0 UNION SELECT 1", "true FOR UPDATE"})
  void whereMayNotAddClauses(String where) {
    assertThat(problems(backfillWhere(where))).extracting(Problem::path, Problem::code)
        .contains(tuple("migrate[0].where", "not-a-single-expression"));
  }

  @Test
  void setWithoutAnAssignmentIsRefused() {
    assertThat(problems(backfillSet("f(x)"))).extracting(Problem::code).containsExactly("invalid-assignment");
    assertThat(problems(backfillSet("a => 1"))).extracting(Problem::code).containsExactly("invalid-assignment");
    assertThat(problems(backfillSet("a ="))).extracting(Problem::code).containsExactly("invalid-assignment");
  }

  @Test
  void legitimateExpressionsStillPass() {
    Backfill backfill = (Backfill) parse(plan("", "{ op = backfill, table = t, set = \"\\\"Status\\\" = CASE WHEN a "
        + "IS DISTINCT FROM b THEN extract(year FROM d)::text ELSE substring(c FROM 1 FOR 2) END, n = "
        + "string_agg_safe(x), u = gen_random_uuid()\", where = \"a IS NOT DISTINCT FROM b\" }", "")).migrate().get(0);

    assertThat(backfill.set()).extracting(Operation.Assignment::column).containsExactly("Status", "n", "u");
    assertThat(backfill.set().get(2).expression()).isEqualTo("gen_random_uuid()");
  }
}
