package io.tidemark.planner.compile;

import static io.tidemark.planner.Fixtures.config;
import static io.tidemark.planner.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import io.tidemark.planner.plan.Plan;
import io.tidemark.planner.plan.PlanParser;
import org.junit.jupiter.api.Test;

class PlanCompilerTest {
  private static final String OPS = """
      expand = [
        { op = rename_column, table = users, from = email, to = email_address, type = text }
        { op = create_index, table = users, name = users_email_address_idx, columns = [email_address], unique = true }
      ]
      migrate = [
        { op = backfill, table = users, set = "status = 'active'", where = "status IS NULL" }
      ]
      contract = [
        { op = set_not_null, table = users, column = status }
        { op = drop_column, table = users, column = is_active }
      ]
      """;

  private static String withDatabases(String databases) {
    return "id = p\ndatabases = " + databases + "\n" + OPS;
  }

  @Test
  void expandsGroupsInConfiguredOrderAndDropsRepeats() {
    CompiledPlan plan = PlanCompiler.compile(parse(withDatabases("[admindb, tenants, authdb]")), config());

    assertThat(plan.databases()).containsExactly("admindb", "apidb", "authdb");
  }

  @Test
  void reportsEveryUnknownDatabaseByIndex() {
    PlanException e = catchThrowableOfType(
        () -> PlanCompiler.compile(parse(withDatabases("[authdb, nosuchdb, tenants, ghosts]")), config()),
        PlanException.class);

    assertThat(e.problems()).extracting(Problem::path, Problem::code)
        .containsExactly(tuple("databases[1]", "unknown-database"), tuple("databases[3]", "unknown-database"));
  }

  @Test
  void everyDatabaseGetsTheSameStepsNumberedPerPhase() {
    CompiledPlan plan = PlanCompiler.compile(parse(withDatabases("[tenants]")), config());

    assertThat(plan.steps()).hasSize(2 * 11);
    for (String database : plan.databases()) {
      assertThat(plan.steps(database, Phase.EXPAND)).extracting(CompiledStep::id).containsExactly(
          "expand[0]/add-column", "expand[0]/sync-trigger", "expand[0]/backfill", "expand[1]/create-index");
      assertThat(plan.steps(database, Phase.MIGRATE)).extracting(CompiledStep::id)
          .containsExactly("migrate[0]/backfill");
      assertThat(plan.steps(database, Phase.CONTRACT)).extracting(CompiledStep::id).containsExactly(
          "expand[0]/drop-sync-trigger", "expand[0]/drop-old-column", "contract[0]/add-not-null-check",
          "contract[0]/validate-not-null-check", "contract[0]/set-not-null", "contract[1]/drop-column");
      for (Phase phase : Phase.values()) {
        assertThat(plan.steps(database, phase)).extracting(CompiledStep::position)
            .containsExactlyElementsOf(java.util.stream.IntStream.range(0, plan.steps(database, phase).size())
                .boxed().toList());
      }
    }
    assertThat(plan.steps("apidb", Phase.EXPAND)).extracting(CompiledStep::database).containsOnly("apidb");
  }

  @Test
  void unresolvedCompilationKeepsNamesAsWritten() {
    CompiledPlan plan = PlanCompiler.compileUnresolved(parse(withDatabases("[tenants, nosuchdb, tenants]")));

    assertThat(plan.databases()).containsExactly("tenants", "nosuchdb");
    assertThat(plan.steps("nosuchdb", Phase.EXPAND)).hasSize(4);
  }

  @Test
  void theSamePlanInHoconAndJsonHashesTheSame() {
    String hocon = """
        # a comment
        id = p
        databases = [authdb]
        contract.approval = auto
        expand = [ { op = add_column, table = users, column = note, type = text, default = "'n/a'" } ]
        contract = [ { op = drop_column, table = users, column = legacy } ]
        """;
    String json = """
        {"contract": [{"column": "legacy", "table": "users", "op": "drop_column", "schema": "public"}],
         "expand": [{"type": "text", "op": "add_column", "nullable": true, "default": "'n/a'", "column": "note",
                     "table": "users"}],
         "approval": "auto", "rollout": {"canary": 0, "parallel": 1}, "databases": ["authdb"], "id": "p"}
        """;

    Plan fromHocon = PlanParser.parse(hocon, "plan.conf");
    Plan fromJson = PlanParser.parse(json, "plan.json");

    assertThat(fromJson).isEqualTo(fromHocon);
    assertThat(PlanCompiler.contentHash(fromJson)).isEqualTo(PlanCompiler.contentHash(fromHocon))
        .matches("[0-9a-f]{64}");
  }

  @Test
  void theHashIsStableAcrossRunsAndChangesWithMeaning() {
    String text = withDatabases("[authdb]");
    String hash = PlanCompiler.contentHash(parse(text));

    assertThat(hash).isEqualTo(PlanCompiler.contentHash(parse(text)));
    assertThat(hash).as("pinned: stored plans are compared by this hash, a new canonical form refuses them")
        .isEqualTo("133435747dbcca72ed671f1673c10b9c8ef615b351cb1b5aa23e577f2238121f");
    assertThat(PlanCompiler.contentHash(parse(text.replace("status = 'active'", "status = 'on'")))).isNotEqualTo(hash);
    assertThat(PlanCompiler.contentHash(parse(text.replace("id = p", "id = q")))).isNotEqualTo(hash);
    assertThat(PlanCompiler.compile(parse(text), config()).contentHash()).isEqualTo(hash);
  }

  @Test
  void theCanonicalFormSortsKeysAndLeavesOutAbsentOptionals() {
    Plan plan = parse("id = p\ndatabases = [authdb]\ncontract = [ { table = t, op = drop_column, column = c } ]");

    assertThat(CanonicalForm.render(plan)).isEqualTo("{\"approval\":\"required\",\"contract\":[{\"column\":\"c\","
        + "\"op\":\"drop_column\",\"schema\":\"public\",\"table\":\"t\"}],\"databases\":[\"authdb\"],"
        + "\"description\":\"\",\"expand\":[],\"id\":\"p\",\"migrate\":[],"
        + "\"rollout\":{\"canary\":0,\"parallel\":1}}");
  }
}
