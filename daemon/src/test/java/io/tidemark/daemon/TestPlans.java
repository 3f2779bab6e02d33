package io.tidemark.daemon;

import io.tidemark.config.ConfigLoader;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import io.tidemark.testkit.TestDatabase;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The plan the daemon tests run, written as a team would and compiled by the planner: add
 * {@code users.status}, index it, backfill it from {@code is_active} (counting each row's updates in
 * {@code touched}, so "exactly once" can be checked), then make it NOT NULL and drop {@code is_active}.
 */
public final class TestPlans {
  private TestPlans() {}

  /** {@code public.users(id, email, is_active, touched)} with {@code rows} rows, every third inactive. */
  public static void prepareUsers(TestDatabase db, int rows) {
    db.execute("CREATE TABLE public.users (id bigserial PRIMARY KEY, email text NOT NULL, is_active boolean NOT NULL,"
            + " touched int NOT NULL DEFAULT 0)",
        "INSERT INTO public.users (email, is_active) SELECT 'u' || g || '@example.com', g % 3 <> 0"
            + " FROM generate_series(1, " + rows + ") g",
        "ANALYZE public.users");
  }

  public static String text(String id, List<String> databases, int canary, int parallel,
      CompiledPlan.Approval approval, int batchRows) {
    return """
        id = "%s"
        description = "users.status from is_active"
        databases = [%s]
        rollout { canary = %d, parallel = %d }
        contract.approval = %s
        expand = [
          { op = add_column, table = users, column = status, type = text }
          { op = create_index, table = users, name = users_status_idx, columns = [status] }
        ]
        migrate = [
          { op = backfill, table = users,
            set = "status = CASE WHEN is_active THEN 'active' ELSE 'inactive' END, touched = touched + 1",
            min-batch-rows = %d, max-batch-rows = %d }
        ]
        contract = [
          { op = set_not_null, table = users, column = status }
          { op = drop_column, table = users, column = is_active }
        ]
        """.formatted(id, String.join(", ", databases), canary, parallel,
        approval.name().toLowerCase(java.util.Locale.ROOT), batchRows, batchRows);
  }

  public static CompiledPlan users(String id, List<String> databases, int canary, int parallel,
      CompiledPlan.Approval approval, int batchRows) {
    return PlanCompiler.compile(PlanParser.parse(text(id, databases, canary, parallel, approval, batchRows), id + ".conf"),
        config(databases));
  }

  /** Just enough config for the planner to resolve the database names. */
  private static TidemarkConfig config(List<String> databases) {
    String dbs = databases.stream().map(n -> n + " { url = \"postgresql://app@127.0.0.1:5432/" + n + "\" }")
        .collect(Collectors.joining("\n"));
    return ConfigLoader.parse("tidemark { databases { " + dbs + " } }");
  }
}
