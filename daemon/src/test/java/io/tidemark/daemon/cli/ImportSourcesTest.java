package io.tidemark.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.planner.imports.FlywayName;
import io.tidemark.planner.imports.SourceText;
import io.tidemark.planner.imports.SourceTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How each tool's files are found, named and ordered. */
class ImportSourcesTest {
  @TempDir
  Path dir;

  @Test
  void flywayOrdersByVersionNumberNotByText() throws IOException {
    for (String name : List.of("V1_10__ten.sql", "V1_9__nine.sql", "V2__two.sql", "V1.1__one_one.sql", "R__view.sql",
        "U2__undo.sql")) {
      Files.writeString(dir.resolve(name), "SELECT 1;");
    }
    assertThat(ImportSources.read(SourceTool.FLYWAY, List.of(dir))).extracting(SourceText::migration)
        .containsExactly("V1.1__one_one.sql", "V1_9__nine.sql", "V1_10__ten.sql", "V2__two.sql");
    assertThat(FlywayName.parse("V1_10__add_users_table.sql")).hasValueSatisfying(f -> {
      assertThat(f.version()).isEqualTo("1.10");
      assertThat(f.description()).isEqualTo("add users table");
    });
  }

  @Test
  void flywayRefusesAFileThatIsNotAVersionedScript() throws IOException {
    Path file = Files.writeString(dir.resolve("init.sql"), "SELECT 1;");
    assertThatThrownBy(() -> ImportSources.read(SourceTool.FLYWAY, List.of(file)))
        .isInstanceOf(IOException.class).hasMessageContaining("V<version>__<description>.sql");
  }

  @Test
  void prismaNamesAMigrationByItsDirectory() throws IOException {
    Path migration = Files.createDirectories(dir.resolve("20240101000000_add_users"));
    Files.writeString(migration.resolve("migration.sql"), "ALTER TABLE \"User\" ADD COLUMN \"name\" TEXT;");
    assertThat(ImportSources.read(SourceTool.PRISMA, List.of(migration.resolve("migration.sql"))))
        .extracting(SourceText::migration).containsExactly("20240101000000_add_users");
    assertThat(ImportSources.read(SourceTool.PRISMA, List.of(migration)))
        .extracting(SourceText::migration).containsExactly("20240101000000_add_users");
  }

  @Test
  void djangoNamesAMigrationByAppAndName() throws IOException {
    Path file = Files.writeString(dir.resolve("library.0002_book_isbn.sql"), "SELECT 1;");
    assertThat(ImportSources.read(SourceTool.DJANGO, List.of(file))).extracting(SourceText::migration)
        .containsExactly("library.0002_book_isbn");
  }

  @Test
  void plainSqlKeepsTheOrderGivenAndADirectoryIsReadByName() throws IOException {
    Path b = Files.writeString(dir.resolve("b.sql"), "SELECT 2;");
    Path a = Files.writeString(dir.resolve("a.sql"), "SELECT 1;");
    assertThat(ImportSources.read(SourceTool.SQL, List.of(b, a))).extracting(SourceText::name)
        .containsExactly(b.toString(), a.toString());
    assertThat(ImportSources.read(SourceTool.TYPEORM, List.of(dir))).extracting(SourceText::name)
        .containsExactly(a.toString(), b.toString());
  }

  @Test
  void theFixturesOfTheRealToolsAreReadInTheToolsOrder() throws IOException {
    Path fixtures = Path.of("../planner/src/test/resources/imports").toAbsolutePath().normalize();
    assertThat(ImportSources.read(SourceTool.PRISMA, List.of(fixtures.resolve("prisma/migrations"))))
        .extracting(SourceText::migration).containsExactly("01_init", "03_metric_performance_index", "07_add_tag");
    Path flyway = fixtures.resolve("flyway");
    List<Path> outOfOrder = List.of(flyway.resolve("V6_2_0_3__add_indexes_on_foreign_keys.sql"),
        flyway.resolve("V6_2_0_0__add_abort_status_check.sql"), flyway.resolve("V6_2_0_1__add_finished_task_index.sql"));
    assertThat(ImportSources.read(SourceTool.FLYWAY, outOfOrder)).extracting(SourceText::migration)
        .containsExactly("V6_2_0_0__add_abort_status_check.sql", "V6_2_0_1__add_finished_task_index.sql",
            "V6_2_0_3__add_indexes_on_foreign_keys.sql");
  }
}
