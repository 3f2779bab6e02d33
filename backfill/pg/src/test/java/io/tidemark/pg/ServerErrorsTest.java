package io.tidemark.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

class ServerErrorsTest {

  @Test
  void checkViolationShowsTheMessageAndKeepsTheFailingRowForTheLog() {
    PgException e = new PgException("new row for relation \"users\" violates check constraint \"c\"", "ERROR",
        SqlStates.CHECK_VIOLATION, "Failing row contains (1, alice@example.com).");

    assertThat(ServerErrors.message(e)).isEqualTo("new row for relation \"users\" violates check constraint \"c\"");
    assertThat(ServerErrors.withheld(e)).hasValue("detail: Failing row contains (1, alice@example.com).");
  }

  @Test
  void dataExceptionQuotingAValueShowsOnlyAGenericMessage() {
    PgException e = new PgException("invalid input syntax for type integer: \"alice@example.com\"", "ERROR", "22P02",
        null);

    assertThat(ServerErrors.message(e)).doesNotContain("alice").contains("data exception");
    assertThat(ServerErrors.withheld(e).orElseThrow()).contains("alice@example.com");
  }

  @Test
  void fixedTextDataExceptionKeepsItsMessage() {
    PgException e = new PgException("division by zero", "ERROR", SqlStates.DIVISION_BY_ZERO, null);

    assertThat(ServerErrors.message(e)).isEqualTo("division by zero");
    assertThat(ServerErrors.withheld(e)).isEmpty();
  }
}
