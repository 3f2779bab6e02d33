package io.tidemark.planner.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.plan.Operation;
import io.tidemark.planner.plan.Operation.Sql;
import io.tidemark.planner.plan.Plan;
import io.tidemark.planner.plan.PlanParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The importer on what the real tools produced (see src/test/resources/imports/README.md). */
class FixtureImportTest {

  static Path fixture(String path) {
    try {
      return Path.of(FixtureImportTest.class.getResource("/imports/" + path).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A fixture file as the CLI hands it to the importer (daemon's ImportSources finds, names and orders the files;
   * its own test covers that): its path, the migration's name in the tool's history, and its text.
   */
  static SourceText source(String path, String migration) throws IOException {
    Path file = fixture(path);
    return new SourceText(file.toString(), migration, Files.readString(file, StandardCharsets.UTF_8));
  }

  /** A fixture file the tool's history does not name (Alembic, TypeORM, plain SQL, a --schema file). */
  static SourceText sql(String path) throws IOException {
    return source(path, "");
  }

  static ImportResult run(SourceTool tool, List<SourceText> sources, List<SourceText> schema) {
    return Importer.run(new ImportRequest(tool, "fixture", List.of("db"), sources, Bookkeeping.CONTRACT, schema));
  }

  static Plan safePlan(ImportResult r) {
    assertThat(r.decisions()).as(r.plan()).isEmpty();
    assertThat(r.problems()).as(r.plan()).isEmpty();
    return PlanParser.parse(r.plan(), "imported");
  }

  private static String lastContractSql(Plan p) {
    Operation last = p.contract().get(p.contract().size() - 1);
    return String.join(";\n", ((Sql) last).statements());
  }

  @Test
  void alembicOfflineUpgradeImportsSafelyAndMovesAlembicVersion() throws IOException {
    Plan p = safePlan(run(SourceTool.ALEMBIC, List.of(sql("alembic/upgrade.sql")), List.of(sql("alembic/before.sql"))));
    assertThat(lastContractSql(p)).contains("UPDATE alembic_version SET version_num = 'c3' WHERE version_num = 'a1'");
    // only the history table is created in expand (CREATE TABLE runs in expand); the revision moves in contract
    assertThat(p.expand()).noneMatch(o -> o instanceof Sql s && s.statements().stream()
        .anyMatch(st -> st.contains("alembic_version") && !st.startsWith("CREATE TABLE IF NOT EXISTS alembic_version")));
  }

  @Test
  void alembicUpgradeAcrossAMergeIsLeftToTheUser() {
    // What alembic upgrade --sql prints when it merges two heads: one row deleted, the other moved.
    String sql = "BEGIN;\nCREATE INDEX ix ON t (a);\n"
        + "DELETE FROM alembic_version WHERE alembic_version.version_num = 'b1';\n"
        + "UPDATE alembic_version SET version_num='m3' WHERE alembic_version.version_num = 'c2';\nCOMMIT;";
    ImportResult r = Importer.run(new ImportRequest(SourceTool.ALEMBIC, "merge", List.of("db"),
        List.of(new SourceText("merge.sql", "", sql)), Bookkeeping.CONTRACT));
    assertThat(r.problems()).isEmpty();
    assertThat(r.decisions()).singleElement().asString().contains("branch point or a merge", "alembic_version");
  }

  @Test
  void djangoSqlmigrateFilesImportSafelyAndRecordEachMigration() throws IOException {
    Plan p = safePlan(run(SourceTool.DJANGO, List.of(
        source("django/sql/library.0002_book_isbn_author.sql", "library.0002_book_isbn_author"),
        source("django/sql/library.0003_review_and_constraints.sql", "library.0003_review_and_constraints")),
        List.of(sql("django/sql/library.0001_initial.sql"))));
    assertThat(lastContractSql(p)).contains("'library', '0002_book_isbn_author'", "'library', '0003_review_and_constraints'");
  }

  @Test
  void prismaMigrationsImportSafelyWithPrismasChecksum() throws IOException {
    Plan p = safePlan(run(SourceTool.PRISMA, List.of(
        source("prisma/migrations/03_metric_performance_index/migration.sql", "03_metric_performance_index"),
        source("prisma/migrations/07_add_tag/migration.sql", "07_add_tag")), List.of()));
    byte[] tag = Files.readAllBytes(fixture("prisma/migrations/07_add_tag/migration.sql"));
    assertThat(Checksums.prisma(tag)).isEqualTo("c38c9605d759b3b00f94076c929b6081d7dbd01a25d2955909fc8d1a6e3276b4");
    assertThat(lastContractSql(p)).contains("'c38c9605d759b3b00f94076c929b6081d7dbd01a25d2955909fc8d1a6e3276b4', now(), '07_add_tag'");
  }

  @Test
  void prismaUpdateFromIsRefusedAndThePlanStillWritten() throws IOException {
    ImportResult r = run(SourceTool.PRISMA, List.of(source("prisma/refused/09_update_hostname_region/migration.sql",
        "09_update_hostname_region")), List.of(sql("prisma/migrations/01_init/migration.sql")));
    assertThat(r.safe()).isFalse();
    assertThat(r.decisions()).singleElement().asString().contains("migration.sql:5");
    assertThat(r.problems()).extracting(io.tidemark.planner.Problem::code).containsExactly("lint:unbatched-update");
    assertThat(r.plan()).contains("op = rename_column", "op = drop_index", "_prisma_migrations");
  }

  @Test
  void flywayScriptsAreRecordedWithTheirChecksums() throws IOException {
    List<SourceText> scripts = new ArrayList<>();
    for (String script : List.of("V6_2_0_0__add_abort_status_check.sql", "V6_2_0_1__add_finished_task_index.sql",
        "V6_2_0_3__add_indexes_on_foreign_keys.sql")) {
      scripts.add(source("flyway/" + script, script));
    }
    Plan p = safePlan(run(SourceTool.FLYWAY, scripts, List.of()));
    assertThat(lastContractSql(p)).contains("'6.2.0.1', 'add finished task index', 'SQL', 'V6_2_0_1__add_finished_task_index.sql', "
        + Checksums.flyway(Files.readString(fixture("flyway/V6_2_0_1__add_finished_task_index.sql"), StandardCharsets.UTF_8)));
  }

  @Test
  void typeormFilesImportSafelyWithoutBookkeeping() throws IOException {
    ImportResult r = run(SourceTool.TYPEORM, List.of(sql("typeorm/1630870102483-product_variant_option_cascade.sql"),
        sql("typeorm/1631696624528-valid_duration_for_discount.sql"), sql("typeorm/1631698524304-add_notes.sql"),
        sql("typeorm/1632411600937-external_id_on_orders.sql")), List.of());
    Plan p = safePlan(r);
    assertThat(r.plan()).doesNotContain("INSERT INTO");
    assertThat(p.contract()).hasSize(2);
    assertThat(p.contract().get(0)).isInstanceOf(Sql.class); // TypeORM drops the foreign key to re-create it
    assertThat(p.contract().get(1)).isInstanceOf(Operation.AddForeignKey.class);
  }

  @Test
  void typeormMigrationsThatReCreateTheSameForeignKeyTwiceAreRefusedByPlanCheck() throws IOException {
    ImportResult r = run(SourceTool.TYPEORM, List.of(sql("typeorm/1630870102483-product_variant_option_cascade.sql"),
        sql("typeorm/conflict/1631104895519-RankColumnWithDefaultValue.sql")), List.of());
    assertThat(r.safe()).isFalse();
    assertThat(r.problems()).extracting(io.tidemark.planner.Problem::code).contains("duplicate-name");
  }

  @Test
  void typeormsDropAndReAddOfAColumnCannotKeepItsOrderAcrossPhases() {
    // What TypeORM generates for a column whose type changed: drop it, add it again.
    ImportResult r = RewriteRulesTest.importSql("ALTER TABLE \"users\" DROP COLUMN \"password\";\n"
        + "ALTER TABLE \"users\" ADD \"password\" character varying NOT NULL;");
    assertThat(r.safe()).isFalse();
    assertThat(r.decisions()).singleElement().asString().contains("m.sql:2", "m.sql:1", "column:public.users.password");
  }

  @Test
  void flywayChecksumIgnoresLineEndingsAndAByteOrderMark() {
    int lf = Checksums.flyway("create table t (a int);\nselect 1;\n");
    assertThat(Checksums.flyway("create table t (a int);\r\nselect 1;\r\n")).isEqualTo(lf);
    assertThat(Checksums.flyway("\uFEFFcreate table t (a int);\nselect 1;")).isEqualTo(lf);
    assertThat(Checksums.flyway("create table t (a int);\nselect 2;\n")).isNotEqualTo(lf);
  }

  @Test
  void bookkeepingGoesToTheEndOfExpandWhenAsked() throws IOException {
    ImportResult r = Importer.run(new ImportRequest(SourceTool.DJANGO, "fixture", List.of("db"),
        List.of(source("django/sql/library.0002_book_isbn_author.sql", "library.0002_book_isbn_author")),
        Bookkeeping.EXPAND, List.of(sql("django/sql/library.0001_initial.sql"))));
    Plan p = safePlan(r);
    Operation last = p.expand().get(p.expand().size() - 1);
    assertThat(((Sql) last).statements().toString()).contains("django_migrations");
    assertThat(p.contract().toString()).doesNotContain("django_migrations");
  }
}
