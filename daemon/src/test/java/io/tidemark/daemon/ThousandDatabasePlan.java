package io.tidemark.daemon;

import io.tidemark.config.AuthToken;
import io.tidemark.config.ConfigLoader;
import io.tidemark.config.HttpSettings;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.TestDatabase;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A 1,000-database plan as the control store records it mid-migrate, for the interfaces' tests: 100
 * databases done, 10 running (the longest at its step: {@code tenant_0109}), one paused, 5 failed with
 * {@code boom on <name>}, the rest pending. The 1,000 names are configured but never connected to: the
 * plan is stored through {@link PlanOperations} and its rows set by SQL, with no runner.
 */
public final class ThousandDatabasePlan {
  public static final String ID = "fleet-1000";
  public static final int DATABASES = 1000;
  public static final List<String> NAMES = IntStream.range(0, DATABASES)
      .mapToObj(i -> String.format("tenant_%04d", i)).toList();

  private ThousandDatabasePlan() {}

  /** The 1,000 databases, an HTTP port picked at random on 127.0.0.1, the given tokens. */
  public static TidemarkConfig config(List<AuthToken> tokens) {
    String dbs = NAMES.stream().map(n -> n + " { url = \"postgresql://app@127.0.0.1:5432/" + n + "\" }")
        .collect(Collectors.joining("\n"));
    TidemarkConfig c = ConfigLoader.parse("tidemark { databases { " + dbs + " } }");
    return new TidemarkConfig(c.stateDatabase(), new HttpSettings("127.0.0.1", 0, 1 << 20), tokens, c.databases(),
        c.groups(), c.servers(), c.defaults(), c.daemon(), c.hooks(), c.warnings());
  }

  /** Stores two small plans (submitted an hour ago) and the big one, and sets the big one's rows. */
  public static void store(PlanOperations ops, TestDatabase state) {
    for (String id : List.of("small-a", "small-b")) {
      Fleet.get(ops.submit(TestPlans.users(id, NAMES.subList(0, 2), 0, 1, CompiledPlan.Approval.AUTO, 100),
          "plan text", "test"));
    }
    Fleet.get(ops.submit(TestPlans.users(ID, NAMES, 1, 50, CompiledPlan.Approval.REQUIRED, 100), "plan text", "test"));
    state.execute(
        "UPDATE tidemark.plans SET created_at = now() - interval '1 hour' WHERE id = 'small-a'",
        "UPDATE tidemark.plans SET created_at = now() - interval '50 minutes' WHERE id = 'small-b'",
        "UPDATE tidemark.plans SET state = 'migrating', phase = 'migrate', created_at = now() - interval '10 minutes'"
            + " WHERE id = '" + ID + "'",
        "UPDATE tidemark.plan_databases SET phase = 'migrate', state = 'done' WHERE plan_id = '" + ID
            + "' AND position < 100",
        "UPDATE tidemark.plan_databases SET phase = 'migrate', state = 'running', current_step = 'migrate[0]/backfill',"
            + " updated_at = now() - (position || ' seconds')::interval WHERE plan_id = '" + ID
            + "' AND position BETWEEN 100 AND 109",
        "UPDATE tidemark.plan_databases SET phase = 'migrate', state = 'failed', current_step = 'migrate[0]/backfill',"
            + " last_error = 'boom on ' || database WHERE plan_id = '" + ID + "' AND position BETWEEN 110 AND 114",
        "UPDATE tidemark.plan_databases SET phase = 'migrate', state = 'running', paused = true"
            + " WHERE plan_id = '" + ID + "' AND position = 115");
  }
}
