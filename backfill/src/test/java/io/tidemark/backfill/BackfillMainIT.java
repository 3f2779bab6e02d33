package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line contract of {@link BackfillMain}, which the benchmark and scripts read: stdout is
 * exactly one JSON line, the result; the log goes to stderr at INFO (not Logback's default of DEBUG on
 * stdout); exit code 0 when done, 2 on bad arguments.
 */
@ExtendWith(FreshDatabaseExtension.class)
class BackfillMainIT {

  @Test
  void printsOnlyTheResultOnStdoutAndLogsInfoOnStderr(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE cli (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO cli (id) SELECT g FROM generate_series(1, 2000) g");

    Run run = run(dir, "--url", db.url(), "--table", "public.cli", "--set", "n = n + 1");

    assertThat(run.exit()).as(run.stderr()).isZero();
    assertThat(run.stdout().lines().toList()).hasSize(1);
    JsonObject result = new JsonObject(run.stdout().strip());
    assertThat(result.getString("state")).isEqualTo("done");
    assertThat(result.getLong("rows")).isEqualTo(2000L);
    assertThat(run.stderr()).contains("INFO").contains("DONE").doesNotContain("DEBUG");
    assertThat(db.queryRows("SELECT n, count(*) FROM cli GROUP BY n")).containsExactly(List.of(1, 2000L));
  }

  @Test
  void refusesBadArgumentsWithExitTwoAndTouchesNothing(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE refused (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO refused (id) SELECT g FROM generate_series(1, 10) g");

    Run run = run(dir, "--url", db.url(), "--table", "public.refused");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr()).contains("bad arguments");
    assertThat(db.queryLong("SELECT count(*) FROM refused WHERE n <> 0")).isZero();
  }

  private record Run(int exit, String stdout, String stderr) {}

  private static Run run(Path dir, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), BackfillMain.class.getName()));
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("BackfillMain ended within 60 s").isTrue();
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }
}
