package io.tidemark.planner.plan;

import static io.tidemark.planner.Fixtures.plan;
import static io.tidemark.planner.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.tidemark.planner.Problem;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Plans that must be refused, each with the path and the stable code of what is wrong. */
class BadPlanTest {
  private static final String HEAD = "id = p\ndatabases = [authdb]\n";

  private static String expand(String op) {
    return plan(op, "", "");
  }

  private static String migrate(String op) {
    return plan("", op, "");
  }

  private static String contract(String op) {
    return plan("", "", op);
  }

  static Stream<Arguments> badPlans() {
    return Stream.of(
        bad("missing id", "databases = [authdb]\nexpand = [{ op = drop_index, name = i }]", "id", "required"),
        bad("id with a space", "id = \"my plan\"\ndatabases = [authdb]\ncontract = [{ op = drop_index, name = i }]",
            "id", "invalid-id"),
        bad("missing databases", "id = p\ncontract = [{ op = drop_index, name = i }]", "databases", "required"),
        bad("empty databases", "id = p\ndatabases = []\ncontract = [{ op = drop_index, name = i }]",
            "databases", "must-not-be-empty"),
        bad("databases not a list", "id = p\ndatabases = authdb\ncontract = [{ op = drop_index, name = i }]",
            "databases", "wrong-type"),
        bad("parallel zero", HEAD + "rollout { parallel = 0 }\ncontract = [{ op = drop_index, name = i }]",
            "rollout.parallel", "out-of-range"),
        bad("negative canary", HEAD + "rollout { canary = -1 }\ncontract = [{ op = drop_index, name = i }]",
            "rollout.canary", "out-of-range"),
        bad("unknown rollout key", HEAD + "rollout { speed = 3 }\ncontract = [{ op = drop_index, name = i }]",
            "rollout.speed", "unknown-key"),
        bad("approval not required or auto", HEAD + "contract.approval = maybe\n"
            + "contract = [{ op = drop_index, name = i }]", "contract.approval", "invalid-value"),
        bad("unknown top-level key", HEAD + "owner = me\ncontract = [{ op = drop_index, name = i }]",
            "owner", "unknown-key"),
        bad("no operation at all", HEAD, "expand", "must-not-be-empty"),
        bad("expand as an object", HEAD + "expand {}\ncontract = [{ op = drop_index, name = i }]", "expand",
            "wrong-type"),
        bad("op missing", expand("{ table = users }"), "expand[0].op", "required"),
        bad("unknown op", expand("{ op = add_colum, table = users }"), "expand[0].op", "unknown-op"),
        bad("operation not an object", expand("\"add_column\""), "expand[0]", "wrong-type"),
        bad("create_table without columns", expand("{ op = create_table, table = t, columns = [] }"),
            "expand[0].columns", "must-not-be-empty"),
        bad("create_table column twice", expand("{ op = create_table, table = t, columns = "
            + "[{ name = a, type = int }, { name = a, type = text }] }"), "expand[0].columns[1].name", "duplicate-name"),
        bad("primary key names no column", expand("{ op = create_table, table = t, columns = "
            + "[{ name = a, type = int }], primary-key = [b] }"), "expand[0].primary-key[0]", "unknown-column"),
        bad("table name carrying SQL", expand("{ op = add_column, table = \"users; drop table x\", column = c, "
            + "type = text }"), "expand[0].table", "invalid-identifier"),
        bad("type carrying SQL", expand("{ op = add_column, table = users, column = c, "
            + "type = \"text; DROP TABLE users\" }"), "expand[0].type", "invalid-type"),
        bad("NOT NULL column without default", expand("{ op = add_column, table = users, column = c, type = text, "
            + "nullable = false }"), "expand[0].nullable", "not-null-needs-default"),
        bad("volatile default", expand("{ op = add_column, table = users, column = c, type = uuid, "
            + "default = \"gen_random_uuid()\" }"), "expand[0].default", "volatile-default"),
        bad("default smuggling a statement", expand("{ op = add_column, table = users, column = c, type = int, "
            + "default = \"1; DROP TABLE users\" }"), "expand[0].default", "not-a-single-expression"),
        bad("index without columns", expand("{ op = create_index, table = users, name = i }"),
            "expand[0].columns", "required"),
        bad("index with columns and expressions", expand("{ op = create_index, table = users, name = i, "
            + "columns = [a], expressions = [\"lower(b)\"] }"), "expand[0].expressions", "conflicting-keys"),
        bad("unknown index method", expand("{ op = create_index, table = users, name = i, columns = [a], "
            + "using = fulltext }"), "expand[0].using", "invalid-value"),
        bad("partial index predicate smuggling", expand("{ op = create_index, table = users, name = i, "
            + "columns = [a], where = \"true; DROP TABLE users\" }"), "expand[0].where", "not-a-single-expression"),
        bad("foreign key column count mismatch", expand("{ op = add_foreign_key, table = orders, name = fk, "
            + "columns = [a, b], references { table = customers, columns = [id] } }"),
            "expand[0].references.columns", "column-count-mismatch"),
        bad("foreign key without references", expand("{ op = add_foreign_key, table = orders, name = fk, "
            + "columns = [a] }"), "expand[0].references", "required"),
        bad("unknown on-delete", expand("{ op = add_foreign_key, table = orders, name = fk, columns = [a], "
            + "references { table = c, columns = [id] }, on-delete = explode }"), "expand[0].on-delete", "invalid-value"),
        bad("check with unbalanced parentheses", expand("{ op = add_check, table = t, name = c, "
            + "expression = \"a > 0) OR (true\" }"), "expand[0].expression", "not-a-single-expression"),
        bad("rename to the same name", expand("{ op = rename_column, table = t, from = a, to = a, type = int }"),
            "expand[0].to", "same-name"),
        bad("rename without type", expand("{ op = rename_column, table = t, from = a, to = b }"),
            "expand[0].type", "required"),
        bad("enum value before and after", expand("{ op = add_enum_value, type = mood, value = happy, "
            + "before = sad, after = ok }"), "expand[0].after", "conflicting-keys"),
        bad("enum label with a backslash", expand("{ op = add_enum_value, type = mood, value = \"a\\\\b\" }"),
            "expand[0].value", "invalid-enum-label"),
        bad("backfill without set", migrate("{ op = backfill, table = t }"), "migrate[0].set", "required"),
        bad("backfill set without assignment", migrate("{ op = backfill, table = t, set = \"status\" }"),
            "migrate[0].set", "invalid-assignment"),
        bad("backfill where with a line comment", migrate("{ op = backfill, table = t, set = \"a = 1\", "
            + "where = \"a IS NULL --\" }"), "migrate[0].where", "not-a-single-expression"),
        bad("where holding a list", migrate("{ op = backfill, table = t, set = \"a = 1\", where = \"a, b\" }"),
            "migrate[0].where", "not-a-single-expression"),
        bad("backfill setting one column twice", migrate("{ op = backfill, table = t, set = \"a = 1, a = f(2, 3)\" }"),
            "migrate[0].set", "duplicate-name"),
        bad("backfill min above max", migrate("{ op = backfill, table = t, set = \"a = 1\", min-batch-rows = 500, "
            + "max-batch-rows = 100 }"), "migrate[0].min-batch-rows", "out-of-range"),
        bad("backfill duration not a duration", migrate("{ op = backfill, table = t, set = \"a = 1\", "
            + "target-batch-duration = fast }"), "migrate[0].target-batch-duration", "invalid-duration"),
        bad("backfill negative rate", migrate("{ op = backfill, table = t, set = \"a = 1\", "
            + "max-rows-per-second = -5 }"), "migrate[0].max-rows-per-second", "out-of-range"),
        bad("raw CREATE INDEX without CONCURRENTLY", expand("{ op = sql, statements = \"CREATE INDEX i ON users (a)\" }"),
            "expand[0].statements", "lint:create-index-without-concurrently"),
        bad("raw down DROP INDEX without CONCURRENTLY", expand("{ op = sql, "
            + "statements = \"CREATE INDEX CONCURRENTLY i ON users (a)\", transactional = false, "
            + "down = \"DROP INDEX i\" }"), "expand[0].down", "lint:drop-index-without-concurrently"),
        bad("raw SQL that does not lex", expand("{ op = sql, statements = \"SELECT 'oops\" }"),
            "expand[0].statements", "invalid-sql"),
        bad("blank unsafe reason", expand("{ op = sql, statements = \"LOCK TABLE users\", unsafe = \" \" }"),
            "expand[0].unsafe", "must-not-be-empty"),
        bad("schema on raw sql", expand("{ op = sql, schema = app, statements = \"SELECT 1\" }"),
            "expand[0].schema", "unknown-key"),
        bad("same index name twice", expand("{ op = create_index, table = a, name = i, columns = [x] }\n"
            + "{ op = add_unique, table = b, name = i, columns = [y] }"), "expand[1].name", "duplicate-name"),
        bad("drop of a column the plan renames away", plan("{ op = rename_column, table = t, from = a, to = b, "
            + "type = int }", "", "{ op = drop_column, table = t, column = a }"), "contract[0].column",
            "column-dropped-by-plan"),
        bad("same column added twice", expand("{ op = add_column, table = t, column = c, type = int }\n"
            + "{ op = add_column, table = t, column = c, type = text }"), "expand[1].column", "duplicate-name"),
        bad("unknown key in an operation", expand("{ op = drop_index, name = i, colour = red }"),
            "expand[0].colour", "unknown-key"),
        bad("boolean that is not", expand("{ op = create_index, table = t, name = i, columns = [a], "
            + "unique = maybe }"), "expand[0].unique", "wrong-type"),
        bad("HOCON syntax error", "id = p\nexpand = [ { op = ", "", "syntax"),
        bad("environment substitution", HEAD + "contract = [{ op = drop_index, name = ${HOME} }]", "",
            "substitution-not-allowed"),
        bad("include", "include \"other.conf\"\n" + HEAD + "contract = [{ op = drop_index, name = i }]", "",
            "include-not-allowed"),
        bad("set_not_null in expand", expand("{ op = set_not_null, table = t, column = c }"), "expand[0].op",
            "op-not-allowed-in-phase"));
  }

