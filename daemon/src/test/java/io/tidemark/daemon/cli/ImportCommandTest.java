package io.tidemark.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tidemark import} end to end in-process: the files, the plan written, the report, the exit code. */
class ImportCommandTest {
  private static final Path FIXTURES = Path.of("../planner/src/test/resources/imports").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void alembicUpgradeBecomesAPlanThatPlanCheckAccepts() {
    Path plan = dir.resolve("shop.conf");
    CliRun.Result r = CliRun.run("import", "--from", "alembic", "--id", "shop-c3", "--databases", "authdb,apidb",
        "-o", plan.toString(), "--schema", FIXTURES.resolve("alembic/before.sql").toString(),
        FIXTURES.resolve("alembic/upgrade.sql").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("upgrade.sql:5: CREATE INDEX ix_orders_customer_id ON orders (customer_id)",
        "-> create_index (expand)", "plan check: ok");
    CliRun.Result check = CliRun.run("plan", "check", plan.toString());
    assertThat(check.code()).as(check.err()).isZero();
  }

  @Test
  void aStatementThatCannotBeMadeSafeGivesExitTwoAndAPlanThatPlanCheckRefuses() {
    Path plan = dir.resolve("hostname.conf");
    CliRun.Result r = CliRun.run("import", "--from", "prisma", "--id", "umami-09", "--databases", "authdb",
        "-o", plan.toString(), FIXTURES.resolve("prisma/refused/09_update_hostname_region").toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("To decide (2):", "migration.sql:5", "migration.sql:16", "[lint:unbatched-update]");
    assertThat(plan).exists();
    CliRun.Result check = CliRun.run("plan", "check", plan.toString());
    assertThat(check.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(check.err()).contains("lint:unbatched-update");
  }

  @Test
  void withConfigAnUnknownDatabaseNameIsRefused() {
    String config = Path.of("../examples/tidemark.conf").toAbsolutePath().normalize().toString();
    CliRun.Result ok = CliRun.run("import", "--from", "typeorm", "--id", "medusa", "--databases", "tenants",
        "--config", config, FIXTURES.resolve("typeorm").toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    CliRun.Result r = CliRun.run("import", "--from", "typeorm", "--id", "medusa", "--databases", "nosuchdb",
        "--config", config, FIXTURES.resolve("typeorm").toString());
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("nosuchdb");
  }

  @Test
  void planGoesToStdoutWithoutOutputFile() {
    CliRun.Result r = CliRun.run("import", "--from", "flyway", "--id", "bpdm-6-2", "--databases", "authdb",
        FIXTURES.resolve("flyway").toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("id = \"bpdm-6-2\"", "op = add_check", "flyway_schema_history");
  }

  @Test
  void dashReadsTheMigrationFromStandardInput() {
    java.io.InputStream saved = System.in;
    System.setIn(new java.io.ByteArrayInputStream(
        "BEGIN;\nCREATE INDEX ix_a ON t (a);\nCOMMIT;\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    try {
      CliRun.Result r = CliRun.run("import", "--from", "sql", "--id", "stdin", "--databases", "authdb", "-");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("op = create_index", "name = \"ix_a\"");
      assertThat(r.err()).contains("<stdin>:2: CREATE INDEX ix_a ON t (a)");
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void unreadableFileIsAnIoErrorWithExitOne() {
    CliRun.Result r = CliRun.run("import", "--from", "sql", "--id", "x", "--databases", "authdb",
        dir.resolve("missing.sql").toString());
    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err()).contains("missing.sql");
  }

  @Test
  void djangoFileWithoutItsMigrationNameIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path file = Files.writeString(dir.resolve("0002.sql"), "ALTER TABLE t ADD COLUMN c int;");
    Path plan = dir.resolve("p.conf");
    CliRun.Result r = CliRun.run("import", "--from", "django", "--id", "x", "--databases", "authdb",
        "-o", plan.toString(), file.toString());
    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err()).contains("APP.MIGRATION.sql");
    assertThat(plan).doesNotExist();
  }

  @Test
  void unknownToolIsBadInput() {
    CliRun.Result r = CliRun.run("import", "--from", "liquibase", "--id", "x", "--databases", "authdb", "a.sql");
    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("unknown tool 'liquibase'");
  }
}
