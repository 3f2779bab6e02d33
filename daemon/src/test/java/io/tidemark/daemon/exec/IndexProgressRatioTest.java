package io.tidemark.daemon.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class IndexProgressRatioTest {
  /** PostgreSQL's phases of CREATE INDEX CONCURRENTLY, in the order a build goes through them. */
  private static final List<String> PHASES = List.of(
      "initializing", "waiting for writers before build", "building index: scanning table",
      "building index: sorting live tuples", "building index: loading tuples in tree",
      "waiting for writers before validation", "index validation: scanning index", "index validation: sorting tuples",
      "index validation: scanning table", "waiting for old snapshots", "waiting for readers before marking dead");

  @Test
  void ratioGrowsThroughThePhasesOfAConcurrentBuild() {
    double previous = -1;
    for (String phase : PHASES) {
      double start = IndexProgressPoller.ratio(phase, 0, 0);
      double end = IndexProgressPoller.ratio(phase, 1, 1);
      assertThat(start).isGreaterThanOrEqualTo(previous);
      assertThat(end).isGreaterThanOrEqualTo(start).isLessThanOrEqualTo(1.0);
      previous = end;
    }
  }

  @Test
  void tableScanDominatesTheBuild() {
    assertThat(IndexProgressPoller.ratio("building index: scanning table", 0.4, 0)).isCloseTo(0.23, within(1e-9));
  }
}