  private static Arguments bad(String name, String text, String path, String code) {
    return Arguments.of(name, text, path, code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPlans")
  void refusesWithPathAndCode(String name, String text, String path, String code) {
    assertThat(problems(text)).extracting(Problem::path, Problem::code).contains(tuple(path, code));
  }

  @Test
  void strictJsonRefusesTrailingCommas() {
    String json = "{\"id\": \"p\", \"databases\": [\"authdb\"],}";

    assertThat(problems(json, "plan.json")).extracting(Problem::code).containsExactly("syntax");
  }

  @Test
  void reportsEveryProblemOfAPlanAtOnce() {
    String text = """
        id = "bad id"
        databases = []
        rollout { parallel = 0 }
        expand = [
          { op = create_table, table = t, columns = [] }
          { op = add_column, table = users, column = "1st", type = text, nullable = false }
          { op = backfill, table = t, set = "a = 1" }
        ]
        migrate = [
          { op = backfill, table = t, set = "a = 1; DELETE FROM t" }
        ]
        contract = [
          { op = frobnicate }
        ]
        """;

    assertThat(problems(text)).extracting(Problem::path, Problem::code).containsOnly(
        tuple("id", "invalid-id"),
        tuple("databases", "must-not-be-empty"),
        tuple("rollout.parallel", "out-of-range"),
        tuple("expand[0].columns", "must-not-be-empty"),
        tuple("expand[1].column", "invalid-identifier"),
        tuple("expand[1].nullable", "not-null-needs-default"),
        tuple("expand[2].op", "op-not-allowed-in-phase"),
        tuple("migrate[0].set", "not-a-single-expression"),
        tuple("contract[0].op", "unknown-op"));
  }

  @Test
  void everyProblemNamesItsPathInTheExceptionMessage() {
    try {
      PlanParser.parse(expand("{ op = add_column, table = users, column = c, type = text, nullable = false }"),
          "plan.conf");
    } catch (io.tidemark.planner.PlanException e) {
      assertThat(e.getMessage()).contains("expand[0].nullable:").contains("[not-null-needs-default]");
      return;
    }
    throw new AssertionError("accepted");
  }

}
