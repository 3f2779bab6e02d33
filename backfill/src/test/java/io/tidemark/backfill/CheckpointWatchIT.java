package io.tidemark.backfill;

import static io.tidemark.backfill.Fixtures.NO_THROTTLE;
import static io.tidemark.backfill.Fixtures.await;
import static io.tidemark.backfill.Fixtures.eventually;
import static io.tidemark.backfill.Fixtures.job;
import static io.tidemark.backfill.Fixtures.pace;
import static io.tidemark.backfill.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tidemark.pg.PgConnections;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints requested while a backfill runs are reported once. {@code CHECKPOINT} commands stand in for
 * the ones a backfill's WAL forces: the server counts both as requested checkpoints, and this shared test
 * server's {@code max_wal_size} is not the test's to lower.
 */
@ExtendWith(FreshDatabaseExtension.class)
class CheckpointWatchIT {
  @RegisterExtension
  static final RunningEngine ENGINE = new RunningEngine();

  @Test
  void warnsOnceAfterThreeCheckpointsWereRequested(TestDatabase db) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnections.options(Fixtures.config(db), "checkpoint-watch-it")).using(ENGINE.vertx()).build();
    try {
      CheckpointWatch watch = new CheckpointWatch(pool);
      await(watch.start());
      db.execute("CHECKPOINT", "CHECKPOINT");
      assertThat(await(watch.check())).as("two are not yet a pattern").isEmpty();
      db.execute("CHECKPOINT");

      Optional<String> warning = await(watch.check());

      assertThat(warning).isPresent();
      assertThat(warning.get()).contains("checkpoints were requested")
          .contains("max_wal_size = " + db.queryValue("SELECT current_setting('max_wal_size')"));
      db.execute("CHECKPOINT");
      assertThat(await(watch.check())).as("once per run").isEmpty();
    } finally {
      await(pool.close());
    }
  }

  @Test
  void aRunningBackfillLogsTheWarning(TestDatabase db) {
    db.execute("CREATE TABLE walled (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO walled (id) SELECT g FROM generate_series(1, 40000) g");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger runLog = (Logger) LoggerFactory.getLogger(BackfillRun.class);
    log.start();
    runLog.addAppender(log);
    try {
      // 2,000 rows/s: 20 s for the table, long enough for the run's check every 10 s
      BackfillRun run = ENGINE.start(job(db, "migrate[0]/walled", spec("walled", "n = n + 1", null),
          pace(100, 1000, 100, 2000), NO_THROTTLE));
      eventually(20, "first batches", () -> run.progress().rowsDone() > 1000);
      db.execute("CHECKPOINT", "CHECKPOINT", "CHECKPOINT");

      eventually(20, "the warning", () -> log.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
          && e.getFormattedMessage().contains("checkpoints were requested")));

      ILoggingEvent warning = log.list.stream().filter(e -> e.getLevel() == Level.WARN).findFirst().orElseThrow();
      assertThat(warning.getMDCPropertyMap()).containsEntry("step", "migrate[0]/walled");
      await(run.stop());
      assertThat(db.queryLong("SELECT count(*) FROM walled WHERE n > 1")).isZero();
    } finally {
      runLog.detachAppender(log);
    }
  }
}
