package io.tidemark.backfill;

import static io.tidemark.backfill.Fixtures.NO_THROTTLE;
import static io.tidemark.backfill.Fixtures.await;
import static io.tidemark.backfill.Fixtures.job;
import static io.tidemark.backfill.Fixtures.pace;
import static io.tidemark.backfill.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tidemark.pg.SqlStates;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(FreshDatabaseExtension.class)
class BadExpressionIT {
  @RegisterExtension
  static final RunningEngine ENGINE = new RunningEngine();

  @Test
  void aSyntaxErrorFailsTheStepOnTheFirstBatchWithItsSqlStateAndRange(TestDatabase db) {
    db.execute("CREATE TABLE syntax (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO syntax (id) SELECT g FROM generate_series(1, 1000) g");
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/syntax", spec("syntax", "n = n +", null),
        pace(100, 1000, 100, 0), NO_THROTTLE));
    BackfillException e = catchThrowableOfType(BackfillException.class, () -> await(run.completion()));

    assertThat(e.sqlState()).contains(SqlStates.SYNTAX_ERROR);
    assertThat(e.range()).isPresent();
    assertThat(e.range().get().after()).isEmpty();
    assertThat(e.range().get().upTo()).containsExactly("100");
    assertThat(run.progress().state()).isEqualTo(BackfillState.FAILED);
    assertThat(db.queryLong("SELECT count(*) FROM syntax WHERE n <> 0")).isZero();
    assertThat(db.queryValue("SELECT state FROM tidemark.backfill_checkpoints WHERE step_id = 'migrate[0]/syntax'"))
        .isEqualTo("failed");
  }

  /**
   * 600,000 rows; the set expression divides by zero in row 500,000. The where clause keeps the updates
   * cheap (every 100th row) while the batches still walk every key.
   */
  @Test
  void divisionByZeroInRow500000FailsWithTheBatchRangeAndEarlierBatchesStayCommitted(TestDatabase db) {
    db.execute("CREATE TABLE big (id int PRIMARY KEY, v int)",
        "INSERT INTO big (id) SELECT g FROM generate_series(1, 600000) g",
        "ANALYZE big");
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/big", spec("big", "v = 100 / (500000 - id)", "id % 100 = 0"),
        pace(20_000, 200_000, 300, 0), NO_THROTTLE));
    BackfillException e = catchThrowableOfType(BackfillException.class, () -> await(run.completion()));

    assertThat(e.sqlState()).contains(SqlStates.DIVISION_BY_ZERO);
    BackfillException.KeyRange range = e.range().orElseThrow();
    assertThat(range.columns()).containsExactly("id");
    long after = Long.parseLong(range.after().map(a -> a.get(0)).orElse("0"));
    long upTo = Long.parseLong(range.upTo().get(0));
    assertThat(after).isLessThan(500_000);
    assertThat(upTo).isGreaterThanOrEqualTo(500_000);
    assertThat(e.getMessage()).contains("division by zero").contains(range.toString());

    // every batch before the failing one committed, nothing of the failing one did
    assertThat(db.queryLong("SELECT count(*) FROM big WHERE v IS NOT NULL")).isEqualTo(after / 100);
    assertThat(db.queryLong("SELECT max(id) FROM big WHERE v IS NOT NULL")).isLessThanOrEqualTo(after);
    List<List<Object>> checkpoint = db.queryRows(
        "SELECT state, last_key[1] FROM tidemark.backfill_checkpoints WHERE step_id = 'migrate[0]/big'");
    assertThat(checkpoint).containsExactly(List.of("failed", String.valueOf(after)));
    assertThat(run.progress().lastError()).isNotEqualTo(Optional.empty());
  }
}
