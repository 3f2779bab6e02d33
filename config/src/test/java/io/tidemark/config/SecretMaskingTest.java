package io.tidemark.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretMaskingTest {
  static final String PASSWORD = "hunter2-db-password";
  static final String URL_PASSWORD = "url-embedded-pw";
  static final String TOKEN = "tok-0123456789abcdef";
  static final String ENV_PASSWORD = "env-provided-pw";
  static final List<String> SECRETS = List.of(PASSWORD, URL_PASSWORD, TOKEN, ENV_PASSWORD);

  static final String VALID = """
      tidemark {
        auth.tokens = [ { name = ci, role = submitter, token = "%s" } ]
        databases {
          authdb { url = "postgresql://app:%s@db1:5432/authdb" }
          apidb  { url = "postgresql://app@db1/apidb", password = "%s" }
          admindb { url = "postgresql://app@db2/admindb", password = ${?ADMINDB_PASSWORD} }
        }
        defaults.throttle.http-check = "https://health.example.com/check?key=abc"
        hooks = [ { name = chat, events = [completed], url = "https://hooks.example.com/services/T0/B0/XYZ" } ]
      }
      """.formatted(TOKEN, URL_PASSWORD, PASSWORD);

  static final Map<String, String> ENV = Map.of("ADMINDB_PASSWORD", ENV_PASSWORD);

  @Test
  void toStringDescribeAndWarningsShowNoSecret() {
    TidemarkConfig config = ConfigLoader.parse(VALID, ENV);

    assertThat(config.database("authdb").password().reveal()).isEqualTo(URL_PASSWORD);
    assertThat(config.database("admindb").password().reveal()).isEqualTo(ENV_PASSWORD);
    String everything = config + "\n" + config.describe() + "\n" + config.warnings();
    SECRETS.forEach(secret -> assertThat(everything).doesNotContain(secret));
    assertThat(everything).contains("password=****", "token=****");
    assertThat(config.warnings()).extracting(ConfigProblem::code).containsExactly("password-in-url");
  }

  @Test
  void webhookAndCheckUrlsShowOnlyTheirHost() {
    TidemarkConfig config = ConfigLoader.parse(VALID, ENV);

    assertThat(config.hooks().get(0).url()).contains("https://hooks.example.com/services/T0/B0/XYZ");
    assertThat(config.hooks().get(0).toString()).contains("url=https://hooks.example.com/…").doesNotContain("XYZ");
    assertThat(config.defaults().throttle().toString()).contains("https://health.example.com/…").doesNotContain("key=");
  }

  @Test
  void secretsInBadNeighbouringValuesAreCutOutOfEveryProblem() {
    String hocon = VALID + """
        tidemark.defaults.ddl.lock-timeout = "%1$s"
        tidemark.http.max-body-size = "%2$s"
        tidemark.daemon.log-format = ${?ADMINDB_PASSWORD}
        tidemark.http.host { x = ${?ADMINDB_PASSWORD} }
        tidemark.auth.tokens = [ { name = ci, role = "%2$s", token = "%2$s" } ]
        tidemark.groups.tenants = [authdb, "%1$s", %2$s]
        tidemark.databases.apidb.url = "postgresql://app:%1$s@db1:notaport/apidb"
        """.formatted(PASSWORD, TOKEN);

    ConfigException e = refuse(hocon);

    assertThat(e.problems()).extracting(p -> p.path() + " " + p.code()).containsExactlyInAnyOrder(
        "tidemark.defaults.ddl.lock-timeout bad-duration",
        "tidemark.http.max-body-size bad-size",
        "tidemark.daemon.log-format bad-log-format",
        "tidemark.http.host wrong-type",
        "tidemark.auth.tokens[0].role unknown-role",
        "tidemark.groups.tenants[1] unknown-database",
        "tidemark.groups.tenants[2] unknown-database",
        "tidemark.databases.apidb.url bad-port");
    String everything = e.getMessage() + e.problems();
    SECRETS.forEach(secret -> assertThat(everything).doesNotContain(secret));
  }

  @Test
  void aSecretUsedAsANameIsCutOutOfThePathToo() {
    List<ConfigProblem> problems = refuse(VALID + "tidemark.groups { \"%s\" = [nosuch] }\n".formatted(TOKEN)).problems();

    assertThat(problems).extracting(p -> p.path() + " " + p.code())
        .containsExactly("tidemark.groups.****[0] unknown-database");
  }

  @Test
  void aSyntaxErrorDoesNotQuoteTheTextItChokedOn() {
    List<ConfigProblem> problems = refuse("tidemark { databases { \"%s\" } }".formatted(PASSWORD)).problems();

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.code()).isEqualTo("syntax-error");
      assertThat(p.path()).isEqualTo("tidemark.conf:1");
      assertThat(p.message()).doesNotContain(PASSWORD).isNotBlank();
    });
  }

  @Test
  void secretNeverPrintsItsValue() {
    assertThat(Secret.of(PASSWORD)).hasToString("****");
    assertThat(Secret.empty()).hasToString("<empty>");
    assertThat(new AuthToken("ci", Role.VIEWER, Secret.of(TOKEN)).toString()).doesNotContain(TOKEN);
    HookConfig hook = new HookConfig("h", List.of("failed"), Optional.empty(), Optional.of("not a url " + TOKEN),
        Duration.ofSeconds(1));
    assertThat(hook.toString()).doesNotContain(TOKEN);
  }

  private static ConfigException refuse(String hocon) {
    try {
      ConfigLoader.parse(hocon, ENV);
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("config was accepted");
  }
}
