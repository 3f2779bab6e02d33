package io.tidemark.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins the one classifier: every SQLSTATE Tidemark acts on, by code, and the connection-loss exceptions. */
class FailuresTest {
  private static PgException pg(String sqlState) {
    return new PgException("boom", "ERROR", sqlState, null);
  }

  @Test
  void sqlStatesMapToTheirKind() {
    Map<String, FailureKind> expected = Map.ofEntries(
        Map.entry("55P03", FailureKind.LOCK_TIMEOUT),
        Map.entry("40001", FailureKind.SERIALIZATION),
        Map.entry("40P01", FailureKind.SERIALIZATION),
        Map.entry("57P01", FailureKind.CONNECTION),
        Map.entry("57P02", FailureKind.CONNECTION),
        Map.entry("57P03", FailureKind.CONNECTION),
        Map.entry("08000", FailureKind.CONNECTION),
        Map.entry("08003", FailureKind.CONNECTION),
        Map.entry("08006", FailureKind.CONNECTION),
        Map.entry("08001", FailureKind.CONNECTION),
        Map.entry("08P01", FailureKind.CONNECTION),
        Map.entry("53300", FailureKind.TRANSIENT),
        Map.entry("53200", FailureKind.TRANSIENT),
        Map.entry("53100", FailureKind.PERMANENT),
        Map.entry("57014", FailureKind.PERMANENT),
        Map.entry("42601", FailureKind.PERMANENT),
        Map.entry("42501", FailureKind.PERMANENT),
        Map.entry("23505", FailureKind.PERMANENT),
        Map.entry("23503", FailureKind.PERMANENT),
        Map.entry("22012", FailureKind.PERMANENT));
    expected.forEach((state, kind) -> {
      assertThat(Failures.kind(pg(state))).as(state).isEqualTo(kind);
      assertThat(Failures.ofState(state)).as(state).isEqualTo(kind);
    });
  }

  @Test
  void namedStatesAreTheCodesTheyName() {
    assertThat(Failures.kind(pg(SqlStates.LOCK_NOT_AVAILABLE))).isEqualTo(FailureKind.LOCK_TIMEOUT);
    assertThat(Failures.kind(pg(SqlStates.ADMIN_SHUTDOWN))).isEqualTo(FailureKind.CONNECTION);
    assertThat(Failures.kind(pg(SqlStates.TOO_MANY_CONNECTIONS))).isEqualTo(FailureKind.TRANSIENT);
    assertThat(Failures.kind(pg(SqlStates.DISK_FULL))).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void closedConnectionsAndSocketFailuresAreConnectionLoss() {
    assertThat(Failures.kind(ClosedConnectionException.INSTANCE)).isEqualTo(FailureKind.CONNECTION);
    assertThat(Failures.kind(new ConnectException("Connection refused"))).isEqualTo(FailureKind.CONNECTION);
    assertThat(Failures.kind(new SocketException("Connection reset"))).isEqualTo(FailureKind.CONNECTION);
    assertThat(Failures.kind(new NoStackTraceTimeoutException("pool timeout"))).isEqualTo(FailureKind.CONNECTION);
    assertThat(Failures.kind(new VertxException(new ConnectException("refused"), true)))
        .isEqualTo(FailureKind.CONNECTION);
    assertThat(Failures.kind(new UncheckedIOException(new SocketException("reset")))).isEqualTo(FailureKind.CONNECTION);
  }

  @Test
  void theFirstServerErrorInTheCauseChainDecides() {
    RuntimeException wrapped = new RuntimeException("backfill failed", pg("57P01"));
    assertThat(Failures.kind(wrapped)).isEqualTo(FailureKind.CONNECTION);
    assertThat(Failures.sqlState(wrapped)).contains("57P01");
    // a server error wins over a closed socket further down: the server said what happened
    RuntimeException both = new RuntimeException("outer", pg("42601"));
    both.addSuppressed(ClosedConnectionException.INSTANCE);
    RuntimeException serverThenSocket = new RuntimeException(pg("42601"));
    assertThat(Failures.kind(serverThenSocket)).isEqualTo(FailureKind.PERMANENT);
    assertThat(Failures.kind(both)).isEqualTo(FailureKind.PERMANENT);
  }

  @Test
  void bugsAndRefusedSessionsArePermanent() {
    assertThat(Failures.kind(new IllegalStateException("bug"))).isEqualTo(FailureKind.PERMANENT);
    assertThat(Failures.kind(new NullPointerException())).isEqualTo(FailureKind.PERMANENT);
    assertThat(Failures.kind(new SessionRefusedException("standard_conforming_strings = off")))
        .isEqualTo(FailureKind.PERMANENT);
    assertThat(Failures.sqlState(new IllegalStateException("bug"))).isEmpty();
  }

  @Test
  void onlyConnectionAndTransientAreUnreachable() {
    for (FailureKind kind : FailureKind.values()) {
      assertThat(kind.unreachable()).as(kind.name())
          .isEqualTo(kind == FailureKind.CONNECTION || kind == FailureKind.TRANSIENT);
    }
  }

  @Test
  void violationsAreTheThreeValidationCodes() {
    assertThat(Failures.isViolation(pg(SqlStates.FOREIGN_KEY_VIOLATION))).isTrue();
    assertThat(Failures.isViolation(pg(SqlStates.CHECK_VIOLATION))).isTrue();
    assertThat(Failures.isViolation(pg(SqlStates.NOT_NULL_VIOLATION))).isTrue();
    assertThat(Failures.isViolation(pg(SqlStates.UNIQUE_VIOLATION))).isFalse();
    assertThat(Failures.isViolation(ClosedConnectionException.INSTANCE)).isFalse();
  }

  @Test
  void messageIsTheServersTextWithoutItsCode() {
    assertThat(Failures.message(pg("42601"))).contains("boom");
    assertThat(Failures.message(new IllegalStateException())).contains("IllegalStateException");
  }
}
