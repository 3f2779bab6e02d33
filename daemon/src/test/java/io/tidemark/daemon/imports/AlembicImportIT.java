package io.tidemark.daemon.imports;

import static io.tidemark.daemon.imports.ImportHarness.assertAppNeverBlocked;
import static io.tidemark.daemon.imports.ImportHarness.fixture;
import static io.tidemark.daemon.imports.ImportHarness.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.imports.ImportResult;
import io.tidemark.planner.imports.SourceTool;
import io.tidemark.testkit.AppSession;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Alembic's offline upgrade a1 → c3 (alembic/upgrade.sql, produced by the real Alembic) imported and run by the
 * daemon under load: same catalog as Alembic's SQL run as is, and {@code alembic current} says c3 afterwards.
 */
class AlembicImportIT {

  @Test
  void importedUpgradeLeavesAlembicsSchemaAndAlembicAgrees() throws IOException {
    ImportResult imported = ImportHarness.importPlan(SourceTool.ALEMBIC, List.of(fixture("alembic/upgrade.sql")),
        List.of(fixture("alembic/before.sql")));
    try (ImportHarness h = new ImportHarness("alembicimport")) {
      h.onBoth(read(fixture("alembic/before.sql")));
      h.onBoth("INSERT INTO customer (name, email, legacy_code) SELECT 'c' || i, CASE WHEN i % 3 = 0 THEN NULL"
          + " ELSE 'c' || i || '@shop.test' END, 'L' FROM generate_series(1, 3000) i;"
          + " INSERT INTO orders (customer_id, amount, state) SELECT 1 + i % 3000, i % 100, 'new'"
          + " FROM generate_series(1, 6000) i");
      h.twin.execute(read(fixture("alembic/upgrade.sql")));

      AppSession app = h.runUnderLoad(imported.plan(),
          "INSERT INTO orders (customer_id, amount, state) VALUES (1, 5, 'new'); SELECT count(*) FROM customer WHERE id = 7");

      assertAppNeverBlocked(app);
      h.assertSameCatalog();
      assertThat(h.target.queryValue("SELECT version_num FROM alembic_version")).isEqualTo("c3");
      Map<String, String> env = new HashMap<>(ImportHarness.libpq(h.target));
      env.put("ALEMBIC_URL", "postgresql://" + h.target.server().user() + "@" + h.target.server().host() + ":"
          + h.target.server().port() + "/" + h.target.name());
      String current = ImportHarness.command(fixture("alembic"), env, "/usr/bin/python3", "-m", "alembic",
          "-c", "alembic.ini", "current");
      assertThat(current).contains("c3 (head)");
    }
  }
}
