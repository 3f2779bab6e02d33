package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.BackfillSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchSizerTest {
  private static final BackfillSettings SETTINGS = new BackfillSettings(Duration.ofMillis(250), 100, 50_000, 0, true);

  @Test
  void growsAtMostByHalfPerBatchWhenBatchesAreFast() {
    BatchSizer sizer = new BatchSizer(SETTINGS);
    sizer.observe(SETTINGS, 0, 100, Duration.ofMillis(1), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(150);
    sizer.observe(SETTINGS, 0, 150, Duration.ofMillis(1), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(225);
  }

  @Test
  void shrinksProportionallyAtOnceAfterAVerySlowBatch() {
    BatchSizer sizer = grownTo(10_000);
    sizer.observe(SETTINGS, 0, 10_000, Duration.ofMillis(1_000), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(2_500);
  }

  @Test
  void keepsTheSizeWhenTheBatchWaitedOnAnApplicationLock() {
    BatchSizer sizer = grownTo(10_000);
    sizer.observe(SETTINGS, 0, 10_000, Duration.ofMillis(1_100), true);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(10_000);
  }

  @Test
  void staysPutWithinTenPercentOfTheTarget() {
    BatchSizer sizer = grownTo(10_000);
    sizer.observe(SETTINGS, 0, 10_000, Duration.ofMillis(270), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(10_000);
  }

  @Test
  void neverLeavesMinAndMax() {
    BatchSizer sizer = new BatchSizer(SETTINGS);
    sizer.observe(SETTINGS, 0, 100, Duration.ofSeconds(60), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(100);
    BatchSizer big = grownTo(50_000);
    big.observe(SETTINGS, 0, 50_000, Duration.ofMillis(1), false);
    assertThat(big.size(SETTINGS, 0)).isEqualTo(50_000);
  }

  @Test
  void aRowsPerSecondCapLimitsABatchToOneTargetDurationOfTheRate() {
    BatchSizer sizer = grownTo(10_000);
    assertThat(sizer.size(SETTINGS, 2_000)).isEqualTo(500);
    assertThat(BatchSizer.clamp(10_000, SETTINGS, 100)).isEqualTo(100);
  }

  @Test
  void contentionHalvesTheSize() {
    BatchSizer sizer = grownTo(10_000);
    sizer.contention(SETTINGS, 0);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(5_000);
  }

  private static BatchSizer grownTo(int size) {
    return new BatchSizer(size);
  }
}
