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
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Medusa's TypeORM migrations (their up() SQL, see the fixtures' README) imported and run by the daemon under
 * load: same catalog as the SQL run as is. TypeORM keeps no history the SQL could write (its migrations table
 * is keyed by the class's timestamp and name), so there is no bookkeeping to check.
 */
class TypeormImportIT {

  @Test
  void importedMigrationsLeaveTheSameSchemaAsTheirSqlAsIs() throws IOException {
    ImportResult imported = ImportHarness.importPlan(SourceTool.TYPEORM, List.of(fixture("typeorm")), List.of());
    assertThat(imported.plan()).doesNotContain("INSERT INTO");
    try (ImportHarness h = new ImportHarness("typeormimport")) {
      h.onBoth(read(fixture("typeorm/before/before.sql")));
      h.onBoth("INSERT INTO product_variant (id, title) SELECT 'v' || i, 't' FROM generate_series(1, 2000) i;"
          + " INSERT INTO product_option_value (id, value, variant_id) SELECT 'o' || i, 'x', 'v' || (1 + i % 2000)"
          + " FROM generate_series(1, 4000) i;"
          + " INSERT INTO discount (id, code) SELECT 'd' || i, 'c' || i FROM generate_series(1, 500) i;"
          + " INSERT INTO \"order\" (id, email) SELECT 'or' || i, 'e' FROM generate_series(1, 2000) i");
      try (Stream<Path> files = Files.list(fixture("typeorm"))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".sql")).sorted().toList()) {
          h.twin.execute(read(f));
        }
      }

      AppSession app = h.runUnderLoad(imported.plan(),
          "UPDATE product_option_value SET value = value WHERE id = 'o7';"
              + " INSERT INTO \"order\" (id, email) VALUES (gen_random_uuid()::text, 'live')");

      assertAppNeverBlocked(app);
      h.assertSameCatalog();
    }
  }
}
