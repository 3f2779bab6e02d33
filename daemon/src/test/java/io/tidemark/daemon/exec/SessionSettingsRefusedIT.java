package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DDL and preflight refuse a session whose {@code standard_conforming_strings} is off: the database says
 * {@code off} (ALTER DATABASE ... SET) and the startup parameter Tidemark sends is taken away, as a pooler
 * that drops startup parameters would. Nothing runs; the failure names server and database. With the
 * parameter in place the same database runs the same step.
 */
@ExtendWith(FreshDatabaseExtension.class)
class SessionSettingsRefusedIT {
  private static Vertx vertx;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  private static PgConnectOptions withoutConformingStrings(TestDatabase db) {
    PgConnectOptions o = ExecFixtures.options(db);
    o.getProperties().remove("standard_conforming_strings");
    return o;
  }

  private static ExecutionContext context(PgConnectOptions options, String stepId) {
    return ExecutionContext.of(options, ExecFixtures.FAST_DDL, "test-plan", stepId);
  }

  @Test
  void ddlIsNotRunOnASessionWithConformingStringsOff(TestDatabase db) {
    db.execute("ALTER DATABASE \"" + db.name() + "\" SET standard_conforming_strings = off");
    CompiledStep tx = ExecFixtures.ddl("expand[0]/t", "CREATE TABLE t (id int)");
    CompiledStep nonTx = ExecFixtures.step("expand[1]/i",
        new StepAction.NonTransactionalDdl("CREATE TABLE u (id int)", Optional.empty()), Optional.empty());

    Throwable refusedTx = ExecFixtures.failure(new StepExecutor(vertx).execute(tx, context(withoutConformingStrings(db), tx.id())));
    Throwable refusedNonTx = ExecFixtures.failure(
        new StepExecutor(vertx).execute(nonTx, context(withoutConformingStrings(db), nonTx.id())));

    for (Throwable refused : List.of(refusedTx, refusedNonTx)) {
      assertThat(refused).isInstanceOf(StatementFailure.class)
          .hasMessageContaining("standard_conforming_strings = off")
          .hasMessageContaining("database " + db.name())
          .hasMessageContaining("server " + db.server().host());
    }
    assertThat(db.queryValue("SELECT count(*) FROM pg_class WHERE relname IN ('t', 'u')")).isEqualTo(0L);

    // the same database with Tidemark's startup parameter in place: on wins over the database's off
    await(new StepExecutor(vertx).execute(tx, ExecFixtures.context(db, ExecFixtures.FAST_DDL, tx.id())));
    assertThat(db.queryValue("SELECT count(*) FROM pg_class WHERE relname = 't'")).isEqualTo(1L);
  }

  @Test
  void preflightReportsTheRefusedSession(TestDatabase db) {
    db.execute("ALTER DATABASE \"" + db.name() + "\" SET standard_conforming_strings = off");
    PreflightReport report = await(new Preflight(vertx).check(
        ExecFixtures.plan(ExecFixtures.ddl("expand[0]/t", "CREATE TABLE t (id int)")), "db",
        withoutConformingStrings(db)));

    assertThat(report.problems()).singleElement().satisfies(p -> {
      assertThat(p.code()).isEqualTo("session-refused");
      assertThat(p.message()).contains("standard_conforming_strings = off").contains(db.name());
    });
  }
}
