package io.tidemark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each case is a valid file plus one change (later HOCON keys override earlier ones), and asserts exactly
 * the problems reported, as "path code": the one it is about and nothing else (no cascade of follow-ups).
 */
class BadConfigTest {
  static final String VALID = """
      tidemark {
        auth.tokens = [
          { name = ci, role = submitter, token = "ci-token-0123456789abcdef" }
          { name = oncall, role = operator, token = "oncall-token-0123456789abcdef" }
        ]
        databases {
          authdb  { url = "postgresql://app@db1:5432/authdb", password = "auth-password", server = db1 }
          apidb   { url = "postgresql://app@db1:5432/apidb", server = db1 }
          admindb { url = "postgresql://app@db2:5432/admindb" }
        }
        groups { tenants = [authdb, apidb] }
        servers { db1 { max-concurrent-backfills = 2 } }
        hooks = [ { name = pager, events = [failed], command = ["/usr/local/bin/page"] } ]
      }
      """;

  record Case(String name, String change, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case bad(String name, String change, String... expected) {
    return new Case(name, change, List.of(expected));
  }

  static Stream<Case> cases() {
    return Stream.of(
        // unknown keys, everywhere
        bad("unknown top-level key", "tidemark.htp.port = 1", "tidemark.htp unknown-key"),
        bad("typo in a nested key", "tidemark.defaults.ddl.lock-timout = 1s", "tidemark.defaults.ddl.lock-timout unknown-key"),
        bad("singular tokens", "tidemark.auth.token = []", "tidemark.auth.token unknown-key"),
        bad("unknown key outside tidemark", "tidmark.http.port = 1", "tidmark unknown-key"),
        bad("unknown key in a database", "tidemark.databases.apidb.pool = 3", "tidemark.databases.apidb.pool unknown-key"),
        bad("unknown key in a server", "tidemark.servers.db1.max-backfills = 1", "tidemark.servers.db1.max-backfills unknown-key"),
        bad("unknown key in a token",
            "tidemark.auth.tokens = [{ name = ci, role = viewer, token = \"t-0123456789abcdef\", scope = all }]",
            "tidemark.auth.tokens[0].scope unknown-key"),
        bad("unknown key in a hook",
            "tidemark.hooks = [{ name = h, events = [failed], command = [\"/bin/h\"], retries = 3 }]",
            "tidemark.hooks[0].retries unknown-key"),
        // required values
        bad("database without url", "tidemark.databases.extra { server = db1 }", "tidemark.databases.extra.url missing-required"),
        bad("no user in url nor key", "tidemark.databases.apidb.url = \"postgresql://db1/apidb\"",
            "tidemark.databases.apidb.user missing-required"),
        bad("required substitution unset", "tidemark.databases.apidb.password = ${APIDB_PASSWORD}",
            "tidemark.databases.apidb.password unresolved-substitution"),
        // database URLs
        bad("url with another scheme", "tidemark.databases.apidb.url = \"mysql://app@db1/apidb\"",
            "tidemark.databases.apidb.url bad-url-scheme"),
        bad("url without host", "tidemark.databases.apidb.url = \"postgresql://app@/apidb\"",
            "tidemark.databases.apidb.url url-missing-host"),
        bad("url without database", "tidemark.databases.apidb.url = \"postgresql://app@db1:5432\"",
            "tidemark.databases.apidb.url url-missing-database"),
        bad("url port out of range", "tidemark.databases.apidb.url = \"postgresql://app@db1:99999/apidb\"",
            "tidemark.databases.apidb.url bad-port"),
        bad("url port not a number", "tidemark.databases.apidb.url = \"jdbc:postgresql://db1:pg/apidb?user=app\"",
            "tidemark.databases.apidb.url bad-port"),
        bad("url with several hosts", "tidemark.databases.apidb.url = \"postgresql://app@db1,db3/apidb\"",
            "tidemark.databases.apidb.url bad-url"),
        bad("url with a fragment", "tidemark.databases.apidb.url = \"postgresql://app@db1/apidb#main\"",
            "tidemark.databases.apidb.url bad-url"),
        bad("url with unknown sslmode", "tidemark.databases.apidb.url = \"postgresql://app@db1/apidb?sslmode=sometimes\"",
            "tidemark.databases.apidb.url bad-ssl-mode"),
        bad("url with unsupported parameter", "tidemark.databases.apidb.url = \"postgresql://app@db1/apidb?connect_timeout=5\"",
            "tidemark.databases.apidb.url unsupported-url-parameter"),
        bad("password both in url and key", "tidemark.databases.authdb.url = \"postgresql://app:pw@db1/authdb\"",
            "tidemark.databases.authdb.url conflicting-password"),
        bad("database name with a dot", "tidemark.databases { \"my.db\" { url = \"postgresql://app@db1/mydb\" } }",
            "tidemark.databases.\"my.db\" bad-name"),
        // types, durations, sizes
        bad("bad duration", "tidemark.defaults.ddl.lock-timeout = soon", "tidemark.defaults.ddl.lock-timeout bad-duration"),
        bad("bad size", "tidemark.http.max-body-size = lots", "tidemark.http.max-body-size bad-size"),
        bad("list where a number belongs", "tidemark.http.port = [7654]", "tidemark.http.port wrong-type"),
        bad("section replaced by a number reports once", "tidemark.http = 5", "tidemark.http wrong-type"),
        bad("section set to null reports once", "tidemark.defaults.throttle = null", "tidemark.defaults.throttle wrong-type"),
        bad("database that is a string", "tidemark.databases.apidb = \"postgresql://app@db1/apidb\"",
            "tidemark.databases.apidb wrong-type"),
        bad("number too large", "tidemark.defaults.ddl.max-attempts = 99999999999",
            "tidemark.defaults.ddl.max-attempts wrong-type"),
        bad("fraction where rows are counted", "tidemark.defaults.backfill.min-batch-rows = 1.5",
            "tidemark.defaults.backfill.min-batch-rows wrong-type"),
        bad("not a boolean", "tidemark.defaults.backfill.synchronous-commit = maybe",
            "tidemark.defaults.backfill.synchronous-commit wrong-type"),
        bad("tokens as an object", "tidemark.auth.tokens = { ci = x }", "tidemark.auth.tokens wrong-type"),
        // limits
        bad("zero attempts", "tidemark.defaults.ddl.max-attempts = 0", "tidemark.defaults.ddl.max-attempts not-positive"),
        bad("zero lock timeout", "tidemark.defaults.ddl.lock-timeout = 0", "tidemark.defaults.ddl.lock-timeout not-positive"),
        bad("negative statement timeout", "tidemark.defaults.ddl.statement-timeout = -1s",
            "tidemark.defaults.ddl.statement-timeout negative"),
        bad("negative lock waiters", "tidemark.defaults.throttle.max-lock-waiters = -1",
            "tidemark.defaults.throttle.max-lock-waiters negative"),
        bad("negative rate", "tidemark.defaults.backfill.max-rows-per-second = -5",
            "tidemark.defaults.backfill.max-rows-per-second negative"),
        bad("zero pool size", "tidemark.databases.apidb.pool-size = 0", "tidemark.databases.apidb.pool-size not-positive"),
        bad("unbounded idle-in-transaction timeout", "tidemark.database-defaults.idle-in-transaction-timeout = 0",
            "tidemark.database-defaults.idle-in-transaction-timeout not-positive"),
        bad("negative idle-in-transaction timeout", "tidemark.databases.apidb.idle-in-transaction-timeout = -1s",
            "tidemark.databases.apidb.idle-in-transaction-timeout not-positive"),
        bad("zero server budget", "tidemark.servers.db1.max-concurrent-backfills = 0",
            "tidemark.servers.db1.max-concurrent-backfills not-positive"),
        bad("zero connection budget", "tidemark.servers.db1.max-connections = 0",
            "tidemark.servers.db1.max-connections not-positive"),
        bad("connection budget too small for its backfills", "tidemark.servers.db1.max-connections = 4",
            "tidemark.servers.db1.max-connections budget-too-small"),
        bad("min batch rows above max", "tidemark.defaults.backfill { min-batch-rows = 500, max-batch-rows = 50 }",
            "tidemark.defaults.backfill.min-batch-rows min-above-max"),
        bad("backoff min above max", "tidemark.defaults.ddl.backoff = [60s, 1s]", "tidemark.defaults.ddl.backoff min-above-max"),
        bad("backoff with one bound", "tidemark.defaults.ddl.backoff = [1s]", "tidemark.defaults.ddl.backoff bad-backoff"),
        bad("heartbeat as long as the lease", "tidemark.daemon.heartbeat-interval = 15s",
            "tidemark.daemon.heartbeat-interval heartbeat-not-below-lease"),
        // groups and names
        bad("unknown database in a group", "tidemark.groups.tenants = [authdb, nosuchdb]",
            "tidemark.groups.tenants[1] unknown-database"),
        bad("group named like a database", "tidemark.groups.apidb = [authdb]", "tidemark.groups.apidb duplicate-name"),
        bad("database twice in a group", "tidemark.groups.tenants = [authdb, apidb, authdb]",
            "tidemark.groups.tenants[2] duplicate-member"),
        bad("group inside a group", "tidemark.groups.everything = [tenants, admindb]",
            "tidemark.groups.everything[0] nested-group"),
        bad("empty group", "tidemark.groups.nobody = []", "tidemark.groups.nobody empty-group"),
        bad("unknown state database", "tidemark.state-database = statedb", "tidemark.state-database unknown-database"),
        bad("state database is a group", "tidemark.state-database = tenants", "tidemark.state-database unknown-database"),
        // tokens
        bad("two tokens with one name", """
            tidemark.auth.tokens = [
              { name = ci, role = viewer, token = "t1-0123456789abcdef" }
              { name = ci, role = operator, token = "t2-0123456789abcdef" }
            ]""", "tidemark.auth.tokens[1].name duplicate-token-name"),
        bad("two tokens with one value", """
            tidemark.auth.tokens = [
              { name = ci, role = viewer, token = "same-0123456789abcdef" }
              { name = cd, role = operator, token = "same-0123456789abcdef" }
            ]""", "tidemark.auth.tokens[1].token duplicate-token-value"),
        bad("unknown role", "tidemark.auth.tokens = [{ name = ci, role = admin, token = \"t-0123456789abcdef\" }]",
            "tidemark.auth.tokens[0].role unknown-role"),
        bad("token without a role", "tidemark.auth.tokens = [{ name = ci, token = \"t-0123456789abcdef\" }]",
            "tidemark.auth.tokens[0].role missing-required"),
        // hooks
        bad("hook with command and url",
            "tidemark.hooks = [{ name = h, events = [failed], command = [\"/bin/h\"], url = \"https://x.example\" }]",
            "tidemark.hooks[0] conflicting-hook-target"),
        bad("hook with neither command nor url", "tidemark.hooks = [{ name = h, events = [failed] }]",
            "tidemark.hooks[0] missing-hook-target"),
        bad("hook with an unknown event", "tidemark.hooks = [{ name = h, events = [failed, exploded], command = [\"/bin/h\"] }]",
            "tidemark.hooks[0].events[1] unknown-hook-event"),
        bad("hook with an empty command", "tidemark.hooks = [{ name = h, events = [failed], command = [] }]",
            "tidemark.hooks[0].command bad-command"),
        bad("hook url not http", "tidemark.hooks = [{ name = h, events = [failed], url = \"ftp://x.example/h\" }]",
            "tidemark.hooks[0].url bad-http-url"),
        bad("two hooks with one name", """
            tidemark.hooks = [
              { name = h, events = [failed], command = ["/bin/a"] }
              { name = h, events = [completed], command = ["/bin/b"] }
            ]""", "tidemark.hooks[1].name duplicate-hook-name"),
        // http, throttle, daemon
        bad("http port out of range", "tidemark.http.port = 70000", "tidemark.http.port bad-port"),
        bad("zero idle timeout", "tidemark.http.idle-timeout = 0", "tidemark.http.idle-timeout not-positive"),
        bad("zero request read timeout", "tidemark.http.request-read-timeout = 0s",
            "tidemark.http.request-read-timeout not-positive"),
        bad("no connections allowed", "tidemark.http.max-connections = 0", "tidemark.http.max-connections not-positive"),
        bad("zero plan intake timeout", "tidemark.http.plan-intake-timeout = 0",
            "tidemark.http.plan-intake-timeout not-positive"),
        bad("allowed host with a port", "tidemark.http.allowed-hosts = [\"tidemark.example.com:7654\"]",
            "tidemark.http.allowed-hosts[0] bad-host"),
        bad("allowed host as a url", "tidemark.http.allowed-hosts = [\"https://tidemark.example.com\"]",
            "tidemark.http.allowed-hosts[0] bad-host"),
        bad("allowed hosts not a list", "tidemark.http.allowed-hosts = localhost",
            "tidemark.http.allowed-hosts wrong-type"),
        bad("metrics token not a boolean", "tidemark.http.metrics-require-token = maybe",
            "tidemark.http.metrics-require-token wrong-type"),
        bad("http check not an http url", "tidemark.defaults.throttle.http-check = \"file:///tmp/ok\"",
            "tidemark.defaults.throttle.http-check bad-http-url"),
        bad("unknown log format", "tidemark.daemon.log-format = xml", "tidemark.daemon.log-format bad-log-format"),
        bad("unknown raw sql approval policy", "tidemark.policy.raw-sql-approval = sometimes",
            "tidemark.policy.raw-sql-approval bad-approval-policy"),
        bad("raw sql approval policy not a string", "tidemark.policy.raw-sql-approval = [required]",
            "tidemark.policy.raw-sql-approval wrong-type"));
  }

  @Test
  void theBaseOfEveryCaseIsValid() {
    TidemarkConfig config = ConfigLoader.parse(VALID, Map.of());
    assertThat(config.databases()).hasSize(3);
    assertThat(config.warnings()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsThePathAndCodeOfEachProblem(Case c) {
    assertThat(problems(VALID + c.change() + "\n")).containsExactlyElementsOf(c.expected());
  }

  @Test
  void reportsAMissingDatabasesSection() {
    assertThat(problems("tidemark.http.port = 7654")).containsExactly("tidemark.databases missing-required");
  }

  @Test
  void reportsASyntaxErrorWithItsLine() {
    assertThat(problems("tidemark {\n  http { port = 1 \n  databases = [\n}\n"))
        .singleElement().asString().startsWith("tidemark.conf:").endsWith(" syntax-error");
  }

  @Test
  void reportsEveryProblemOfOneFileAtOnce() {
    String hocon = """
        tidemark {
          state-database = nosuch
          http { port = -1, max-body-size = huge }
          auth.tokens = [
            { name = ci, role = superuser, token = "t-0123456789abcdef" }
            { name = ci, role = viewer, token = "t-0123456789abcdef" }
          ]
          databases {
            authdb { url = "postgresql://app@db1:5432/authdb", colour = blue }
            apidb  { url = "mysql://app@db1/apidb" }
            admindb { url = "postgresql://app@db2:5432/" }
          }
          groups { tenants = [authdb, apidb, ghost], authdb = [apidb] }
          defaults {
            ddl { lock-timeout = forever, max-attempts = 0 }
            backfill { min-batch-rows = 10, max-batch-rows = 5 }
            throttle { http-check = "gopher://x" }
          }
          daemon { lease-duration = 5s, heartbeat-interval = 5s, log-format = yaml }
          hooks = [ { name = h, events = [boom] } ]
        }
        """;

    assertThat(problems(hocon)).containsExactlyInAnyOrder(
        "tidemark.state-database unknown-database",
        "tidemark.http.port bad-port",
        "tidemark.http.max-body-size bad-size",
        "tidemark.auth.tokens[0].role unknown-role",
        "tidemark.auth.tokens[1].name duplicate-token-name",
        "tidemark.auth.tokens[1].token duplicate-token-value",
        "tidemark.databases.authdb.colour unknown-key",
        "tidemark.databases.apidb.url bad-url-scheme",
        "tidemark.databases.admindb.url url-missing-database",
        "tidemark.groups.tenants[2] unknown-database",
        "tidemark.groups.authdb duplicate-name",
        "tidemark.defaults.ddl.lock-timeout bad-duration",
        "tidemark.defaults.ddl.max-attempts not-positive",
        "tidemark.defaults.backfill.min-batch-rows min-above-max",
        "tidemark.defaults.throttle.http-check bad-http-url",
        "tidemark.daemon.heartbeat-interval heartbeat-not-below-lease",
        "tidemark.daemon.log-format bad-log-format",
        "tidemark.hooks[0].events[0] unknown-hook-event",
        "tidemark.hooks[0] missing-hook-target");
  }

  @Test
  void exceptionMessageListsEveryProblem() {
    assertThatThrownBy(() -> ConfigLoader.parse(VALID + "tidemark.http.port = 70000\ntidemark.daemon.log-format = xml\n",
        Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tidemark.http.port: ")
        .hasMessageContaining("[bad-port]")
        .hasMessageContaining("tidemark.daemon.log-format: ")
        .hasMessageContaining("[bad-log-format]");
  }

  @Test
  void suggestsTheKeyMeantByATypo() {
    ConfigException e = refuse(VALID + "tidemark.defaults.ddl.lock-timout = 1s\n");
    assertThat(e.problems().get(0).message()).contains("'lock-timeout'");
  }

  static List<String> problems(String hocon) {
    return refuse(hocon).problems().stream().map(p -> p.path() + " " + p.code()).toList();
  }

  static ConfigException refuse(String hocon) {
    try {
      ConfigLoader.parse(hocon, Map.of());
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("config was accepted:\n" + hocon);
  }
}
