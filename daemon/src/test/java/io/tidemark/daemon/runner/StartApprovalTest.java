package io.tidemark.daemon.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.ConfigLoader;
import io.tidemark.config.PolicySettings;
import io.tidemark.daemon.TestPlans;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartApprovalTest {
  private static final PolicySettings REQUIRED = new PolicySettings(true);

  @Test
  void rawSqlWaitsForAnOperatorNamingTheStepsAndDatabases() {
    CompiledPlan plan = compile("""
        id = p
        databases = [authdb, apidb]
        expand = [
          { op = add_column, table = users, column = status, type = text }
          { op = sql, statements = "CREATE TABLE public.audit (id int)" }
        ]
        """);

    assertThat(StartApproval.reason(plan, REQUIRED)).hasValue("raw SQL or unsafe steps need an operator's approval"
        + " before the first step: expand[1]/sql (raw SQL) on authdb, apidb");
  }

  @Test
  void nonTransactionalRawSqlAndUnsafeEscapesWaitToo() {
    CompiledPlan plan = compile("""
        id = p
        databases = [authdb]
        expand = [
          { op = sql, transactional = false, statements = "CREATE INDEX CONCURRENTLY a ON public.users (id)" }
          { op = sql, statements = "DROP TABLE public.scratch", unsafe = "nobody reads it" }
        ]
        """);

    assertThat(StartApproval.reason(plan, REQUIRED)).get().asString()
        .contains("expand[0]/sql-1 (raw SQL) on authdb")
        .contains("expand[1]/sql (unsafe: \"nobody reads it\") on authdb");
  }

  @Test
  void typedOperationsStartStraightAway() {
    CompiledPlan plan = TestPlans.users("p", List.of("authdb"), 0, 1, CompiledPlan.Approval.REQUIRED, 100);

    assertThat(StartApproval.reason(plan, REQUIRED)).isEmpty();
  }

  @Test
  void thePolicyCanLetRawSqlStartAfterPreflight() {
    CompiledPlan plan = compile("""
        id = p
        databases = [authdb]
        expand = [ { op = sql, statements = "CREATE TABLE public.audit (id int)" } ]
        """);

    assertThat(StartApproval.reason(plan, new PolicySettings(false))).isEmpty();
  }

  private static CompiledPlan compile(String text) {
    return PlanCompiler.compile(PlanParser.parse(text, "p.conf"), ConfigLoader.parse("tidemark { databases {"
        + " authdb { url = \"postgresql://app@127.0.0.1:5432/authdb\" }\n"
        + " apidb { url = \"postgresql://app@127.0.0.1:5432/apidb\" } } }"));
  }
}
