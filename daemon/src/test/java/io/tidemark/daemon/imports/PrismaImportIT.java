package io.tidemark.daemon.imports;

import static io.tidemark.daemon.imports.ImportHarness.assertAppNeverBlocked;
import static io.tidemark.daemon.imports.ImportHarness.fixture;
import static io.tidemark.daemon.imports.ImportHarness.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.imports.ImportResult;
import io.tidemark.planner.imports.SourceTool;
import io.tidemark.testkit.AppSession;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * umami's Prisma migrations 03 and 07 (real files, see the fixtures' README) imported and run by the daemon
 * under load on umami's 01_init schema: same catalog as Prisma's SQL run as is, and {@code _prisma_migrations}
 * rows as Prisma writes them (name, SHA-256 checksum of migration.sql, finished, not rolled back), which is what
 * {@code prisma migrate status} compares. The Prisma CLI itself cannot run here (it downloads its engines).
 */
class PrismaImportIT {
  private static final List<String> MIGRATIONS = List.of("03_metric_performance_index", "07_add_tag");
  private static final String PRISMA_HISTORY = """
      CREATE TABLE "_prisma_migrations" (
          "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
          "checksum"              VARCHAR(64) NOT NULL,
          "finished_at"           TIMESTAMPTZ,
          "migration_name"        VARCHAR(255) NOT NULL,
          "logs"                  TEXT,
          "rolled_back_at"        TIMESTAMPTZ,
          "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
          "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
      )""";

  @Test
  void importedMigrationsLeavePrismasSchemaAndItsHistoryRows() throws IOException {
    ImportResult imported = ImportHarness.importPlan(SourceTool.PRISMA,
        MIGRATIONS.stream().map(m -> fixture("prisma/migrations/" + m)).toList(), List.of());
    try (ImportHarness h = new ImportHarness("prismaimport")) {
      h.onBoth(read(fixture("prisma/migrations/01_init/migration.sql")));
      // What prisma migrate deploy leaves after 01_init: its history table (as Prisma's migration engine creates
      // it) with the row of 01_init.
      h.onBoth(PRISMA_HISTORY + "; INSERT INTO \"_prisma_migrations\" (id, checksum, finished_at, migration_name,"
          + " applied_steps_count) VALUES (gen_random_uuid()::text, '" + sha256("01_init") + "', now(), '01_init', 1)");
      h.onBoth("INSERT INTO \"session\" (session_id, website_id, browser, os, country)"
          + " SELECT gen_random_uuid(), ('00000000-0000-0000-0000-00000000000' || (i % 5))::uuid, 'firefox', 'linux', 'de'"
          + " FROM generate_series(1, 3000) i;"
          + " INSERT INTO website_event (event_id, website_id, session_id, url_path)"
          + " SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', gen_random_uuid(), '/p' || i"
          + " FROM generate_series(1, 5000) i");
      for (String m : MIGRATIONS) {
        h.twin.execute(read(fixture("prisma/migrations/" + m + "/migration.sql")));
      }

      AppSession app = h.runUnderLoad(imported.plan(),
          "INSERT INTO website_event (event_id, website_id, session_id, url_path) VALUES (gen_random_uuid(),"
              + " '00000000-0000-0000-0000-000000000002', gen_random_uuid(), '/live');"
              + " UPDATE \"session\" SET browser = 'chrome' WHERE country = 'de' AND session_id = (SELECT session_id FROM \"session\" LIMIT 1)");

      assertAppNeverBlocked(app);
      h.assertSameCatalog();
      for (String m : MIGRATIONS) {
        String checksum = sha256(m);
        assertThat(h.target.queryRows("SELECT checksum, finished_at IS NOT NULL, rolled_back_at IS NULL,"
            + " applied_steps_count FROM \"_prisma_migrations\" WHERE migration_name = '" + m + "'"))
            .containsExactly(List.of(checksum, true, true, 1));
      }
      assertThat(h.target.queryRows("SELECT migration_name FROM \"_prisma_migrations\" ORDER BY migration_name"))
          .containsExactly(List.of("01_init"), List.of(MIGRATIONS.get(0)), List.of(MIGRATIONS.get(1)));
    }
  }

  /** Prisma's checksum of a migration: SHA-256 of its migration.sql, lower-case hex. */
  private static String sha256(String migration) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(fixture("prisma/migrations/" + migration + "/migration.sql"))));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
