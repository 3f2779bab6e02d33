package io.tidemark.daemon.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

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
}
