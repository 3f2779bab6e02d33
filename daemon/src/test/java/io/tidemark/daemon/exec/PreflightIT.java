package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static io.tidemark.daemon.exec.ExecFixtures.ddl;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.Phase;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class PreflightIT {
  private static final String ROLE = "tm_preflight_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE customers (id bigint PRIMARY KEY, name text)",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer, email text)",
        "CREATE TABLE logs (line text)",
        "CREATE VIEW recent AS SELECT * FROM orders",
        "CREATE ROLE " + ROLE + " LOGIN");
  }

  @AfterAll
  static void tearDown(TestDatabase db) {
    await(vertx.close());
    db.execute("DROP ROLE IF EXISTS " + ROLE);
  }

  @Test
  void reportsEveryProblemPerStepBeforeAnythingRuns(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        ddl("expand[0]/create-table", "CREATE TABLE IF NOT EXISTS \"public\".\"audit\" (\"id\" bigint PRIMARY KEY)"),
        ddl("expand[1]/add-column", "ALTER TABLE \"public\".\"missing\" ADD COLUMN IF NOT EXISTS \"x\" text"),
        ddl("expand[2]/add-column", "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"email\" integer"),
        ExecFixtures.step("expand[3]/create-index", new StepAction.NonTransactionalDdl(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"customers_pkey\" ON \"public\".\"orders\" (\"id\")", Optional.empty()),
            Optional.empty()),
        ddl("expand[4]/add-foreign-key", "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_customer_fk\" "
            + "FOREIGN KEY (\"customer_id\") REFERENCES \"public\".\"customers\" (\"id\") NOT VALID"),
        ddl("expand[5]/add-column", "ALTER TABLE \"public\".\"audit\" ADD COLUMN IF NOT EXISTS \"note\" text"),
        ddl("expand[6]/add-column", "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"extra\" no_such_type"),
        ddl("expand[7]/add-check", "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_pkey\" CHECK (id > 0) NOT VALID"),
        ddl("expand[8]/add-column", "ALTER TABLE \"public\".\"recent\" ADD COLUMN IF NOT EXISTS \"y\" text"),
        ddl("expand[9]/add-foreign-key", "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_email_fk\" "
            + "FOREIGN KEY (\"email\") REFERENCES \"public\".\"customers\" (\"name\") NOT VALID"),
        ExecFixtures.step(Phase.MIGRATE, "migrate[0]/backfill", new StepAction.Backfill(new BackfillSpec("public", "logs",
            "line = 'x'", Optional.empty(), OptionalLong.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty())),
            Optional.empty()),
        ExecFixtures.step(Phase.CONTRACT, "contract[0]/set-not-null", new StepAction.ValidateConstraint(
            "ALTER TABLE \"public\".\"orders\" VALIDATE CONSTRAINT \"c\"", "public", "orders", "c", "SELECT 0", "SELECT 1"),
            Optional.empty()),
        ddl("contract[1]/set-not-null", "ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"nope\" SET NOT NULL"));

    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));
    report.problems().forEach(p -> System.out.println("preflight: " + p));

    assertThat(report.ok()).isFalse();
    assertThat(report.serverVersionNum()).isGreaterThanOrEqualTo(120000);
    assertThat(report.problems()).extracting(p -> p.stepId().orElse("-") + " " + p.code()).containsExactly(
        "expand[1]/add-column table-missing",
        "expand[2]/add-column column-type-conflict",
        "expand[3]/create-index index-conflict",
        "expand[4]/add-foreign-key foreign-key-type-mismatch",
        "expand[6]/add-column unknown-type",
        "expand[7]/add-check constraint-conflict",
        "expand[8]/add-column not-a-table",
        "expand[9]/add-foreign-key referenced-key-not-unique",
        "migrate[0]/backfill no-unique-key",
        "contract[1]/set-not-null column-missing");
  }

  @Test
  void aCleanPlanPasses(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        ddl("expand[0]/add-column", "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"customer\" bigint"),
        ddl("expand[1]/add-foreign-key", "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_customer_fk\" "
            + "FOREIGN KEY (\"customer\") REFERENCES \"public\".\"customers\" (\"id\") NOT VALID"),
        ExecFixtures.step(Phase.MIGRATE, "migrate[0]/backfill", new StepAction.Backfill(new BackfillSpec("public", "orders",
            "customer = customer_id", Optional.empty(), OptionalLong.empty(), Optional.empty(), OptionalInt.empty(),
            OptionalInt.empty())), Optional.empty()));
    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));
    assertThat(report.problems()).isEmpty();
    assertThat(report.ok()).isTrue();
  }

  @Test
  void aUserWhoDoesNotOwnTheTableIsRefused(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        ddl("expand[0]/add-column", "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"z\" text"),
        ddl("expand[1]/create-table", "CREATE TABLE IF NOT EXISTS \"public\".\"t2\" (\"id\" int)"));
    PgConnectOptions asApp = new PgConnectOptions(ExecFixtures.options(db)).setUser(ROLE);
    PreflightReport report = await(new Preflight(vertx).check(plan, "db", asApp));
    assertThat(report.currentUser()).isEqualTo(ROLE);
    assertThat(report.problems()).extracting(p -> p.stepId().orElse("-") + " " + p.code()).containsExactly(
        "expand[0]/add-column not-owner", "expand[1]/create-table no-create-privilege");
  }

  @Test
  void anUnreachableDatabaseIsOneProblem(TestDatabase db) {
    PgConnectOptions nowhere = new PgConnectOptions(ExecFixtures.options(db)).setPort(1);
    PreflightReport report = await(new Preflight(vertx).check(ExecFixtures.plan(), "db", nowhere));
    assertThat(report.problems()).singleElement().satisfies(p -> {
      assertThat(p.stepId()).isEmpty();
      assertThat(p.code()).isEqualTo("unreachable");
    });
  }
}
