package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.pg.SqlStates;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class ValidateConstraintIT {
  private static final String ADD_FK = "ALTER TABLE public.orders ADD CONSTRAINT orders_customer_fk "
      + "FOREIGN KEY (customer_id) REFERENCES public.customers (id) NOT VALID";
  private static final String ORPHANS = "FROM public.orders o WHERE o.customer_id IS NOT NULL "
      + "AND NOT EXISTS (SELECT 1 FROM public.customers c WHERE c.id = o.customer_id)";

  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE customers (id bigint PRIMARY KEY)",
        "INSERT INTO customers SELECT generate_series(1, 100)",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, qty int)",
        "INSERT INTO orders SELECT g, 1 + g % 100, g FROM generate_series(1, 5000) g",
        // 12 orphans: more than the sample holds
        "UPDATE orders SET customer_id = 1000 + id WHERE id <= 12");
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  @Test
  void foreignKeyWithOrphansFailsWithCountAndSamplesStaysNotValidAndSucceedsAfterRepair(TestDatabase db) {
    StepExecutor executor = new StepExecutor(vertx);
    CompiledStep add = ExecFixtures.step("expand[0]/add-foreign-key",
        new StepAction.TransactionalDdl(List.of(ADD_FK)),
        Optional.of(ExecFixtures.constraintProbe("public.orders", "orders_customer_fk")));
    CompiledStep validate = ExecFixtures.step("expand[0]/validate", new StepAction.ValidateConstraint(
            "ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_fk", "public", "orders",
            "orders_customer_fk", "SELECT count(*) " + ORPHANS, "SELECT o.id, o.customer_id " + ORPHANS + " ORDER BY o.id LIMIT 10"),
        Optional.of(ExecFixtures.constraintProbe("public.orders", "orders_customer_fk")));

    assertThat(await(executor.execute(add, ExecFixtures.context(db, ExecFixtures.FAST_DDL, add.id()))).outcome())
        .isEqualTo(StepResult.Outcome.APPLIED);
    Throwable failure = ExecFixtures.failure(executor.execute(validate, ExecFixtures.context(db, ExecFixtures.FAST_DDL, validate.id())));

    assertThat(failure).isInstanceOf(ValidationFailure.class);
    ValidationFailure v = (ValidationFailure) failure;
    assertThat(v.sqlState()).contains(SqlStates.FOREIGN_KEY_VIOLATION);
    assertThat(v.constraint()).isEqualTo("orders_customer_fk");
    assertThat(v.violations()).isEqualTo(12);
    assertThat(v.sampleKeys()).hasSize(10).startsWith("id=1, customer_id=1001", "id=2, customer_id=1002");
    assertThat(convalidated(db)).isEqualTo(false);

    // a rerun of the add step sees NOT VALID and does not add it again
    assertThat(await(executor.execute(add, ExecFixtures.context(db, ExecFixtures.FAST_DDL, add.id()))).outcome())
        .isEqualTo(StepResult.Outcome.ALREADY_DONE);

    db.execute("DELETE " + ORPHANS.replace("FROM public.orders o", "FROM public.orders AS o"));
    StepResult retried = await(executor.execute(validate, ExecFixtures.context(db, ExecFixtures.FAST_DDL, validate.id())));
    assertThat(retried.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
    assertThat(convalidated(db)).isEqualTo(true);
    assertThat(await(executor.execute(validate, ExecFixtures.context(db, ExecFixtures.FAST_DDL, validate.id()))).outcome())
        .isEqualTo(StepResult.Outcome.ALREADY_DONE);
  }

  @Test
  void validatingAMissingConstraintFailsClearly(TestDatabase db) {
    CompiledStep validate = ExecFixtures.step("contract[0]/validate", new StepAction.ValidateConstraint(
            "ALTER TABLE public.orders VALIDATE CONSTRAINT no_such_check", "public", "orders",
            "no_such_check", "SELECT 0", "SELECT 1 WHERE false"),
        Optional.of(ExecFixtures.constraintProbe("public.orders", "no_such_check")));
    Throwable failure = ExecFixtures.failure(
        new StepExecutor(vertx).execute(validate, ExecFixtures.context(db, ExecFixtures.FAST_DDL, validate.id())));
    assertThat(failure).isInstanceOf(StatementFailure.class).hasMessageContaining("no_such_check");
    assertThat(((StepFailure) failure).attempts()).isEmpty();
  }

  @Test
  void permanentErrorsFailAtOnceWithTheirSqlState(TestDatabase db) {
    StepExecutor executor = new StepExecutor(vertx);
    CompiledStep missingTable = ExecFixtures.step("expand[9]/sql",
        new StepAction.TransactionalDdl(List.of("ALTER TABLE public.nope ADD COLUMN x int")), Optional.empty());
    CompiledStep syntax = ExecFixtures.step("expand[8]/sql",
        new StepAction.NonTransactionalDdl("CREATE INDEX CONCURRENTLY ON", Optional.empty()), Optional.empty());

    StepFailure undefined = (StepFailure) ExecFixtures.failure(
        executor.execute(missingTable, ExecFixtures.context(db, ExecFixtures.FAST_DDL, missingTable.id())));
    StepFailure bad = (StepFailure) ExecFixtures.failure(
        executor.execute(syntax, ExecFixtures.context(db, ExecFixtures.FAST_DDL, syntax.id())));

    assertThat(undefined).isInstanceOf(StatementFailure.class);
    assertThat(undefined.sqlState()).contains(SqlStates.UNDEFINED_TABLE);
    assertThat(undefined.attempts()).singleElement().extracting(AttemptRecord::outcome).isEqualTo(AttemptRecord.Outcome.FAILED);
    assertThat(bad).isInstanceOf(StatementFailure.class);
    assertThat(bad.sqlState()).contains(SqlStates.SYNTAX_ERROR);
  }

  @Test
  void anUnreachableDatabaseIsATransientFailure(TestDatabase db) {
    CompiledStep step = ExecFixtures.step("expand[7]/sql",
        new StepAction.TransactionalDdl(List.of("SELECT 1")), Optional.empty());
    var ctx = ExecFixtures.context(db, ExecFixtures.FAST_DDL, step.id());
    var unreachable = new ExecutionContext(new io.vertx.pgclient.PgConnectOptions(ctx.connectOptions()).setPort(1), ctx.ddl(), ctx.applicationName(),
        ctx.onAttempt(), ctx.onIndexProgress(), ctx.progressInterval(), java.util.Optional.empty());
    assertThat(ExecFixtures.failure(new StepExecutor(vertx).execute(step, unreachable))).isInstanceOf(TransientFailure.class);
  }

  @Test
  void backfillStepsAreRefused(TestDatabase db) {
    CompiledStep step = ExecFixtures.step("migrate[0]/backfill", new StepAction.Backfill(new io.tidemark.planner.BackfillSpec(
        "public", "orders", "qty = 1", Optional.empty(), java.util.OptionalLong.empty(), Optional.empty(),
        java.util.OptionalInt.empty(), java.util.OptionalInt.empty())), Optional.empty());
    assertThat(ExecFixtures.failure(new StepExecutor(vertx).execute(step, ExecFixtures.context(db, ExecFixtures.FAST_DDL, step.id()))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backfill engine");
  }

  private static Object convalidated(TestDatabase db) {
    Object v = db.queryValue("SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_fk'");
    return v;
  }
}
