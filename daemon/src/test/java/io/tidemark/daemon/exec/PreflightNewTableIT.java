package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static io.tidemark.daemon.exec.ExecFixtures.ddl;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Foreign keys from and to a table the plan itself creates with raw SQL (what an imported Django or Prisma
 * migration does for every new model): the columns do not exist before the plan runs, and that is no problem.
 */
@ExtendWith(FreshDatabaseExtension.class)
class PreflightNewTableIT {
  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE books (id bigint PRIMARY KEY, title text)");
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  @Test
  void foreignKeysOnAndToATableCreatedByRawSqlInThePlanPass(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        ddl("expand[0]/sql", "CREATE TABLE \"public\".\"reviews\" (\"id\" bigint PRIMARY KEY, \"book_id\" bigint NOT NULL)"),
        ddl("expand[1]/add-column", "ALTER TABLE \"public\".\"books\" ADD COLUMN IF NOT EXISTS \"top_review_id\" bigint"),
        ddl("contract[0]/sql", "ALTER TABLE \"public\".\"reviews\" ADD CONSTRAINT \"reviews_book_fk\" "
            + "FOREIGN KEY (\"book_id\") REFERENCES \"public\".\"books\" (\"id\") NOT VALID"),
        ddl("contract[1]/sql", "ALTER TABLE \"public\".\"books\" ADD CONSTRAINT \"books_top_review_fk\" "
            + "FOREIGN KEY (\"top_review_id\") REFERENCES \"public\".\"reviews\" (\"id\") NOT VALID"));

    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));

    assertThat(report.problems()).isEmpty();
  }

  @Test
  void aMissingColumnOfAnExistingTableIsStillReported(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        ddl("expand[0]/sql", "CREATE TABLE \"public\".\"notes\" (\"id\" bigint PRIMARY KEY)"),
        ddl("contract[0]/sql", "ALTER TABLE \"public\".\"notes\" ADD CONSTRAINT \"notes_book_fk\" "
            + "FOREIGN KEY (\"id\") REFERENCES \"public\".\"books\" (\"no_such\") NOT VALID"));

    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));

    assertThat(report.problems()).extracting(PreflightProblem::code).contains("column-missing");
  }
}
