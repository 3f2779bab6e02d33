package io.tidemark.daemon.imports;

import static io.tidemark.daemon.imports.ImportHarness.assertAppNeverBlocked;
import static io.tidemark.daemon.imports.ImportHarness.fixture;
import static io.tidemark.daemon.imports.ImportHarness.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.imports.ImportResult;
import io.tidemark.planner.imports.SourceTool;
import io.tidemark.testkit.AppSession;
import io.tidemark.testkit.TestDatabase;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Django's {@code sqlmigrate} output for 0002 and 0003 (produced by the real Django) imported and run by the
 * daemon under load, on a database the real {@code manage.py migrate library 0001} prepared: same catalog as the
 * sqlmigrate SQL run as is, and {@code manage.py showmigrations} lists all three migrations as applied.
 */
class DjangoImportIT {
  private static final List<String> MIGRATIONS = List.of("0002_book_isbn_author", "0003_review_and_constraints");

  @Test
  void importedMigrationsLeaveDjangosSchemaAndShowmigrationsAgrees() throws IOException {
    ImportResult imported = ImportHarness.importPlan(SourceTool.DJANGO,
        MIGRATIONS.stream().map(m -> fixture("django/sql/library." + m + ".sql")).toList(),
        List.of(fixture("django/sql/library.0001_initial.sql")));
    try (ImportHarness h = new ImportHarness("djangoimport")) {
      manage(h.target, "migrate", "library", "0001");
      manage(h.twin, "migrate", "library", "0001");
      h.onBoth("INSERT INTO library_author (name) SELECT 'a' || i FROM generate_series(1, 200) i;"
          + " INSERT INTO library_book (title, pages, legacy) SELECT 'b' || i, CASE WHEN i % 4 = 0 THEN NULL"
          + " ELSE i END, 'x' FROM generate_series(1, 4000) i");
      for (String m : MIGRATIONS) {
        h.twin.execute(read(fixture("django/sql/library." + m + ".sql")));
      }

      AppSession app = h.runUnderLoad(imported.plan(),
          "UPDATE library_book SET title = title WHERE id = 5; INSERT INTO library_author (name) VALUES ('n')");

      assertAppNeverBlocked(app);
      h.assertSameCatalog();
      assertThat(h.target.queryLong("SELECT count(*) FROM library_book WHERE pages IS NULL")).isZero();
      String shown = manage(h.target, "showmigrations", "library");
      assertThat(shown).contains("[X] 0001_initial", "[X] 0002_book_isbn_author", "[X] 0003_review_and_constraints");
      assertThat(shown).doesNotContain("[ ]");
    }
  }

  /** {@code manage.py ARGS} of the fixture project, pointed at {@code db}. */
  private static String manage(TestDatabase db, String... args) {
    Map<String, String> env = new HashMap<>(ImportHarness.libpq(db));
    env.put("SHOP_DB", db.name());
    env.put("SHOP_DB_HOST", db.server().host());
    env.put("SHOP_DB_PORT", Integer.toString(db.server().port()));
    env.put("SHOP_DB_USER", db.server().user());
    String[] command = new String[args.length + 2];
    command[0] = "/usr/bin/python3";
    command[1] = "manage.py";
    System.arraycopy(args, 0, command, 2, args.length);
    return ImportHarness.command(fixture("django"), env, command);
  }
}
