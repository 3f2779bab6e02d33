package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.BackfillSettings;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchSizerTest {
  private static final BackfillSettings SETTINGS = new BackfillSettings(Duration.ofMillis(250), 100, 50_000, 0, true);

  /** 2,000 keys in 94 ms (over half the aim: not tiny) would want 3,989 at that speed; it takes ×1.5. */
  @Test
  void growsAtMostByHalfPerBatchWhenBatchesAreFast() {
    BatchSizer sizer = grownTo(2_000);
    sizer.observe(SETTINGS, 0, 2_000, Duration.ofMillis(94), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(3_000);
  }

  /**
   * After a tiny batch the next may take up to half of the aim (93.75 ms of 187.5 ms) at the measured
   * speed: 100 keys in 1 ms allow 9,375, where ×1.5 would have taken ten batches to cover 9,000 rows; 100
   * keys in 25 ms (mostly the batch's fixed cost) allow 375. A batch that was not tiny grows by ×1.5.
   */
  @Test
  void growsUpToHalfOfTheAimAfterATinyBatch() {
    BatchSizer sizer = new BatchSizer(SETTINGS);
    sizer.observe(SETTINGS, 0, 100, Duration.ofMillis(1), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(9_375);
    sizer.observe(SETTINGS, 0, 9_375, Duration.ofMillis(75), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(14_062);
    BatchSizer slow = new BatchSizer(SETTINGS);
    slow.observe(SETTINGS, 0, 100, Duration.ofMillis(25), false);
    assertThat(slow.size(SETTINGS, 0)).isEqualTo(375);
  }

  /**
   * Tiny batches are mostly fixed cost: the per-key average restarts after one. 100 keys in 21 ms, then 446
   * in 29 ms (65 us a key): the next may take 2,884 keys by its own cost, capped at ×3.2 by the tiny-batch
   * growth (93.75 / 29): 1,441. Averaged with the first batch's 210 us it would have been 1,129.
   */
  @Test
  void forgetsTheCostOfTinyBatchesOnceBatchesGrow() {
    BatchSizer sizer = new BatchSizer(SETTINGS);
    sizer.observe(SETTINGS, 0, 100, Duration.ofMillis(21), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(446);
    sizer.observe(SETTINGS, 0, 446, Duration.ofMillis(29), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(1_441);
  }

  /** What the next run of the step starts from: the aim over the measured per-key cost, growth caps aside. */
  @Test
  void settlesOnTheSizeThatTakesTheAimAtTheMeasuredCost() {
    BatchSizer sizer = new BatchSizer(SETTINGS);
    assertThat(sizer.settled(SETTINGS, 0)).isEmpty();
    sizer.observe(SETTINGS, 0, 100, Duration.ofMillis(21), false);
    assertThat(sizer.settled(SETTINGS, 0)).hasValue(892);
    sizer.observe(SETTINGS, 0, 446, Duration.ofMillis(29), false);
    assertThat(sizer.settled(SETTINGS, 0)).hasValue(2_883);
  }

  @Test
  void shrinksProportionallyAtOnceAfterAVerySlowBatch() {
    BatchSizer sizer = grownTo(10_000);
    sizer.observe(SETTINGS, 0, 10_000, Duration.ofMillis(1_000), false);
    // aims at 0.75 x 250 ms = 187.5 ms: 10,000 x 187.5 / 1,000
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(1_875);
  }

  @Test
  void keepsTheSizeWhenTheBatchWaitedOnAnApplicationLock() {
    BatchSizer sizer = grownTo(10_000);
    sizer.observe(SETTINGS, 0, 10_000, Duration.ofMillis(1_100), true);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(10_000);
  }

  @Test
  void staysPutWithinTenPercentOfTheAim() {
    BatchSizer sizer = grownTo(10_000);
    sizer.observe(SETTINGS, 0, 10_000, Duration.ofMillis(200), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(10_000);
    sizer.observe(SETTINGS, 0, 10_000, Duration.ofMillis(175), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(10_000);
  }

  @Test
  void shrinksAfterABatchThatOvershotTheTargetOnlySlightly() {
    BatchSizer sizer = grownTo(10_000);
    sizer.observe(SETTINGS, 0, 10_000, Duration.ofMillis(260), false);
    assertThat(sizer.size(SETTINGS, 0)).isEqualTo(7_211);
  }

  /**
   * Batches of one size vary by about ±20% on a real server. Fed durations with that noise, the sizer must
   * keep almost every batch under the target (the bound the application's lock waits depend on) without
   * giving up throughput: the mean batch still uses more than half the target.
   */
  @Test
  void keepsNoisyBatchesUnderTheTarget() {
    Random random = new Random(42);
    BatchSizer sizer = new BatchSizer(SETTINGS);
    double nanosPerKey = 5_000; // 200,000 keys/s: 50,000 keys would take 250 ms
    int over = 0;
    double sum = 0;
    int batches = 2_000;
    for (int i = 0; i < batches; i++) {
      int keys = sizer.size(SETTINGS, 0);
      double noise = 0.8 + 0.4 * random.nextDouble();
      Duration took = Duration.ofNanos((long) (keys * nanosPerKey * noise));
      sizer.observe(SETTINGS, 0, keys, took, false);
      if (i >= 50) {
        over += took.compareTo(SETTINGS.targetBatchDuration()) > 0 ? 1 : 0;
        sum += took.toNanos();
      }
    }
    double counted = batches - 50;
    assertThat(over / counted).isLessThan(0.02);
    assertThat(sum / counted).isGreaterThan(0.6 * SETTINGS.targetBatchDuration().toNanos());
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
