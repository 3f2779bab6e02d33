package io.tidemark.daemon.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.Test;

class ExecutionContextTest {
  @Test
  void sessionsAreNamedAfterPlanAndStepWithoutTouchingTheGivenOptions() {
    PgConnectOptions base = new PgConnectOptions().setHost("db1").setDatabase("authdb");
    base.addProperty("application_name", "tidemark");
    ExecutionContext ctx = ExecutionContext.of(base, ExecFixtures.FAST_DDL, "2026-11-users", "expand[0]/add-column");

    PgConnectOptions session = ctx.sessionOptions(ctx.applicationName());

    assertThat(ctx.applicationName()).isEqualTo("tidemark/2026-11-users/expand[0]/add-column");
    assertThat(session.getProperties()).containsEntry("application_name", "tidemark/2026-11-users/expand[0]/add-column");
    assertThat(session.getHost()).isEqualTo("db1");
    assertThat(base.getProperties()).containsEntry("application_name", "tidemark");
  }
}
