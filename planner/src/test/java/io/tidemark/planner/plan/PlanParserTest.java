package io.tidemark.planner.plan;

import static io.tidemark.planner.Fixtures.parse;
import static io.tidemark.planner.Fixtures.plan;
import static io.tidemark.planner.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.CompiledPlan.Approval;
import io.tidemark.planner.CompiledPlan.Rollout;
import io.tidemark.planner.Problem;
import io.tidemark.planner.plan.Operation.AddColumn;
import io.tidemark.planner.plan.Operation.Assignment;
import io.tidemark.planner.plan.Operation.Backfill;
import io.tidemark.planner.plan.Operation.CreateIndex;
import io.tidemark.planner.plan.Operation.RenameColumn;
import io.tidemark.planner.plan.Operation.SetNotNull;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanParserTest {
  /** The example of docs/plan-reference.md, verbatim except that rename_column needs the column's type. */
  static final String SPEC_EXAMPLE = """
      id = "2026-11-users-email-address"
      description = "users.email -> users.email_address on every tenant"
      databases = [tenants, admindb]            # database names and/or group names
      rollout { canary = 1, parallel = 4 }      # one database first, then up to 4 at a time
      contract.approval = required              # required | auto

      expand = [
        { op = rename_column, table = users, from = email, to = email_address, type = text }
        { op = create_index, table = users, name = users_email_address_idx, columns = [email_address], unique = true }
      ]
      migrate = [
        { op = backfill, table = users, set = "status = CASE WHEN is_active THEN 'active' ELSE 'inactive' END",
          where = "status IS NULL", max-rows-per-second = 20000 }
      ]
      contract = [
        { op = set_not_null, table = users, column = status }
        { op = drop_column, table = users, column = is_active }
      ]
      """;

  @Test
  void readsTheSpecExample() {
    Plan plan = parse(SPEC_EXAMPLE);

    assertThat(plan.id()).isEqualTo("2026-11-users-email-address");
    assertThat(plan.databases()).containsExactly("tenants", "admindb");
    assertThat(plan.rollout()).isEqualTo(new Rollout(1, 4));
    assertThat(plan.approval()).isEqualTo(Approval.REQUIRED);
    assertThat(plan.expand()).containsExactly(
        new RenameColumn("public", "users", "email", "email_address", "text"),
        new CreateIndex("public", "users", "users_email_address_idx", List.of("email_address"), List.of(), true,
            Optional.empty(), "btree"));
    Backfill backfill = (Backfill) plan.migrate().get(0);
    assertThat(backfill.set()).containsExactly(
        new Assignment("status", "CASE WHEN is_active THEN 'active' ELSE 'inactive' END"));
    assertThat(backfill.where()).contains("status IS NULL");
    assertThat(backfill.maxRowsPerSecond()).hasValue(20000);
    assertThat(plan.contract()).hasSize(2).first().isEqualTo(new SetNotNull("public", "users", "status"));
  }

  @Test
  void contractApprovalSurvivesBeingWrittenBeforeOrAfterTheContractList() {
    String before = "id = p\ndatabases = [authdb]\ncontract.approval = auto\n"
        + "contract = [ { op = drop_column, table = t, column = c } ]\n";
    String after = "id = p\ndatabases = [authdb]\ncontract = [ { op = drop_column, table = t, column = c } ]\n"
        + "contract.approval = \"auto\"\n";

    for (String text : List.of(before, after)) {
      Plan plan = parse(text);
      assertThat(plan.approval()).isEqualTo(Approval.AUTO);
      assertThat(plan.contract()).hasSize(1);
    }
  }

  @Test
  void approvalMayBeWrittenAtTheTopLevelInJson() {
    String json = """
        {"id": "p", "databases": ["authdb"], "approval": "auto",
         "contract": [{"op": "drop_column", "table": "t", "column": "c"}]}
        """;

    Plan plan = PlanParser.parse(json, "plan.json");

    assertThat(plan.approval()).isEqualTo(Approval.AUTO);
  }

  @Test
  void appliesSafeDefaultsWhenThePlanSaysNothing() {
    Plan plan = parse(plan("{ op = add_column, table = users, column = note, type = text }", "", ""));

    assertThat(plan.rollout()).isEqualTo(new Rollout(0, 1));
    assertThat(plan.approval()).isEqualTo(Approval.REQUIRED);
    assertThat(plan.description()).isEmpty();
    assertThat(plan.expand()).containsExactly(
        new AddColumn("public", "users", "note", "text", Optional.empty(), true));
  }

  @Test
  void readsSetAsAnObjectAndBatchOverrides() {
    Plan plan = parse(plan("", """
        { op = backfill, schema = app, table = users, set { status = "'x'", note = "upper(note)" },
          target-batch-duration = 100ms, min-batch-rows = 10, max-batch-rows = 500 }
        """, ""));

    Backfill backfill = (Backfill) plan.migrate().get(0);
    assertThat(backfill.schema()).isEqualTo("app");
    assertThat(backfill.set()).containsExactly(new Assignment("note", "upper(note)"), new Assignment("status", "'x'"));
    assertThat(backfill.targetBatchDuration()).contains(Duration.ofMillis(100));
    assertThat(backfill.minBatchRows()).hasValue(10);
    assertThat(backfill.maxBatchRows()).hasValue(500);
  }

  @Test
  void rawSqlWithUnsafeReasonIsAcceptedAndSplitIntoStatements() {
    Plan plan = parse(plan("""
        { op = sql, statements = "LOCK TABLE users; UPDATE users SET a = 1", unsafe = "tiny table, 10 rows" }
        """, "", ""));

    Operation.Sql sql = (Operation.Sql) plan.expand().get(0);
    assertThat(sql.statements()).containsExactly("LOCK TABLE users", "UPDATE users SET a = 1");
    assertThat(sql.unsafe()).contains("tiny table, 10 rows");
  }

  @Test
  void rawSqlTouchingATableThePlanCreatedEarlierIsNotFlagged() {
    Plan plan = parse(plan("""
        { op = create_table, table = audit, columns = [ { name = id, type = bigint, primary-key = true } ] }
        { op = sql, statements = "CREATE INDEX audit_id_idx ON audit (id)" }
        """, "", ""));

    assertThat(plan.expand()).hasSize(2);
  }

  @Test
  void rawSqlOnATableCreatedOnlyLaterIsFlagged() {
    List<Problem> problems = problems(plan("""
        { op = sql, statements = "CREATE INDEX audit_id_idx ON audit (id)" }
        { op = create_table, table = audit, columns = [ { name = id, type = bigint, primary-key = true } ] }
        """, "", ""));

    assertThat(problems).extracting(Problem::path, Problem::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("expand[0].statements",
            "lint:create-index-without-concurrently"));
  }

  @Test
  void sqlStatementsMayBeAListWithOneStatementPerItem() {
    Plan listed = parse(plan("""
        { op = sql, statements = ["CREATE TABLE IF NOT EXISTS t (id bigint)", "COMMENT ON TABLE t IS 'a;b';"],
          down = ["DROP TABLE IF EXISTS t"] }
        """, "", ""));
    Plan written = parse(plan("""
        { op = sql, statements = "CREATE TABLE IF NOT EXISTS t (id bigint); COMMENT ON TABLE t IS 'a;b';",
          down = "DROP TABLE IF EXISTS t" }
        """, "", ""));

    assertThat(listed.expand()).isEqualTo(written.expand());
    assertThat(((Operation.Sql) listed.expand().get(0)).statements())
        .containsExactly("CREATE TABLE IF NOT EXISTS t (id bigint)", "COMMENT ON TABLE t IS 'a;b'");
  }

  @Test
  void listedSqlStatementsAreLintedInSequenceLikeTheStringForm() {
    List<Problem> problems = problems(plan("""
        { op = sql, statements = ["SELECT 1", "CREATE INDEX i ON users (a)"] }
        """, "", ""));

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("expand[0].statements");
      assertThat(p.code()).isEqualTo("lint:create-index-without-concurrently");
      assertThat(p.message()).startsWith("statement 2 (CREATE INDEX i ON users (a))");
    });
  }

  @Test
  void aListItemHoldsExactlyOneStatement() {
    List<Problem> problems = problems(plan("""
        { op = sql, statements = ["SELECT 1; SELECT 2", 3, ""] }
        """, "", ""));

    assertThat(problems).extracting(Problem::path, Problem::code).contains(
        org.assertj.core.groups.Tuple.tuple("expand[0].statements[0]", "one-statement-per-item"),
        org.assertj.core.groups.Tuple.tuple("expand[0].statements[2]", "must-not-be-empty"));
  }

  @Test
  void aNotNullCheckValidatedByAnEarlierSqlStepProvesSetNotNullInALaterOne() {
    String add = "{ op = sql, statements = \"ALTER TABLE users ADD CONSTRAINT users_email_nn"
        + " CHECK (email IS NOT NULL) NOT VALID\" }\n";
    String validate = "{ op = sql, statements = \"ALTER TABLE users VALIDATE CONSTRAINT users_email_nn\" }\n";
    String set = "{ op = sql, statements = \"ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
        + " ALTER TABLE users DROP CONSTRAINT IF EXISTS users_email_nn\" }\n";

    assertThat(parse(plan("", "", add + validate + set)).contract()).hasSize(3);
    assertThat(problems(plan("", "", add + set))).extracting(Problem::code)
        .containsExactly("lint:set-not-null-on-existing-table");
  }

  @Test
  void setMayListSeveralAssignmentsInOneString() {
    Plan plan = parse(plan("", "{ op = backfill, table = t, set = \"b = coalesce(x, 'a,b'), a = ARRAY[1, 2]\" }", ""));

    assertThat(((Backfill) plan.migrate().get(0)).set()).containsExactly(
        new Assignment("b", "coalesce(x, 'a,b')"), new Assignment("a", "ARRAY[1, 2]"));
  }

  @Test
  void contractMayHoldOnlyTheApproval() {
    Plan plan = parse("id = p\ndatabases = [authdb]\ncontract { approval = auto }\n"
        + "expand = [ { op = add_column, table = t, column = c, type = int } ]");

    assertThat(plan.approval()).isEqualTo(Approval.AUTO);
    assertThat(plan.contract()).isEmpty();
  }
}
