package io.tidemark.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Secret;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PgConnectionsTest {
  private static DatabaseConfig db(String sslMode) {
    return new DatabaseConfig("apidb", "postgresql://app@db1:5432/apidb", "db1", 5432, "apidb", "app",
        Secret.of("hunter2"), "db1", 4, sslMode, Duration.ofSeconds(90));
  }

  @Test
  void preferAndRequireEncryptWithoutATrustStoreLikeLibpq() {
    for (String mode : new String[] {"prefer", "require", ""}) {
      PgConnectOptions o = PgConnections.options(db(mode), "tidemark/test");
      assertThat(o.getSslOptions().isTrustAll()).as(mode).isTrue();
      assertThat(o.getSslOptions().getHostnameVerificationAlgorithm()).as(mode).isEmpty();
    }
    assertThat(PgConnections.options(db(""), "x").getSslMode()).isEqualTo(SslMode.PREFER);
  }

  @Test
  void verifyModesCheckTheCertificateAndVerifyFullTheHostName() {
    PgConnectOptions ca = PgConnections.options(db("verify-ca"), "x");
    assertThat(ca.getSslOptions().isTrustAll()).isFalse();
    assertThat(ca.getSslOptions().getTrustOptions()).isNotNull();
    PgConnectOptions full = PgConnections.options(db("VERIFY-FULL"), "x");
    assertThat(full.getSslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(full.getSslOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
  }

  @Test
  void everySessionStartsWithConformingStringsAndTheDatabasesIdleInTransactionTimeout() {
    PgConnectOptions o = PgConnections.options(db("disable"), "tidemark/control");
    assertThat(o.getProperties()).containsEntry("standard_conforming_strings", "on")
        .containsEntry("idle_in_transaction_session_timeout", "90000");
  }

  @Test
  void namesTheSessionAndPassesThePassword() {
    PgConnectOptions o = PgConnections.options(db("disable"), "tidemark/backfill");
    assertThat(o.getProperties()).containsEntry("application_name", "tidemark/backfill");
    assertThat(o.getPassword()).isEqualTo("hunter2");
  }
}
