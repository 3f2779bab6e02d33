package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static io.tidemark.daemon.exec.ExecFixtures.ddl;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.Phase;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class PreflightIT {
  private static final String ROLE = "tm_preflight_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE customers (id bigint PRIMARY KEY, name text)",
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer, email text)",
        "CREATE TABLE logs (line text)",
        "CREATE VIEW recent AS SELECT * FROM orders",
        "CREATE SCHEMA billing",
        "CREATE DOMAIN billing.money_amount AS numeric(12, 2) CHECK (VALUE >= 0)",
        "CREATE TYPE \"OrderState\" AS ENUM ('open', 'closed')",
        "CREATE ROLE " + ROLE + " LOGIN");
  }

  @AfterAll
  static void tearDown(TestDatabase db) {
    await(vertx.close());
    db.execute("DROP ROLE IF EXISTS " + ROLE);
  }

  @Test
  void reportsEveryProblemPerStepBeforeAnythingRuns(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        ddl("expand[0]/create-table", "CREATE TABLE IF NOT EXISTS \"public\".\"audit\" (\"id\" bigint PRIMARY KEY)"),
        ddl("expand[1]/add-column", "ALTER TABLE \"public\".\"missing\" ADD COLUMN IF NOT EXISTS \"x\" text"),
        ddl("expand[2]/add-column", "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"email\" integer"),
        ExecFixtures.step("expand[3]/create-index", new StepAction.NonTransactionalDdl(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"customers_pkey\" ON \"public\".\"orders\" (\"id\")", Optional.empty()),
            Optional.empty()),
        ddl("expand[4]/add-foreign-key", "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_customer_fk\" "
            + "FOREIGN KEY (\"customer_id\") REFERENCES \"public\".\"customers\" (\"id\") NOT VALID"),
        ddl("expand[5]/add-column", "ALTER TABLE \"public\".\"audit\" ADD COLUMN IF NOT EXISTS \"note\" text"),
        ddl("expand[6]/add-column", "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"extra\" no_such_type"),
        ddl("expand[7]/add-check", "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_pkey\" CHECK (id > 0) NOT VALID"),
        ddl("expand[8]/add-column", "ALTER TABLE \"public\".\"recent\" ADD COLUMN IF NOT EXISTS \"y\" text"),
        ddl("expand[9]/add-foreign-key", "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_email_fk\" "
            + "FOREIGN KEY (\"email\") REFERENCES \"public\".\"customers\" (\"name\") NOT VALID"),
        ExecFixtures.step(Phase.MIGRATE, "migrate[0]/backfill", new StepAction.Backfill(new BackfillSpec("public", "logs",
            "line = 'x'", Optional.empty(), OptionalLong.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty())),
            Optional.empty()),
        ExecFixtures.step(Phase.CONTRACT, "contract[0]/set-not-null", new StepAction.ValidateConstraint(
            "ALTER TABLE \"public\".\"orders\" VALIDATE CONSTRAINT \"c\"", "public", "orders", "c", "SELECT 0", "SELECT 1"),
            Optional.empty()),
        ddl("contract[1]/set-not-null", "ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"nope\" SET NOT NULL"));

    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));
    report.problems().forEach(p -> System.out.println("preflight: " + p));

    assertThat(report.ok()).isFalse();
    assertThat(report.serverVersionNum()).isGreaterThanOrEqualTo(120000);
    assertThat(report.problems()).extracting(p -> p.stepId().orElse("-") + " " + p.code()).containsExactly(
        "expand[1]/add-column table-missing",
        "expand[2]/add-column column-type-conflict",
        "expand[3]/create-index index-conflict",
        "expand[4]/add-foreign-key foreign-key-type-mismatch",
        "expand[6]/add-column unknown-type",
        "expand[7]/add-check constraint-conflict",
        "expand[8]/add-column not-a-table",
        "expand[9]/add-foreign-key referenced-key-not-unique",
        "migrate[0]/backfill no-unique-key",
        "contract[1]/set-not-null column-missing");
  }

  @Test
  void aCleanPlanPasses(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        ddl("expand[0]/add-column", "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"customer\" bigint"),
        ddl("expand[1]/add-foreign-key", "ALTER TABLE \"public\".\"orders\" ADD CONSTRAINT \"orders_customer_fk\" "
            + "FOREIGN KEY (\"customer\") REFERENCES \"public\".\"customers\" (\"id\") NOT VALID"),
        ExecFixtures.step(Phase.MIGRATE, "migrate[0]/backfill", new StepAction.Backfill(new BackfillSpec("public", "orders",
            "customer = customer_id", Optional.empty(), OptionalLong.empty(), Optional.empty(), OptionalInt.empty(),
            OptionalInt.empty())), Optional.empty()));
    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));
    assertThat(report.problems()).isEmpty();
    assertThat(report.ok()).isTrue();
  }

  @Test
  void aUserWhoDoesNotOwnTheTableIsRefused(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        ddl("expand[0]/add-column", "ALTER TABLE \"public\".\"orders\" ADD COLUMN IF NOT EXISTS \"z\" text"),
        ddl("expand[1]/create-table", "CREATE TABLE IF NOT EXISTS \"public\".\"t2\" (\"id\" int)"));
    PgConnectOptions asApp = new PgConnectOptions(ExecFixtures.options(db)).setUser(ROLE);
    PreflightReport report = await(new Preflight(vertx).check(plan, "db", asApp));
    assertThat(report.currentUser()).isEqualTo(ROLE);
    assertThat(report.problems()).extracting(p -> p.stepId().orElse("-") + " " + p.code()).containsExactly(
        "expand[0]/add-column not-owner", "expand[1]/create-table no-create-privilege");
  }

  /** Types come typed from the add_column operation and PostgreSQL parses each whole, modifiers included. */
  @Test
  void declaredTypesWithModifiersCommasArraysSchemasAndQuotesAreFound(TestDatabase db) {
    CompiledPlan plan = compile("""
        { op = add_column, table = orders, column = price, type = "numeric(12, 2)" }
        { op = add_column, table = orders, column = paid_at, type = "timestamp(3) with time zone" }
        { op = add_column, table = orders, column = tags, type = "character varying(20)[]" }
        { op = add_column, table = orders, column = total, type = "billing.money_amount" }
        { op = add_column, table = orders, column = state, type = "\\"OrderState\\"" }
        { op = add_column, table = orders, column = mystery, type = "no_such_type" }
        """);
    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));
    assertThat(report.problems()).extracting(p -> p.stepId().orElse("-") + " " + p.code())
        .containsExactly("expand[5]/add-column unknown-type");
  }

  @Test
  void rawSqlStepsAreCheckedFromTheTokenizersParse(TestDatabase db) {
    CompiledPlan plan = compile("""
        { op = sql, statements = "CREATE SCHEMA IF NOT EXISTS ledger; CREATE TABLE ledger.entries (id bigint, amount numeric(12, 2))" }
        { op = sql, statements = "ALTER TABLE orders ADD COLUMN IF NOT EXISTS note character varying(20)[] DEFAULT '{}'" }
        { op = sql, statements = "ALTER TABLE orders ADD COLUMN IF NOT EXISTS bad no_such_type" }
        { op = sql, statements = "ALTER TABLE nowhere ADD COLUMN IF NOT EXISTS x text" }
        """);
    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));
    assertThat(report.problems()).extracting(p -> p.stepId().orElse("-") + " " + p.code())
        .containsExactly("expand[2]/sql unknown-type", "expand[3]/sql table-missing");
  }

  /**
   * The connection drops in the middle of preflight: a proxy between preflight and the server forwards the
   * first queries and cuts both sockets as soon as the type lookup of expand[1] is sent. Before typed targets
   * this lookup's failure read as {@code unknown-type}.
   */
  @Test
  void aConnectionLostMidWayIsUnreachableNotUnknownType(TestDatabase db) throws Exception {
    CompiledPlan plan = compile("""
        { op = add_column, table = orders, column = k1, type = text }
        { op = add_column, table = orders, column = k2, type = "numeric(12, 2)" }
        """);
    PgConnectOptions direct = ExecFixtures.options(db);
    try (CuttingProxy proxy = new CuttingProxy(direct.getHost(), direct.getPort(), "numeric(12, 2)")) {
      // plain text, so the proxy can see the query go by
      PgConnectOptions viaProxy = new PgConnectOptions(direct).setHost("127.0.0.1").setPort(proxy.port())
          .setSslMode(io.vertx.pgclient.SslMode.DISABLE);
      PreflightReport report = await(new Preflight(vertx).check(plan, "db", viaProxy));
      assertThat(proxy.cut()).isTrue();
      assertThat(report.problems()).extracting(PreflightProblem::code).containsExactly("unreachable");
    }
  }

  /**
   * A one-connection TCP proxy that closes both sides, without forwarding it, once the client sends
   * {@code marker}. Plain blocking sockets on two threads of its own.
   */
  private static final class CuttingProxy implements AutoCloseable {
    private final java.net.ServerSocket server = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress());
    private final java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread acceptor;

    CuttingProxy(String host, int port, String marker) throws java.io.IOException {
      acceptor = new Thread(() -> serve(host, port, marker), "cutting-proxy");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    boolean cut() {
      return cut.get();
    }

    private void serve(String host, int port, String marker) {
      try (java.net.Socket client = server.accept(); java.net.Socket upstream = new java.net.Socket(host, port)) {
        Thread back = new Thread(() -> copy(upstream, client), "cutting-proxy-back");
        back.setDaemon(true);
        back.start();
        byte[] buffer = new byte[8192];
        StringBuilder seen = new StringBuilder();
        var in = client.getInputStream();
        var out = upstream.getOutputStream();
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          seen.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
          if (seen.indexOf(marker) >= 0) {
            cut.set(true);
            return; // closing both sockets: preflight sees its connection drop
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (java.io.IOException e) {
        // the client or the server went away: nothing left to forward
      }
    }

    private static void copy(java.net.Socket from, java.net.Socket to) {
      try {
        from.getInputStream().transferTo(to.getOutputStream());
      } catch (java.io.IOException e) {
        // closed by the other direction
      }
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
    }
  }

  private static CompiledPlan compile(String expand) {
    return PlanCompiler.compileUnresolved(PlanParser.parse("id = p\ndatabases = [db]\nexpand = [\n" + expand
        + "]\nmigrate = []\ncontract = []\n", "preflight.conf"));
  }

  @Test
  void anUnreachableDatabaseIsOneProblem(TestDatabase db) {
    PgConnectOptions nowhere = new PgConnectOptions(ExecFixtures.options(db)).setPort(1);
    PreflightReport report = await(new Preflight(vertx).check(ExecFixtures.plan(), "db", nowhere));
    assertThat(report.problems()).singleElement().satisfies(p -> {
      assertThat(p.stepId()).isEmpty();
      assertThat(p.code()).isEqualTo("unreachable");
    });
  }
}
