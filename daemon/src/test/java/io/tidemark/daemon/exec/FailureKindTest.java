package io.tidemark.daemon.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.backfill.db.SqlStates;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class FailureKindTest {
  private static PgException pg(String sqlState) {
    return new PgException("boom", "ERROR", sqlState, null);
  }

  @Test
  void classifiesBySqlState() {
    assertThat(FailureKind.of(pg(SqlStates.LOCK_NOT_AVAILABLE))).isEqualTo(FailureKind.LOCK_TIMEOUT);
    assertThat(FailureKind.of(pg(SqlStates.SERIALIZATION_FAILURE))).isEqualTo(FailureKind.SERIALIZATION);
    assertThat(FailureKind.of(pg(SqlStates.DEADLOCK_DETECTED))).isEqualTo(FailureKind.SERIALIZATION);
    assertThat(FailureKind.of(pg(SqlStates.FOREIGN_KEY_VIOLATION))).isEqualTo(FailureKind.VIOLATION);
    assertThat(FailureKind.of(pg(SqlStates.CHECK_VIOLATION))).isEqualTo(FailureKind.VIOLATION);
    assertThat(FailureKind.of(pg(SqlStates.NOT_NULL_VIOLATION))).isEqualTo(FailureKind.VIOLATION);
    assertThat(FailureKind.of(pg(SqlStates.ADMIN_SHUTDOWN))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(pg(SqlStates.SYNTAX_ERROR))).isEqualTo(FailureKind.PERMANENT);
    assertThat(FailureKind.of(pg(SqlStates.INSUFFICIENT_PRIVILEGE))).isEqualTo(FailureKind.PERMANENT);
    assertThat(FailureKind.of(pg(SqlStates.UNIQUE_VIOLATION))).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void connectionLossWithoutSqlStateIsTransient() {
    assertThat(FailureKind.of(ClosedConnectionException.INSTANCE)).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(new IllegalStateException(new ConnectException("refused")))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureKind.of(new IllegalStateException("bug"))).isEqualTo(FailureKind.PERMANENT);
  }
}
