package io.tidemark.daemon.api;

import static io.tidemark.daemon.api.ApiFixture.SUBMITTER;
import static io.tidemark.daemon.api.ApiFixture.VIEWER;
import static io.tidemark.daemon.api.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tidemark.backfill.BackfillRun;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.api.ApiFixture.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Hostile plans POSTed to a real daemon over a real socket by a submitter: every include form, substitutions,
 * bombs, deep nesting, NUL characters and out-of-row functions are refused with a 400 naming path and code,
 * fast, without any outbound connection and without storing anything. A volatile user-defined function is
 * refused at preflight, and database errors reach viewers without row data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileIntakeIT {
  private static final String HOCON = "application/hocon";
  private static final String HEAD = "id = hostile\ndatabases = [authdb]\n";
  private static final String BODY = "contract = [{ op = drop_index, name = i }]\n";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Fleet fleet;
  private Daemon daemon;
  private int port;

  @BeforeAll
  void start() {
    logs.start();
    root().addAppender(logs);
    engineLog().setLevel(Level.DEBUG);
    fleet = new Fleet("hostile", 20);
    daemon = fleet.start(ApiFixture.withTokens(fleet.config("hostile1"), ApiFixture.TOKENS, 1024 * 1024));
    port = daemon.httpPort();
  }

  @AfterAll
  void stop() {
    root().detachAppender(logs);
    engineLog().setLevel(null);
    fleet.close();
  }

  @Test
  void everyIncludeFormIsRefusedWithoutAnyOutboundConnection() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + listener.getLocalPort() + "/";
      for (String include : List.of("include \"/etc/passwd\"", "include file(\"/etc/passwd\")",
          "include url(\"" + url + "\")", "include classpath(\"reference.conf\")",
          "include required(url(\"" + url + "\"))", "include required(file(\"/etc/hostname\"))",
          "include url(\"http://127.0.0.1:" + port + "/metrics\")")) {
        assertRefused(include + "\n" + HEAD + BODY, "", "include-not-allowed");
      }
      listener.setSoTimeout(500);
      try (var accepted = listener.accept()) {
        throw new AssertionError("the daemon connected to the listener");
      } catch (SocketTimeoutException expected) {
        // no connection
      }
    }
    assertThat(send(port, "GET", "/plans", VIEWER, null, null).status()).isEqualTo(200);
  }

  @Test
  void substitutionsAreRefusedAndNothingLeaks() {
    Answer config = assertRefused(HEAD + "description = ${tidemark.databases.authdb.url}\n" + BODY, "",
        "substitution-not-allowed");
    assertRefused(HEAD + "description = ${?HOME}\n" + BODY, "", "substitution-not-allowed");
    assertThat(config.body()).doesNotContain("postgresql://");
  }

  @Test
  void bombsAreRefusedFastWithASmallError() {
    StringBuilder bomb = new StringBuilder(HEAD + "a = xxxxxxxxxx\n");
    for (char c = 'b'; c <= 'j'; c++) {
      bomb.append(c).append(" = ").append(("${" + (char) (c - 1) + "}").repeat(10)).append('\n');
    }
    bomb.append("description = ${j}\n");
    assertThat(bomb.length()).isLessThan(512);
    assertFastRefusal(bomb.toString(), "substitution-not-allowed");

    String manyKeys = HEAD + IntStream.range(0, 100_000).mapToObj(i -> "k" + i + "=1").collect(Collectors.joining("\n"));
    Answer keys = assertFastRefusal(manyKeys, "too-large");
    assertThat(keys.body().length()).isLessThan(1_000);

    String deep = HEAD + "x = " + "[".repeat(50_000) + "]".repeat(50_000) + "\n" + BODY;
    assertFastRefusal(deep, "too-deep");
    String deepPath = HEAD + "a" + ".a".repeat(20_000) + " = 1\n" + BODY;
    assertFastRefusal(deepPath, "too-deep");
  }

  @Test
  void nulCharactersAreRefusedByPath() {
    assertRefused(HEAD + "description = \"a\\u0000b\"\n" + BODY, "description", "nul-byte");
    assertRefused("{\"id\": \"hostile\", \"databases\": [\"authdb\"], \"expand\": [{\"op\": \"add_check\", "
        + "\"table\": \"users\", \"name\": \"c\", \"expression\": \"id > 0\\u0000\"}]}", "application/json",
        "expand[0].expression", "nul-byte");
  }

  @Test
  void outOfRowFunctionsSubQueriesAndSmuggledClausesAreRefusedAtSubmit() {
    assertRefused(backfill("email = pg_terminate_backend(pg_backend_pid())::text"), "migrate[0].set",
        "forbidden-function");
    assertRefused(backfill("touched = pg_read_file('/etc/passwd')::int"), "migrate[0].set", "forbidden-function");
    assertRefused(backfill("touched = (SELECT string_agg(email, ','))::int"), "migrate[0].set",
        "subquery-not-allowed");
    assertRefused(backfill("email = 'x' FROM (SELECT 1) AS s"), "migrate[0].set", "not-a-single-expression");
    assertRefused(HEAD + "migrate = [{ op = backfill, table = users, set = \"touched = 1\", "
        + "where = \"pg_sleep(5) IS NOT NULL\" }]", "migrate[0].where", "forbidden-function");
    assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.plans WHERE id = 'hostile'")).isZero();
  }

  @Test
  void volatileUserFunctionIsRefusedAtPreflightAndChangesNothing() {
    fleet.target("authdb").execute("CREATE FUNCTION public.audit_touch(x text) RETURNS text LANGUAGE sql VOLATILE"
        + " AS $$ SELECT x $$");
    String text = "id = volatile-udf\ndatabases = [authdb]\n"
        + "expand = [{ op = add_column, table = users, column = marker, type = text }]\n"
        + "migrate = [{ op = backfill, table = users, set = \"marker = audit_touch(email)\" }]\n";

    assertThat(send(port, "POST", "/plans", SUBMITTER, HOCON, text).status()).isEqualTo(201);
    fleet.awaitPlanState("volatile-udf", "failed", Duration.ofSeconds(60));

    JsonObject plan = new JsonObject(send(port, "GET", "/plans/volatile-udf", VIEWER, null, null).body());
    assertThat(plan.getString("last-error")).contains("volatile-function").contains("audit_touch");
    assertThat(fleet.target("authdb").queryLong("SELECT count(*) FROM information_schema.columns"
        + " WHERE table_name = 'users' AND column_name = 'marker'")).isZero();
  }

  @Test
  void databaseErrorsReachViewersWithoutRowData() {
    fleet.target("apidb").execute("ALTER TABLE public.users ADD COLUMN code int CONSTRAINT code_positive"
        + " CHECK (code > 0)");
    String violation = "id = check-violation\ndatabases = [apidb]\n"
        + "migrate = [{ op = backfill, table = users, set = \"code = -1\" }]\n";
    String cast = "id = cast-error\ndatabases = [admindb]\n"
        + "migrate = [{ op = backfill, table = users, set = \"touched = email::int\" }]\n";

    assertThat(send(port, "POST", "/plans", SUBMITTER, HOCON, violation).status()).isEqualTo(201);
    assertThat(send(port, "POST", "/plans", SUBMITTER, HOCON, cast).status()).isEqualTo(201);
    fleet.awaitPlanState("check-violation", "failed", Duration.ofSeconds(60));
    fleet.awaitPlanState("cast-error", "failed", Duration.ofSeconds(60));

    String shownViolation = send(port, "GET", "/plans/check-violation", VIEWER, null, null).body();
    String shownCast = send(port, "GET", "/plans/cast-error", VIEWER, null, null).body();
    String events = send(port, "GET", "/plans/cast-error/events", VIEWER, null, null).body();
    assertThat(shownViolation).contains("23514").doesNotContain("example.com").doesNotContain("Failing row");
    assertThat(shownCast).contains("22P02").doesNotContain("example.com");
    assertThat(events).doesNotContain("example.com");
    assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.step_states WHERE last_error LIKE '%example.com%'"))
        .isZero();
    // Row data stays out of the log at INFO and above; an operator who turns DEBUG on for the engine sees it.
    assertThat(logs.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
        .noneMatch(e -> e.getFormattedMessage().contains("Failing row") || e.getFormattedMessage().contains("example.com"));
    assertThat(logs.list).anySatisfy(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.DEBUG);
      assertThat(e.getFormattedMessage()).contains("Failing row contains");
    });
  }

  private static Logger engineLog() {
    return (Logger) LoggerFactory.getLogger(BackfillRun.class);
  }

  private static String backfill(String set) {
    return HEAD + "migrate = [{ op = backfill, table = users, set = \"" + set.replace("\"", "\\\"") + "\" }]\n";
  }

  private Answer assertRefused(String text, String path, String code) {
    return assertRefused(text, HOCON, path, code);
  }

  private Answer assertRefused(String text, String contentType, String path, String code) {
    Answer a = send(port, "POST", "/plans", SUBMITTER, contentType, text);
    assertThat(a.status()).as("%s: %s", code, a.body()).isEqualTo(400);
    JsonArray details = new JsonObject(a.body()).getJsonArray("details");
    assertThat(details.stream().map(JsonObject.class::cast).map(d -> d.getString("path") + " " + d.getString("code")))
        .as(a.body()).contains(path + " " + code);
    return a;
  }

  private Answer assertFastRefusal(String text, String code) {
    long start = System.nanoTime();
    Answer a = assertRefused(text, "", code);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as(code).isLessThan(Duration.ofSeconds(1));
    return a;
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
