package io.tidemark.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Secret;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tidemark's own sessions against a database whose owner set {@code standard_conforming_strings = off}
 * (ALTER DATABASE ... SET, the realistic override): Tidemark's sessions still run with {@code on}, and a
 * session that comes up with {@code off} anyway is refused with a message naming server and database.
 */
class SessionSettingsIT {
  private static Vertx vertx;
  private TestDatabase db;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    await(vertx.close());
  }

  @BeforeEach
  void offByDatabaseSetting() {
    db = TestDatabase.create("sessionsettings");
    db.execute("ALTER DATABASE \"" + db.name() + "\" SET standard_conforming_strings = off");
  }

  @AfterEach
  void drop() {
    db.close();
  }

  private DatabaseConfig config() {
    var s = db.server();
    return new DatabaseConfig(db.name(), db.url(), s.host(), s.port(), db.name(), s.user(),
        s.password() == null ? Secret.empty() : Secret.of(s.password()), "pg-it", 1, "disable",
        Duration.ofSeconds(42));
  }

  @Test
  void tidemarkSessionsRunWithConformingStringsTheirNameAndABoundedIdleTimeout() {
    DatabaseConfig config = config();
    PgConnection conn = await(PgConnection.connect(vertx, PgConnections.options(config, "tidemark/it")));
    try {
      Row row = await(conn.query("SELECT current_setting('standard_conforming_strings') AS scs, "
          + "current_setting('application_name') AS app, "
          + "current_setting('idle_in_transaction_session_timeout') AS idle").execute()).iterator().next();
      assertThat(row.getString("scs")).isEqualTo("on");
      assertThat(row.getString("app")).isEqualTo("tidemark/it");
      assertThat(row.getString("idle")).isEqualTo("42s");
      // and '\'' is one backslash in a string, as Tidemark's lexer reads it
      assertThat(await(conn.query("SELECT length('\\') AS n").execute()).iterator().next().getInteger("n")).isEqualTo(1);
      await(PgConnections.verify(conn, config));
    } finally {
      await(conn.close());
    }
  }

  @Test
  void aSessionThatComesUpWithConformingStringsOffIsRefusedNamingServerAndDatabase() {
    DatabaseConfig config = config();
    // What a pooler or proxy that drops startup parameters does: the database's `off` wins.
    PgConnectOptions stripped = PgConnections.options(config, "tidemark/it");
    stripped.getProperties().remove("standard_conforming_strings");
    PgConnection conn = await(PgConnection.connect(vertx, stripped));
    try {
      assertThatThrownBy(() -> await(PgConnections.verify(conn, config)))
          .isInstanceOf(SessionRefusedException.class)
          .hasMessageContaining("server pg-it")
          .hasMessageContaining("database " + db.name())
          .hasMessageContaining("standard_conforming_strings = off");
      assertThat(Failures.kind(catchFailure(PgConnections.verify(conn, config)))).isEqualTo(FailureKind.PERMANENT);
    } finally {
      await(conn.close());
    }
  }

  private static Throwable catchFailure(Future<?> f) {
    try {
      await(f);
      throw new AssertionError("expected a failure");
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
