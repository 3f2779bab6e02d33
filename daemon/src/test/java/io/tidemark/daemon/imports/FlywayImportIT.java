package io.tidemark.daemon.imports;

import static io.tidemark.daemon.imports.ImportHarness.assertAppNeverBlocked;
import static io.tidemark.daemon.imports.ImportHarness.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.imports.ImportResult;
import io.tidemark.planner.imports.SourceTool;
import io.tidemark.testkit.AppSession;
import io.tidemark.testkit.TestDatabase;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.Test;

/**
 * Tractus-X bpdm's Flyway scripts V6_2_0_0..V6_2_0_3 (real files, see the fixtures' README) imported and run by
 * the daemon under load on a database the real Flyway migrated to 6.1.0.0: same catalog as Flyway migrating the
 * twin itself, and the real Flyway then finds every script applied with the right checksum ({@code info},
 * {@code validate}) and has nothing left to migrate.
 */
class FlywayImportIT {

  @Test
  void importedScriptsLeaveFlywaysSchemaAndFlywayValidatesItsHistory() throws IOException {
    ImportResult imported = ImportHarness.importPlan(SourceTool.FLYWAY, List.of(fixture("flyway")), List.of());
    try (ImportHarness h = new ImportHarness("flywayimport")) {
      flyway(h.target, "6.1.0.0").migrate();
      flyway(h.twin, "6.1.0.0").migrate();
      h.onBoth("INSERT INTO gate_records (id, created_at, updated_at, private_id, public_id)"
          + " SELECT i, now(), now(), gen_random_uuid(), gen_random_uuid() FROM generate_series(1, 3000) i;"
          + " INSERT INTO golden_record_tasks (gate_record_id, site_exists, created_at, id, updated_at, uuid, task_mode,"
          + " task_result_state, task_step, task_step_state) SELECT i, false, now(), i, now(), gen_random_uuid(),"
          + " 'UpdateFromPool', 'Pending', 'Clean', 'Queued' FROM generate_series(1, 3000) i;"
          + " INSERT INTO task_errors (task_id, description, type) SELECT i, 'd', 'Timeout' FROM generate_series(1, 3000) i");
      flyway(h.twin, "latest").migrate();

      AppSession app = h.runUnderLoad(imported.plan(),
          "UPDATE golden_record_tasks SET updated_at = now() WHERE id = 7;"
              + " INSERT INTO task_errors (task_id, description, type) VALUES (7, 'live', 'Timeout')");

      assertAppNeverBlocked(app);
      h.assertSameCatalog();
      Flyway target = flyway(h.target, "latest");
      MigrationInfo[] all = target.info().all();
      assertThat(Arrays.stream(all).map(i -> i.getVersion() + " " + i.getState()))
          .containsExactly("6.1.0.0 " + MigrationState.SUCCESS, "6.2.0.0 " + MigrationState.SUCCESS,
              "6.2.0.1 " + MigrationState.SUCCESS, "6.2.0.3 " + MigrationState.SUCCESS);
      assertThat(target.validateWithResult().validationSuccessful).as("flyway validate").isTrue();
      assertThat(target.migrate().migrationsExecuted).as("migrations Flyway still wants to run").isZero();
    }
  }

  private static Flyway flyway(TestDatabase db, String target) {
    return Flyway.configure()
        .dataSource(db.jdbcUrl(), db.server().user(), db.server().password())
        .locations("filesystem:" + fixture("flyway"))
        .target(target)
        .load();
  }
}
