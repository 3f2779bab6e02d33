package io.tidemark.daemon.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.cli.ImportSources;
import io.tidemark.daemon.ops.ActionResult;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.imports.Bookkeeping;
import io.tidemark.planner.imports.ImportRequest;
import io.tidemark.planner.imports.ImportResult;
import io.tidemark.planner.imports.Importer;
import io.tidemark.planner.imports.SourceTool;
import io.tidemark.planner.plan.PlanParser;
import io.tidemark.testkit.AppSession;
import io.tidemark.testkit.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What every import IT does: a state database, the target the imported plan runs on and a twin the tool's own
 * SQL runs on, both loaded with the same "before" schema and data; the plan runs through a real daemon (submit,
 * expand, migrate, approve, contract) while an application session keeps working on the target; then the two
 * catalogs must be equal and the application must never have waited longer than lock_timeout plus a margin.
 */
final class ImportHarness implements AutoCloseable {
  static final String DATABASE = "appdb";
  /** The DDL lock_timeout of the test daemon's config ({@link Fixtures#config}). */
  static final long LOCK_TIMEOUT_MILLIS = 500;
  /** Scheduling and round trips on a shared two-core machine. */
  static final long MARGIN_MILLIS = 700;
  static final Path FIXTURES = Path.of("../planner/src/test/resources/imports").toAbsolutePath().normalize();
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * Every column (type, nullability, default), constraint (definition, validated), index (definition, valid),
   * enum (labels in order) and trigger outside PostgreSQL's and Tidemark's own schemas, one sorted line each.
   */
  private static final String CATALOG = """
      SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
        SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS line
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE n.nspname NOT IN ('tidemark', 'pg_catalog', 'information_schema', 'pg_toast')
           AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT 'constraint ' || n.nspname || '.' || cl.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)
               || CASE WHEN co.convalidated THEN '' ELSE ' NOT VALIDATED' END
          FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = co.connamespace
         WHERE n.nspname NOT IN ('tidemark', 'pg_catalog', 'information_schema')
        UNION ALL
        SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('tidemark', 'pg_catalog', 'information_schema', 'pg_toast')
        UNION ALL
        SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
          FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname
        UNION ALL
        SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal) lines""";

  final TestDatabase state;
  final TestDatabase target;
  final TestDatabase twin;

  ImportHarness(String prefix) {
    state = TestDatabase.create(prefix + "state");
    target = TestDatabase.create(prefix + "target");
    twin = TestDatabase.create(prefix + "twin");
  }

  /** Runs {@code sql} on the target and on the twin. */
  void onBoth(String sql) {
    target.execute(sql);
    twin.execute(sql);
  }

  static Path fixture(String path) {
    return FIXTURES.resolve(path);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The import, as {@code tidemark import --from TOOL --databases appdb [--schema ...] PATH...} makes it. */
  static ImportResult importPlan(SourceTool tool, List<Path> paths, List<Path> schema) throws IOException {
    ImportResult r = Importer.run(new ImportRequest(tool, "imported-" + tool.cliName(), List.of(DATABASE),
        ImportSources.read(tool, paths), Bookkeeping.CONTRACT, ImportSources.read(SourceTool.SQL, schema)));
    assertThat(r.decisions()).as(r.plan()).isEmpty();
    assertThat(r.problems()).as(r.plan()).isEmpty();
    return r;
  }

  /**
   * Runs {@code planText} on the target through a daemon, approving its raw SQL and its contract as an operator
   * would when it waits for them, while an application session runs {@code appSql} on the target every few
   * milliseconds. Returns that session.
   */
  AppSession runUnderLoad(String planText, String appSql) {
    return runUnderLoad(planText, appSql, app -> { });
  }

  /**
   * As {@link #runUnderLoad(String, String)}; {@code beforeContract} runs once when the plan waits for its contract
   * approval (expand and migrate done), with the application session: the point where the old release retires.
   */
  AppSession runUnderLoad(String planText, String appSql, Consumer<AppSession> beforeContract) {
    TidemarkConfig config = Fixtures.config("import-it", state, Map.of(DATABASE, target), List.of());
    CompiledPlan plan = PlanCompiler.compile(PlanParser.parse(planText, "imported.conf", config), config);
    AppSession app = AppSession.start(target, appSql, 2);
    Daemon daemon = Fleet.get(Daemon.start(config));
    try {
      assertThat(Fleet.get(daemon.operations().submit(plan, planText, "import-it")))
          .isInstanceOf(ActionResult.Done.class);
      // An operator approves twice at most: the raw SQL before the first step (raw-sql-approval is required by
      // default and an imported plan has sql steps), then contract after migrate.
      for (int approvals = 0; approvals <= 2; approvals++) {
        awaitState(plan.id(), "awaiting-approval", "completed");
        if ("completed".equals(planState(plan.id()))) {
          break;
        }
        assertThat(approvals).as("approvals asked for").isLessThan(2);
        if (state.queryLong("SELECT count(*) FROM tidemark.step_states WHERE plan_id = '" + plan.id() + "'") > 0) {
          beforeContract.accept(app);
        }
        assertThat(Fleet.get(daemon.operations().approve(plan.id(), "import-it")))
            .isInstanceOf(ActionResult.Done.class);
      }
      assertThat(planState(plan.id())).isEqualTo("completed");
      // every imported plan has raw sql steps (at least the tool's history), so nothing ran before the approval
      assertThat(state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = '" + plan.id() + "' AND kind"
          + " = 'state-changed' AND message LIKE 'submitted -> awaiting-approval: raw SQL%'")).isEqualTo(1);
    } finally {
      app.stop();
      Fleet.get(daemon.stop());
    }
    return app;
  }

