package io.tidemark.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.DdlSettings;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pins the one backoff policy's bounds: exponential from min, capped at max, jittered, never overflowing. */
class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

  @Test
  void firstRetryWaitsExactlyTheMinimum() {
    assertThat(backoff.delayAfter(1, new Random(1))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void ceilingDoublesPerAttemptAndStopsAtTheMaximum() {
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      assertThat(backoff.delayAfter(3, random)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(4));
      assertThat(backoff.delayAfter(30, random)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
      assertThat(backoff.delayAfter(1000, random)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
    }
  }

  @Test
  void jitterSpreadsRetriesOverTheWholeRange() {
    Random random = new Random(7);
    long below10s = 0;
    long above50s = 0;
    for (int i = 0; i < 1000; i++) {
      long ms = backoff.delayAfter(10, random).toMillis();
      below10s += ms < 10_000 ? 1 : 0;
      above50s += ms > 50_000 ? 1 : 0;
    }
    assertThat(below10s).isGreaterThan(50);
    assertThat(above50s).isGreaterThan(50);
  }

  @Test
  void maximumBelowMinimumMeansAlwaysTheMinimum() {
    Backoff odd = new Backoff(Duration.ofMillis(500), Duration.ofMillis(100));
    assertThat(odd.delayAfter(5, new Random(3))).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void attemptNumbersAreCappedSoNoneOverflows() {
    Random random = new Random(11);
    for (int attempt : new int[] {31, 32, 63, 64, 1_000_000, Integer.MAX_VALUE}) {
      assertThat(backoff.delayAfter(attempt, random)).as("attempt %d", attempt)
          .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
    }
    Backoff huge = new Backoff(Duration.ofDays(365), Duration.ofDays(3650));
    assertThat(huge.delayAfter(Integer.MAX_VALUE, random)).isBetween(Duration.ofDays(365), Duration.ofDays(3650));
  }

  @Test
  void attemptsBelowOneCountAsTheFirst() {
    assertThat(backoff.delayAfter(0, new Random(5))).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delayAfter(-3, new Random(5))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void ddlBackoffSettingGivesTheBounds() {
    DdlSettings ddl = new DdlSettings(Duration.ofMillis(500), Duration.ZERO, 30, Duration.ofMillis(200),
        Duration.ofSeconds(3));
    assertThat(Backoff.of(ddl)).isEqualTo(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(3)));
  }

  @Test
  void batchRetriesStartAt50msAndNeverExceed5s() {
    Random random = new Random(9);
    assertThat(Backoff.BATCH.delayAfter(1, random)).isEqualTo(Duration.ofMillis(50));
    for (int i = 0; i < 500; i++) {
      assertThat(Backoff.BATCH.delayAfter(3, random)).isBetween(Duration.ofMillis(50), Duration.ofMillis(200));
      assertThat(Backoff.BATCH.delayAfter(100, random)).isBetween(Duration.ofMillis(50), Duration.ofSeconds(5));
    }
  }
}
