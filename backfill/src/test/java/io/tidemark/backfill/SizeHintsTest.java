package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.BackfillSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SizeHintsTest {
  private static final BackfillSettings SETTINGS = new BackfillSettings(Duration.ofMillis(250), 100, 50_000, 0, true);

  @Test
  void aStepNeverRunStartsAtTheMinimum() {
    assertThat(new SizeHints().startingSize("p", "migrate[0]/backfill", SETTINGS)).isEqualTo(100);
  }

  @Test
  void theNextRunOfAStepStartsAtHalfWhatTheLastOneSettledOn() {
    SizeHints hints = new SizeHints();
    hints.finished("p", "migrate[0]/backfill", 7_800);
    assertThat(hints.startingSize("p", "migrate[0]/backfill", SETTINGS)).isEqualTo(3_900);
    assertThat(hints.startingSize("p", "migrate[1]/backfill", SETTINGS)).as("another step").isEqualTo(100);
    assertThat(hints.startingSize("q", "migrate[0]/backfill", SETTINGS)).as("another plan").isEqualTo(100);
  }

  @Test
  void theStartStaysWithinTheSettingsOfTheRun() {
    SizeHints hints = new SizeHints();
    hints.finished("p", "s", 150);
    assertThat(hints.startingSize("p", "s", SETTINGS)).as("min-batch-rows").isEqualTo(100);
    hints.finished("p", "s", 50_000);
    BackfillSettings capped = new BackfillSettings(Duration.ofMillis(250), 100, 50_000, 4_000, true);
    assertThat(hints.startingSize("p", "s", capped)).as("max-rows-per-second x target").isEqualTo(1_000);
  }

  @Test
  void keepsOnlyTheMostRecentSteps() {
    SizeHints hints = new SizeHints();
    hints.finished("p", "first", 10_000);
    for (int i = 0; i < SizeHints.MAX_STEPS; i++) {
      hints.finished("p", "s" + i, 10_000);
    }
    assertThat(hints.startingSize("p", "first", SETTINGS)).isEqualTo(100);
    assertThat(hints.startingSize("p", "s0", SETTINGS)).isEqualTo(5_000);
  }
}