  /** The application never waited longer than lock_timeout plus the margin, and none of its statements failed. */
  static void assertAppNeverBlocked(AppSession app) {
    assertThat(app.executions()).as("application statements run").isGreaterThan(10);
    assertThat(app.errors()).as("application errors, last: %s", app.lastError()).isZero();
    assertThat(app.maxLatencyMillis()).as("longest application wait (ms)")
        .isLessThan(LOCK_TIMEOUT_MILLIS + MARGIN_MILLIS);
  }

  /** The target's catalog equals the twin's, and has no invalid index or unvalidated constraint. */
  void assertSameCatalog() {
    String planned = catalog(target);
    assertThat(planned).doesNotContain(" INVALID", " NOT VALIDATED");
    assertThat(planned).isEqualTo(catalog(twin));
  }

  static String catalog(TestDatabase db) {
    return (String) db.queryValue(CATALOG);
  }

  private String planState(String planId) {
    return (String) state.queryValue("SELECT state FROM tidemark.plans WHERE id = '" + planId + "'");
  }

  private void awaitState(String planId, String... expected) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    List<String> wanted = List.of(expected);
    while (true) {
      String s = planState(planId);
      if (wanted.contains(s)) {
        return;
      }
      if ("failed".equals(s) || "cancelled".equals(s)) {
        throw new AssertionError("plan " + s + ": " + state.queryRows("SELECT database, last_error"
            + " FROM tidemark.plan_databases WHERE plan_id = '" + planId + "'"));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("plan still " + s + " after " + WAIT + ", waiting for " + wanted);
      }
      sleep(100);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Runs a tool's command ({@code /usr/bin/python3 ...}) in {@code dir} with extra environment, waiting at most a
   * minute; returns what it printed (stdout and stderr) and fails the test on a non-zero exit.
   */
  static String command(Path dir, Map<String, String> env, String... args) {
    try {
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(args))).directory(dir.toFile())
          .redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", args) + " did not finish in 60s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(String.join(" ", args) + " printed:\n" + text).isZero();
      return text;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + args[0] + " (install it: see .ci/run)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** libpq environment for a tool connecting to {@code db}. */
  static Map<String, String> libpq(TestDatabase db) {
    var server = db.server();
    java.util.Map<String, String> env = new java.util.HashMap<>(Map.of("PGHOST", server.host(),
        "PGPORT", Integer.toString(server.port()), "PGUSER", server.user(), "PGDATABASE", db.name()));
    if (server.password() != null) {
      env.put("PGPASSWORD", server.password());
    }
    return env;
  }

  @Override
  public void close() {
    target.close();
    twin.close();
    state.close();
  }
}
