package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KeyPositionTest {
  @Test
  void integerKeysGiveTheWalkedFractionOfTheRange() {
    assertThat(KeyPosition.fraction("bigint", "1", "250001", "1000001")).isCloseTo(0.25, within(1e-9));
  }

  @Test
  void uuidKeysUseTheirLeadingBits() {
    double f = KeyPosition.fraction("uuid", "00000000-0000-4000-8000-000000000000",
        "80000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff");
    assertThat(f).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void textKeysHaveNoPosition() {
    assertThat(KeyPosition.supports("text")).isFalse();
    assertThat(KeyPosition.fraction("integer", "a", "b", "c")).isNaN();
  }
}
