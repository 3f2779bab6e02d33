package io.tidemark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  /** The example of docs/deployment.md, verbatim. */
  static final String SPEC_EXAMPLE = """
      tidemark {
        state-database = authdb          # holds the control schema; default: the first database
        http { host = "127.0.0.1", port = 7654 }
        auth.tokens = [                  # bearer tokens; roles: viewer < submitter < operator
          { name = ci,    role = submitter, token = ${?TIDEMARK_CI_TOKEN} }
          { name = oncall, role = operator, token = ${?TIDEMARK_ONCALL_TOKEN} }
        ]
        databases {
          authdb  { url = "postgresql://app@db1:5432/authdb", password = ${?AUTHDB_PASSWORD}, server = db1 }
          apidb   { url = "postgresql://app@db1:5432/apidb",  password = ${?APIDB_PASSWORD},  server = db1 }
          admindb { url = "postgresql://app@db2:5432/admindb", password = ${?ADMINDB_PASSWORD}, server = db2 }
        }
        groups { tenants = [authdb, apidb] }
        servers { db1 { max-concurrent-backfills = 2 } }   # budget shared by all databases on one server
        defaults {
          ddl { lock-timeout = 500ms, statement-timeout = 0, max-attempts = 30, backoff = [1s, 60s] }
          backfill { target-batch-duration = 250ms, min-batch-rows = 100, max-batch-rows = 50000, max-rows-per-second = 0 }
          throttle { max-replication-lag = 10s, max-lock-waiters = 0, max-active-sessions = 0, http-check = "", flag-file = "" }
        }
      }
      """;

  static final Map<String, String> SPEC_ENV = Map.of(
      "TIDEMARK_CI_TOKEN", "ci-token-0123456789abcdef",
      "TIDEMARK_ONCALL_TOKEN", "oncall-token-0123456789abcdef",
      "AUTHDB_PASSWORD", "auth-pw-1",
      "APIDB_PASSWORD", "api-pw-2",
      "ADMINDB_PASSWORD", "admin-pw-3");

  /** The smallest valid file. */
  static final String MINIMAL = """
      tidemark.databases.appdb.url = "postgresql://app@localhost/appdb"
      """;

  @Test
  void loadsTheSpecExampleWithEveryValue() {
    TidemarkConfig config = ConfigLoader.parse(SPEC_EXAMPLE, SPEC_ENV);

    assertThat(config.stateDatabase()).isEqualTo("authdb");
    assertThat(config.http()).isEqualTo(new HttpSettings("127.0.0.1", 7654, 1024 * 1024));
    assertThat(config.tokens()).extracting(AuthToken::name, AuthToken::role)
        .containsExactly(tuple("ci", Role.SUBMITTER), tuple("oncall", Role.OPERATOR));
    assertThat(config.tokens().get(0).token().reveal()).isEqualTo("ci-token-0123456789abcdef");
    assertThat(config.tokens().get(1).token().reveal()).isEqualTo("oncall-token-0123456789abcdef");

    assertThat(config.databases().keySet()).containsExactly("authdb", "apidb", "admindb");
    assertThat(config.database("authdb")).isEqualTo(new DatabaseConfig("authdb", "postgresql://app@db1:5432/authdb",
        "db1", 5432, "authdb", "app", Secret.of("auth-pw-1"), "db1", 4, "prefer", MINUTE));
    assertThat(config.database("apidb")).isEqualTo(new DatabaseConfig("apidb", "postgresql://app@db1:5432/apidb",
        "db1", 5432, "apidb", "app", Secret.of("api-pw-2"), "db1", 4, "prefer", MINUTE));
    assertThat(config.database("admindb")).isEqualTo(new DatabaseConfig("admindb",
        "postgresql://app@db2:5432/admindb", "db2", 5432, "admindb", "app", Secret.of("admin-pw-3"), "db2", 4,
        "prefer", MINUTE));

    assertThat(config.groups()).containsExactly(Map.entry("tenants", List.of("authdb", "apidb")));
    assertThat(config.servers()).containsExactly(
        Map.entry("db1", new ServerConfig("db1", 2)),
        Map.entry("db2", new ServerConfig("db2", 1)));

    assertThat(config.defaults().ddl()).isEqualTo(new DdlSettings(
        Duration.ofMillis(500), Duration.ZERO, 30, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ZERO));
    assertThat(config.defaults().backfill()).isEqualTo(new BackfillSettings(
        Duration.ofMillis(250), 100, 50_000, 0, true));
    assertThat(config.defaults().throttle()).isEqualTo(new ThrottleSettings(
        Duration.ofSeconds(10), 0, 0, "", "", Duration.ofSeconds(1)));
    assertThat(config.daemon().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.hooks()).isEmpty();
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void fillsEveryDefaultFromReferenceConf() {
    TidemarkConfig config = ConfigLoader.parse(MINIMAL, Map.of());

    assertThat(config.stateDatabase()).isEqualTo("appdb");
    assertThat(config.http()).isEqualTo(new HttpSettings("127.0.0.1", 7654, 1_048_576));
    assertThat(config.tokens()).isEmpty();
    assertThat(config.database("appdb")).isEqualTo(new DatabaseConfig("appdb", "postgresql://app@localhost/appdb",
        "localhost", 5432, "appdb", "app", Secret.empty(), "localhost:5432", 4, "prefer", MINUTE));
    assertThat(config.groups()).isEmpty();
    assertThat(config.servers()).containsExactly(Map.entry("localhost:5432", new ServerConfig("localhost:5432", 1)));
    assertThat(config.defaults()).isEqualTo(new Defaults(
        new DdlSettings(Duration.ofMillis(500), Duration.ZERO, 30, Duration.ofSeconds(1), Duration.ofSeconds(60),
            Duration.ZERO),
        new BackfillSettings(Duration.ofMillis(250), 100, 50_000, 0, true),
        new ThrottleSettings(Duration.ofSeconds(10), 0, 0, "", "", Duration.ofSeconds(1))));
    DaemonSettings daemon = config.daemon();
    assertThat(daemon.instanceId()).endsWith("-" + ProcessHandle.current().pid()).hasSizeGreaterThan(2);
    assertThat(daemon).isEqualTo(new DaemonSettings(daemon.instanceId(), Duration.ofSeconds(15),
        Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(30), "text"));
    assertThat(config.policy()).as("raw SQL waits for an operator unless configured otherwise")
        .isEqualTo(new PolicySettings(true));
    assertThat(config.hooks()).isEmpty();
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void readsEverySettingWhenGiven() {
    TidemarkConfig config = ConfigLoader.parse("""
        tidemark {
          state-database = b
          http { host = "0.0.0.0", port = 0, max-body-size = 512KiB, idle-timeout = 5s, request-read-timeout = 2s,
                 max-connections = 10, plan-intake-timeout = 3s, allowed-hosts = ["Tidemark.Example.com", "[::1]"],
                 metrics-require-token = true }
          databases {
            a { url = "postgresql://app@h1/a", pool-size = 2, idle-in-transaction-timeout = 5s }
            b { url = "postgresql://app@h2:6432/b" }
          }
          database-defaults { pool-size = 7, idle-in-transaction-timeout = 2m }
          server-defaults { max-concurrent-backfills = 3, max-connections = 12, connect-timeout = 3s, idle-timeout = 1m }
          servers { "h2:6432" { max-connections = 8, idle-timeout = 500ms } }
          hook-defaults.timeout = 3s
          defaults {
            ddl { lock-timeout = 2s, statement-timeout = 1h, max-attempts = 5, backoff = [100ms, 5s], index-build-lock-timeout = 10m }
            backfill { target-batch-duration = 1s, min-batch-rows = 10, max-batch-rows = 10,
                       max-rows-per-second = 5000000000, synchronous-commit = false }
            throttle { max-replication-lag = 0, max-lock-waiters = 3, max-active-sessions = 40,
                       http-check = "https://health.example.com/db?ok", flag-file = "/run/tidemark/pause",
                       check-interval = 250ms }
          }
          daemon { instance-id = "tm-1", lease-duration = 30s, heartbeat-interval = 10s, poll-interval = 2s,
                   shutdown-timeout = 0, log-format = json }
          policy.raw-sql-approval = not-required
          hooks = [
            { name = pager, events = [failed, rolled-back], command = ["/bin/page", "--team", "db"], timeout = 20s }
            { name = chat, events = [completed], url = "https://chat.example.com/hook/T0/B0" }
          ]
        }
        """, Map.of());

    assertThat(config.stateDatabase()).isEqualTo("b");
    assertThat(config.http()).isEqualTo(new HttpSettings("0.0.0.0", 0, 512 * 1024, Duration.ofSeconds(5),
        Duration.ofSeconds(2), 10, Duration.ofSeconds(3), List.of("tidemark.example.com", "[::1]"), true));
    assertThat(config.database("a").poolSize()).isEqualTo(2);
    assertThat(config.database("b").poolSize()).isEqualTo(7);
    assertThat(config.database("a").idleInTransactionTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.database("b").idleInTransactionTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.database("b").port()).isEqualTo(6432);
    assertThat(config.servers()).containsExactly(
        Map.entry("h2:6432", new ServerConfig("h2:6432", 3, 8, Duration.ofSeconds(3), Duration.ofMillis(500))),
        Map.entry("h1:5432", new ServerConfig("h1:5432", 3, 12, Duration.ofSeconds(3), Duration.ofMinutes(1))));
    assertThat(config.defaults().ddl()).isEqualTo(new DdlSettings(
        Duration.ofSeconds(2), Duration.ofHours(1), 5, Duration.ofMillis(100), Duration.ofSeconds(5),
        Duration.ofMinutes(10)));
    assertThat(config.defaults().backfill()).isEqualTo(new BackfillSettings(
        Duration.ofSeconds(1), 10, 10, 5_000_000_000L, false));
    assertThat(config.defaults().throttle()).isEqualTo(new ThrottleSettings(Duration.ZERO, 3, 40,
        "https://health.example.com/db?ok", "/run/tidemark/pause", Duration.ofMillis(250)));
    assertThat(config.daemon()).isEqualTo(new DaemonSettings("tm-1", Duration.ofSeconds(30), Duration.ofSeconds(10),
        Duration.ofSeconds(2), Duration.ZERO, "json"));
    assertThat(config.policy()).isEqualTo(new PolicySettings(false));
    assertThat(config.hooks()).containsExactly(
        new HookConfig("pager", List.of("failed", "rolled-back"), Optional.of(List.of("/bin/page", "--team", "db")),
            Optional.empty(), Duration.ofSeconds(20)),
        new HookConfig("chat", List.of("completed"), Optional.empty(),
            Optional.of("https://chat.example.com/hook/T0/B0"), Duration.ofSeconds(3)));
  }

  @Test
  void substitutesFromTheGivenEnvironmentOnly() {
    String hocon = """
        tidemark.databases.appdb { url = ${DB_URL}, password = ${?DB_PASSWORD}, user = ${?DB_USER} }
        tidemark.databases.appdb.user = ${?DB_USER_OVERRIDE}
        """;
    TidemarkConfig config = ConfigLoader.parse(hocon,
        Map.of("DB_URL", "postgresql://app@envhost:5433/envdb", "DB_PASSWORD", "from-env", "DB_USER", "envuser"));

    DatabaseConfig db = config.database("appdb");
    assertThat(db.host()).isEqualTo("envhost");
    assertThat(db.port()).isEqualTo(5433);
    assertThat(db.database()).isEqualTo("envdb");
    assertThat(db.password().reveal()).isEqualTo("from-env");
    // The unset ${?DB_USER_OVERRIDE} leaves the earlier value in place, as HOCON promises.
    assertThat(db.user()).isEqualTo("envuser");
  }

  @Test
  void doesNotConsultTheProcessEnvironmentInTheMapOverload() {
    String variable = System.getenv().keySet().stream().filter(k -> k.matches("[A-Z_]+")).findFirst().orElse("PATH");
    String hocon = MINIMAL + "tidemark.daemon.instance-id = ${?" + variable + "}\n";

    assertThat(ConfigLoader.parse(hocon, Map.of("X", "y")).daemon().instanceId())
        .endsWith("-" + ProcessHandle.current().pid());
    assertThat(ConfigLoader.parse(hocon, Map.of(variable, "from-map")).daemon().instanceId()).isEqualTo("from-map");
  }

  @Test
  void theOneArgumentParseUsesTheProcessEnvironment() {
    String variable = System.getenv().entrySet().stream()
        .filter(e -> e.getKey().matches("[A-Z_]+") && !e.getValue().isBlank())
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    TidemarkConfig config = ConfigLoader.parse(MINIMAL + "tidemark.daemon.instance-id = ${?" + variable + "}\n");
    assertThat(config.daemon().instanceId()).isEqualTo(System.getenv(variable).strip());
  }

  @Test
  void selfReferencesResolveWithinTheFile() {
    TidemarkConfig config = ConfigLoader.parse("""
        tidemark.databases { a.url = "postgresql://app@db1:5432/a", b.url = ${tidemark.databases.a.url}"2" }
        """, Map.of());
    assertThat(config.database("b").database()).isEqualTo("a2");
  }

  @Test
  void dropsATokenWhoseVariableIsUnsetWithAWarning() {
    TidemarkConfig config = ConfigLoader.parse(SPEC_EXAMPLE, Map.of("TIDEMARK_ONCALL_TOKEN", "oncall-0123456789abcdef"));

    assertThat(config.tokens()).extracting(AuthToken::name).containsExactly("oncall");
    assertThat(config.warnings()).extracting(ConfigProblem::path, ConfigProblem::code)
        .containsExactly(tuple("tidemark.auth.tokens[0].token", "token-unset"));
    assertThat(config.database("authdb").password().isEmpty()).isTrue();
  }

  @Test
  void warnsAboutShortTokensAndUnusedServers() {
    TidemarkConfig config = ConfigLoader.parse(MINIMAL + """
        tidemark.auth.tokens = [ { name = ci, role = viewer, token = "short" } ]
        tidemark.servers.spare.max-concurrent-backfills = 1
        """, Map.of());

    assertThat(config.warnings()).extracting(ConfigProblem::path, ConfigProblem::code).containsExactlyInAnyOrder(
        tuple("tidemark.auth.tokens[0].token", "weak-token"), tuple("tidemark.servers.spare", "unused-server"));
    assertThat(config.servers()).containsKeys("spare", "localhost:5432");
  }

  @Test
  void acceptsTheThreeUrlFormsAndMovesAPasswordOutOfTheUrl() {
    TidemarkConfig config = ConfigLoader.parse("""
        tidemark.databases {
          a { url = "postgresql://app:s%40cret@db1:5432/a?sslmode=require" }
          b { url = "postgres://app@db1/b" }
          c { url = "jdbc:postgresql://db2:6000/c?user=jdbcuser&password=jdbc-pw&sslmode=verify-full" }
          d { url = "postgresql://app@[::1]:5433/d" }
        }
        """, Map.of());

    DatabaseConfig a = config.database("a");
    assertThat(a.url()).isEqualTo("postgresql://app@db1:5432/a?sslmode=require");
    assertThat(a.password().reveal()).isEqualTo("s@cret");
    assertThat(a.sslMode()).isEqualTo("require");
    assertThat(config.database("b")).extracting(DatabaseConfig::host, DatabaseConfig::port, DatabaseConfig::database)
        .containsExactly("db1", 5432, "b");
    DatabaseConfig c = config.database("c");
    assertThat(c.url()).isEqualTo("jdbc:postgresql://db2:6000/c?user=jdbcuser&sslmode=verify-full");
    assertThat(c.user()).isEqualTo("jdbcuser");
    assertThat(c.password().reveal()).isEqualTo("jdbc-pw");
    assertThat(c.sslMode()).isEqualTo("verify-full");
    assertThat(c.server()).isEqualTo("db2:6000");
    DatabaseConfig d = config.database("d");
    assertThat(d.host()).isEqualTo("::1");
    assertThat(d.server()).isEqualTo("[::1]:5433");
    assertThat(d.describe()).isEqualTo("app@[::1]:5433/d");
    assertThat(config.warnings()).extracting(ConfigProblem::path, ConfigProblem::code).containsExactly(
        tuple("tidemark.databases.a.url", "password-in-url"), tuple("tidemark.databases.c.url", "password-in-url"));
  }

  @Test
  void warnsWhenTwoNamesPointAtOneDatabase() {
    TidemarkConfig config = ConfigLoader.parse("""
        tidemark.databases { a.url = "postgresql://app@db1/x", b.url = "postgres://other@db1:5432/x" }
        """, Map.of());
    assertThat(config.warnings()).extracting(ConfigProblem::path, ConfigProblem::code)
        .containsExactly(tuple("tidemark.databases.b.url", "same-database-twice"));
  }

  @Test
  void userKeyOverridesTheUrlUser() {
    TidemarkConfig config = ConfigLoader.parse("""
        tidemark.databases.a { url = "postgresql://app@db1/a", user = migrator }
        """, Map.of());
    assertThat(config.database("a").user()).isEqualTo("migrator");
    assertThat(config.database("a").url()).isEqualTo("postgresql://app@db1/a");
  }

  @Test
  void keepsTheOrderOfTheFileEvenOnOneLine() {
    TidemarkConfig config = ConfigLoader.parse("""
        tidemark.databases {
          zeta { url = "postgresql://u@h/z" }, alpha { url = "postgresql://u@h/a" }
          mid { url = "postgresql://u@h/m" }
        }
        tidemark.groups { zz = [mid, zeta], aa = [alpha] }
        """, Map.of());

    assertThat(config.databases().keySet()).containsExactly("zeta", "alpha", "mid");
    assertThat(config.stateDatabase()).isEqualTo("zeta");
    assertThat(config.groups().keySet()).containsExactly("zz", "aa");
    assertThat(config.groups().get("zz")).containsExactly("mid", "zeta");
  }

  @Test
  void loadsAFileFromDisk(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tidemark.conf");
    Files.writeString(file, MINIMAL + "tidemark.http.port = 9000\n");
    assertThat(ConfigLoader.load(file).http().port()).isEqualTo(9000);
  }

  @Test
  void reportsASyntaxErrorInAFileByFileAndLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tidemark.conf");
    Files.writeString(file, MINIMAL + "tidemark.http {\n");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(ConfigProblem::path, ConfigProblem::code)
            .containsExactly(tuple(file + ":3", "syntax-error")));
  }

  @Test
  void reportsAMissingFileByItsPath(@TempDir Path dir) {
    Path file = dir.resolve("absent.conf");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(ConfigProblem::path, ConfigProblem::code)
            .containsExactly(tuple(file.toString(), "unreadable-file")));
  }

  @Test
  void retentionDefaultsComeFromTheReferenceAndBadValuesAreListedByPath() {
    assertThat(ConfigLoader.parse(MINIMAL).retention()).isEqualTo(new RetentionSettings(Duration.ofDays(30),
        Duration.ofDays(90), Duration.ofMinutes(10), 1000));
    assertThat(ConfigLoader.parse(MINIMAL + "tidemark.retention { events = 0, ended-plans = 7d, batch-size = 50 }")
        .retention()).isEqualTo(new RetentionSettings(Duration.ZERO, Duration.ofDays(7), Duration.ofMinutes(10), 50));
    assertThatThrownBy(() -> ConfigLoader.parse(MINIMAL
        + "tidemark.retention { events = -1d, interval = 0s, batch-size = 1000000 }"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(ConfigProblem::path, ConfigProblem::code)
            .containsExactlyInAnyOrder(tuple("tidemark.retention.events", "negative"),
                tuple("tidemark.retention.interval", "not-positive"),
                tuple("tidemark.retention.batch-size", "too-large")));
  }

  @Test
  void describesTheFleetForTheStartupLog() {
    TidemarkConfig config = ConfigLoader.parse(SPEC_EXAMPLE, SPEC_ENV);
    assertThat(config.describe()).isEqualTo("state database authdb; databases: "
        + "authdb = app@db1:5432/authdb (server db1, sslmode prefer, pool 4), "
        + "apidb = app@db1:5432/apidb (server db1, sslmode prefer, pool 4), "
        + "admindb = app@db2:5432/admindb (server db2, sslmode prefer, pool 4); "
        + "groups: tenants = [authdb, apidb]; servers: db1 (max-concurrent-backfills 2, max-connections 10), db2 (max-concurrent-backfills 1, max-connections 10); "
        + "http 127.0.0.1:7654; tokens: ci (submitter), oncall (operator); hooks: none; raw-sql-approval required");
  }
}
