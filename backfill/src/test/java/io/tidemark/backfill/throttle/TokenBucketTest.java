package io.tidemark.backfill.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long MS = 1_000_000L;

  @Test
  void allowsOneSecondOfBurstThenPacesToTheRate() {
    TokenBucket bucket = new TokenBucket();
    assertThat(bucket.waitNanos(0, 1_000)).isZero();
    bucket.consume(1_000, 0, 1_000);
    assertThat(bucket.waitNanos(0, 1_000)).isZero();
    bucket.consume(250, 0, 1_000);
    assertThat(bucket.waitNanos(0, 1_000)).isEqualTo(250 * MS);
    assertThat(bucket.waitNanos(100 * MS, 1_000)).isEqualTo(150 * MS);
    assertThat(bucket.waitNanos(250 * MS, 1_000)).isZero();
  }

  @Test
  void zeroTurnsTheCapOffAndForgetsDebt() {
    TokenBucket bucket = new TokenBucket();
    bucket.consume(5_000, 0, 1_000);
    assertThat(bucket.waitNanos(0, 1_000)).isPositive();
    assertThat(bucket.waitNanos(0, 0)).isZero();
  }
}
