package io.tidemark.daemon;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Probe;
import io.tidemark.planner.Reversibility;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A compiled plan written out by hand, in the shape the planner produces for
 * {@code add_column users.status; create_index users_status_idx; backfill status from is_active;
 * set_not_null status; drop_column is_active}, so runner tests do not depend on the planner.
 */
public final class TestPlans {
  private static final String COLUMN_PROBE = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute"
      + " WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped) THEN 'present' ELSE 'absent' END";
  private static final String INDEX_PROBE = "SELECT coalesce((SELECT CASE WHEN indisvalid THEN 'present' ELSE 'invalid'"
      + " END FROM pg_index WHERE indexrelid = to_regclass($1)), 'absent')";
  private static final String NOT_NULL_PROBE = "SELECT coalesce((SELECT CASE WHEN attnotnull THEN 'present' ELSE 'absent'"
      + " END FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped), 'absent')";
  private static final String DROPPED_PROBE = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute"
      + " WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped) THEN 'absent' ELSE 'present' END";

  private TestPlans() {}

  /** {@code public.users(id, email, is_active)} with {@code rows} rows, every third inactive. */
  public static void prepareUsers(TestDatabase db, int rows) {
    db.execute("CREATE TABLE public.users (id bigserial PRIMARY KEY, email text NOT NULL, is_active boolean NOT NULL)",
        "INSERT INTO public.users (email, is_active) SELECT 'u' || g || '@example.com', g % 3 <> 0"
            + " FROM generate_series(1, " + rows + ") g");
  }

  public static CompiledPlan users(String id, List<String> databases, int canary, int parallel,
      CompiledPlan.Approval approval, int batchRows) {
    return users(id, databases, canary, parallel, approval, batchRows, "");
  }

  /** {@code variant} changes the content hash (and the description) for conflict tests. */
  public static CompiledPlan users(String id, List<String> databases, int canary, int parallel,
      CompiledPlan.Approval approval, int batchRows, String variant) {
    List<CompiledStep> steps = new ArrayList<>();
    for (String db : databases) {
      steps.add(step(db, Phase.EXPAND, 0, "expand[0]/add-column", "add column status to public.users",
          new StepAction.TransactionalDdl(List.of("ALTER TABLE public.users ADD COLUMN IF NOT EXISTS status text")),
          new Probe(COLUMN_PROBE, List.of("public.users", "status")), Reversibility.REVERSIBLE,
          List.of(step(db, Phase.EXPAND, 0, "expand[0]/add-column/undo", "drop column status",
              new StepAction.TransactionalDdl(List.of("ALTER TABLE public.users DROP COLUMN IF EXISTS status")),
              null, Reversibility.IRREVERSIBLE, List.of()))));
      steps.add(step(db, Phase.EXPAND, 1, "expand[1]/create-index", "create index users_status_idx",
          new StepAction.NonTransactionalDdl(
              "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_status_idx ON public.users (status)",
              Optional.of("DROP INDEX CONCURRENTLY IF EXISTS public.users_status_idx")),
          new Probe(INDEX_PROBE, List.of("public.users_status_idx")), Reversibility.REVERSIBLE,
          List.of(step(db, Phase.EXPAND, 1, "expand[1]/create-index/undo", "drop index users_status_idx",
              new StepAction.NonTransactionalDdl("DROP INDEX CONCURRENTLY IF EXISTS public.users_status_idx",
                  Optional.empty()), null, Reversibility.IRREVERSIBLE, List.of()))));
      steps.add(step(db, Phase.MIGRATE, 0, "migrate[0]/backfill", "backfill public.users.status",
          new StepAction.Backfill(new BackfillSpec("public", "users",
              "status = CASE WHEN is_active THEN 'active' ELSE 'inactive' END", Optional.of("status IS NULL"),
              OptionalLong.empty(), Optional.of(Duration.ofMillis(50)), OptionalInt.of(batchRows),
              OptionalInt.of(batchRows))),
          null, Reversibility.NOTHING_TO_UNDO, List.of()));
      steps.add(step(db, Phase.CONTRACT, 0, "contract[0]/set-not-null", "set not null public.users.status",
          new StepAction.TransactionalDdl(List.of("ALTER TABLE public.users ALTER COLUMN status SET NOT NULL")),
          new Probe(NOT_NULL_PROBE, List.of("public.users", "status")), Reversibility.IRREVERSIBLE, List.of()));
      steps.add(step(db, Phase.CONTRACT, 1, "contract[1]/drop-column", "drop column public.users.is_active",
          new StepAction.TransactionalDdl(List.of("ALTER TABLE public.users DROP COLUMN IF EXISTS is_active")),
          new Probe(DROPPED_PROBE, List.of("public.users", "is_active")), Reversibility.IRREVERSIBLE, List.of()));
    }
    return new CompiledPlan(id, "users.status from is_active" + variant, "hash-" + id + variant, databases,
        new CompiledPlan.Rollout(canary, parallel), approval, steps);
  }

  private static CompiledStep step(String db, Phase phase, int position, String id, String description,
      StepAction action, Probe probe, Reversibility reversibility, List<CompiledStep> inverse) {
    return new CompiledStep(db, phase, position, id, id, description, action, Optional.ofNullable(probe),
        reversibility, inverse, Optional.empty());
  }
}
