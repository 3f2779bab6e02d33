package io.tidemark.daemon.exec;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.DdlSettings;
import io.tidemark.config.Secret;
import io.tidemark.pg.PgConnections;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Probe;
import io.tidemark.planner.Reversibility;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.StepTargets;
import io.tidemark.planner.lint.SqlTargets;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Hand-built steps and blocking helpers for the executor's tests (test threads only, never an event loop). */
final class ExecFixtures {
  static final DdlSettings FAST_DDL = new DdlSettings(
      Duration.ofMillis(200), Duration.ZERO, 30, Duration.ofMillis(20), Duration.ofMillis(200));

  private ExecFixtures() {}

  static PgConnectOptions options(TestDatabase db) {
    var server = db.server();
    DatabaseConfig config = new DatabaseConfig(db.name(), db.url(), server.host(), server.port(), db.name(),
        server.user(), server.password() == null ? Secret.empty() : Secret.of(server.password()),
        server.host() + ":" + server.port(), 2, "", Duration.ofMinutes(1));
    return PgConnections.options(config, "tidemark/test");
  }

  static ExecutionContext context(TestDatabase db, DdlSettings ddl, String stepId) {
    return ExecutionContext.of(options(db), ddl, "test-plan", stepId);
  }

  static CompiledStep step(String id, StepAction action, Optional<Probe> probe) {
    return step(Phase.valueOf(id.replaceFirst("\\[.*", "").toUpperCase(java.util.Locale.ROOT)), id, action, probe);
  }

  static CompiledStep step(Phase phase, String id, StepAction action, Optional<Probe> probe) {
    return new CompiledStep("db", phase, 0, id, id.replaceFirst("/.*", ""), id, action, probe,
        Reversibility.IRREVERSIBLE, List.of(), Optional.empty(), targets(action));
  }

  /** What the planner would record: raw SQL read by the tokenizer, a backfill or validation by its table. */
  static StepTargets targets(StepAction action) {
    if (action instanceof StepAction.Backfill b) {
      return StepTargets.builder().backfill(new StepTargets.Name(b.spec().schema(), b.spec().table())).build();
    }
    if (action instanceof StepAction.ValidateConstraint v) {
      return StepTargets.builder().alteredTable(new StepTargets.Name(v.schema(), v.table())).build();
    }
    if (action instanceof StepAction.NonTransactionalDdl n) {
      return SqlTargets.of(List.of(n.sql()));
    }
    return SqlTargets.of(action.statements());
  }

  static CompiledStep ddl(String id, String... sql) {
    return step(id, new StepAction.TransactionalDdl(List.of(sql)), Optional.empty());
  }

  static CompiledPlan plan(CompiledStep... steps) {
    return new CompiledPlan("test-plan", "", "hash", List.of("db"), new CompiledPlan.Rollout(1, 1),
        CompiledPlan.Approval.AUTO, List.of(steps));
  }

  /** {@code present} when the column exists, else {@code absent}. */
  static Probe columnProbe(String table, String column) {
    return new Probe("""
        SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute
                                  WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped)
                    THEN 'present' ELSE 'absent' END AS state""", List.of(table, column));
  }

  /** {@code present}, {@code invalid} or {@code absent} for an index by name. */
  static Probe indexProbe(String index) {
    return new Probe("""
        SELECT COALESCE((SELECT CASE WHEN i.indisvalid THEN 'present' ELSE 'invalid' END
                           FROM pg_index i WHERE i.indexrelid = to_regclass($1)), 'absent') AS state""",
        List.of(index));
  }

  /** {@code present}, {@code not_valid} or {@code absent} for a constraint by table and name. */
  static Probe constraintProbe(String table, String constraint) {
    return new Probe("""
        SELECT COALESCE((SELECT CASE WHEN c.convalidated THEN 'present' ELSE 'not_valid' END
                           FROM pg_constraint c WHERE c.conrelid = to_regclass($1) AND c.conname = $2),
                        'absent') AS state""", List.of(table, constraint));
  }

  /** Outcome name reported for a backfill step run by {@link #runSteps}'s stand-in, not the executor. */
  static final String BACKFILL_STAND_IN = "BACKFILL_STAND_IN";

  /**
   * Runs {@code steps} in order on {@code db}, each with its own context, stopping at the first failure;
   * returns step id → outcome. Backfill steps belong to the backfill engine (another module's tests prove
   * it); here they are a single {@code UPDATE ... SET set WHERE where} so the later steps see filled columns.
   */
  static java.util.Map<String, String> runSteps(StepExecutor executor, TestDatabase db, List<CompiledStep> steps) {
    java.util.Map<String, String> outcomes = new java.util.LinkedHashMap<>();
    for (CompiledStep step : steps) {
      if (step.action() instanceof StepAction.Backfill b) {
        db.execute("UPDATE " + io.tidemark.planner.sql.Identifiers.qualified(b.spec().schema(), b.spec().table())
            + " SET " + b.spec().set() + b.spec().where().map(w -> " WHERE " + w).orElse(""));
        outcomes.put(step.id(), BACKFILL_STAND_IN);
      } else {
        outcomes.put(step.id(), await(executor.execute(step, context(db, FAST_DDL, step.id()))).outcome().name());
      }
    }
    return outcomes;
  }

  /** The inverse steps of {@code steps}, as rollback runs them: steps in reverse order, each one's inverse in order. */
  static List<CompiledStep> inverses(List<CompiledStep> steps) {
    List<CompiledStep> undo = new java.util.ArrayList<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      undo.addAll(steps.get(i).inverse());
    }
    return undo;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The failure of a future that must fail. */
  static Throwable failure(Future<?> future) {
    try {
      Object value = future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }
}
