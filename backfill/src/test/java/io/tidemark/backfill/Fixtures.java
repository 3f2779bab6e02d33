package io.tidemark.backfill;

import io.tidemark.backfill.throttle.ThrottleControls;
import io.tidemark.config.BackfillSettings;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Secret;
import io.tidemark.config.ThrottleSettings;
import io.tidemark.planner.BackfillSpec;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Jobs and waits for the integration tests. */
final class Fixtures {
  static final ThrottleSettings NO_THROTTLE = new ThrottleSettings(Duration.ZERO, 0, 0, "", "", Duration.ofMillis(100));

  private Fixtures() {}

  static DatabaseConfig config(TestDatabase db) {
    var s = db.server();
    return new DatabaseConfig(db.name(), db.url(), s.host(), s.port(), db.name(), s.user(),
        Secret.of(s.password()), s.host() + ":" + s.port(), 2, "prefer", Duration.ofMinutes(1));
  }

  static BackfillSettings pace(int min, int max, long targetMs, long rowsPerSecond) {
    return new BackfillSettings(Duration.ofMillis(targetMs), min, max, rowsPerSecond, true);
  }

  static BackfillSpec spec(String table, String set, String where) {
    return new BackfillSpec("public", table, set, Optional.ofNullable(where), OptionalLong.empty(),
        Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
  }

  static BackfillJob job(TestDatabase db, String step, BackfillSpec spec, BackfillSettings pace, ThrottleSettings t) {
    return new BackfillJob("it-plan", step, config(db), spec, new ThrottleControls(pace, t));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls until {@code condition} holds; fails after {@code seconds}. */
  static void eventually(int seconds, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      sleep(20);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
