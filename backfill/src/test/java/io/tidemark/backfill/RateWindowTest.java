package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateWindowTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void rateIsRowsOverTimeWithinTheWindow() {
    RateWindow w = new RateWindow(10 * SECOND);
    assertThat(w.rate()).isZero();
    w.record(0, 0);
    w.record(2 * SECOND, 2_000);
    assertThat(w.rate()).isCloseTo(1_000, within(0.01));
  }

  @Test
  void oldSamplesLeaveTheWindowSoTheRateFollowsAChange() {
    RateWindow w = new RateWindow(10 * SECOND);
    w.record(0, 0);
    w.record(10 * SECOND, 100_000);
    for (int s = 11; s <= 30; s++) {
      w.record(s * SECOND, 100_000 + (s - 10) * 100L);
    }
    assertThat(w.rate()).isCloseTo(100, within(0.01));
  }
}
